import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/store/postgres/db.ts';
import { createPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.ts';

// A pool whose every connection is busy for longer than its 5 s connection timeout: a statement
// waits for a free connection instead of failing, as a run's items do on a loaded machine.
describe('a busy PostgreSQL pool', () => {
  let database: TestDatabase;
  let store: PostgresStore;

  beforeAll(async () => {
    database = await createTestDatabase('busy-pool');
    store = createPostgresStore(database.url, { maxConnections: 1 });
    await store.migrate();
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('lets a statement and a transaction wait past the connection timeout for the one busy connection', async () => {
    const held = await store.pool.connect();
    const releasedAt = new Promise<number>((resolve) =>
      setTimeout(() => {
        held.release();
        resolve(Date.now());
      }, 6_500),
    );
    const started = Date.now();
    const [pinged, tenants, transacted] = await Promise.all([
      store.ping().then(() => Date.now()),
      store.listTenants().then(() => Date.now()),
      createDb(store.pool)
        .transaction((tx) => tx.query('SELECT 1'))
        .then(() => Date.now()),
    ]);
    const released = await releasedAt;
    expect(released - started).toBeGreaterThan(6_000);
    expect(pinged).toBeGreaterThanOrEqual(released);
    expect(tenants).toBeGreaterThanOrEqual(released);
    expect(transacted).toBeGreaterThanOrEqual(released);
  }, 30_000);
});
