import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.ts';
import { migrations } from '../../../src/store/postgres/migrations.ts';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase('store');
  return {
    open: () => Promise.resolve(createPostgresStore(database.url)),
    cleanup: () => database.drop(),
  };
});

describe('PostgreSQL: the archive browser migration on an archive that exists', () => {
  let database: TestDatabase;
  let store: PostgresStore;

  beforeAll(async () => {
    database = await createTestDatabase('folders');
    store = createPostgresStore(database.url);
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('counts the files already in the ledger into every folder above them', async () => {
    await store.createTenant({
      id: 'old',
      companyName: 'Old',
      installedBy: { extensionId: '1', name: 'A' },
      settings: {},
    });
    // Rows written as before the migration: straight into the ledger, no folder totals.
    await store.pool.query(
      `INSERT INTO ledger (tenant_id, kind, source_id, path, size, sha256, content_hash, archived_at)
       SELECT 'old', 'call', s, p, z, '', '', now()
       FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(s, p, z)`,
      [
        ['a', 'b', 'c', 'd'],
        ['/Old/2026/01/a.json', '/Old/2026/01/b.json', '/Old/2026/02/c.json', '/top.csv'],
        [10, 20, 30, 5],
      ],
    );
    const migration = migrations.find((m) => m.name.startsWith('archive browser'))!;
    await store.pool.query(
      'DROP TABLE search_items, archive_folders; DROP INDEX ledger_by_folder; DELETE FROM schema_migrations WHERE id = ' +
        String(migration.id),
    );
    await store.migrate();
    expect(await store.listFolders('old', '')).toEqual([{ path: '/Old', name: 'Old', files: 3, bytes: 60 }]);
    expect(await store.listFolders('old', '/Old/2026')).toEqual([
      { path: '/Old/2026/01', name: '01', files: 2, bytes: 30 },
      { path: '/Old/2026/02', name: '02', files: 1, bytes: 30 },
    ]);
    expect(await store.getFolder('old', '')).toMatchObject({ files: 4, bytes: 65 });
    expect((await store.listFolderFiles('old', '')).items.map((e) => e.path)).toEqual(['/top.csv']);
  });
});
