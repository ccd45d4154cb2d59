import { afterAll, beforeAll, describe, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.ts';
import { migrations } from '../../../src/store/postgres/migrations.ts';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.ts';
import { expectUpgraded, LEGACY_CURSORS, UPDATED_AT } from './legacy-state.ts';

/** Upgrading a PostgreSQL store that an earlier version wrote: tenant state leaves the cursor table. */
describe('PostgreSQL upgrade: tenant state leaves the cursor table', () => {
  let database: TestDatabase;
  let store: PostgresStore;

  beforeAll(async () => {
    database = await createTestDatabase('upgrade');
    store = createPostgresStore(database.url);
    // The schema as migration 3 left it, with the rows that version wrote.
    const q = (text: string, values?: unknown[]) => store.pool.query(text, values);
    await q(`CREATE TABLE schema_migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    for (const m of migrations.filter((m) => m.id <= 3)) {
      for (const statement of m.statements) await q(statement);
      await q('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [m.id, m.name]);
    }
    await q(
      `INSERT INTO tenants (id, company_name, installed_by) VALUES ('t1', 'Co', '{}'), ('t2', 'Co 2', '{}')`,
    );
    for (const c of LEGACY_CURSORS)
      await q(
        'INSERT INTO cursors (tenant_id, stream, position, version, updated_at) VALUES ($1, $2, $3, $4, $5)',
        [c.tenantId, c.stream, JSON.stringify(c.position), c.version, UPDATED_AT],
      );
    await store.migrate();
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('moves decisions and bookkeeping to state keys and leaves cursors with positions only', async () => {
    await expectUpgraded(store);
  });
});
