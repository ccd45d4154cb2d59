import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDb } from '../../../src/store/postgres/db.ts';
import { createPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.ts';
import { runMigrations } from '../../../src/store/postgres/migrations.ts';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.ts';
import { describeLedgerHashMigration, describeStoreContract } from './store-contract.ts';

describeStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase('store');
  return {
    open: () => Promise.resolve(createPostgresStore(database.url)),
    cleanup: () => database.drop(),
    async holdCursor(tenantId, stream) {
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      await client.query('BEGIN');
      const { rowCount } = await client.query(
        'SELECT 1 FROM cursors WHERE tenant_id = $1 AND stream = $2 FOR UPDATE',
        [tenantId, stream],
      );
      if (rowCount !== 1) throw new Error(`no cursor ${tenantId}/${stream} to hold`);
      return async () => {
        await client.query('ROLLBACK');
        await client.end();
      };
    },
  };
});

/** A database with the migrations up to `through` applied, filled by `seed` as that schema stored rows. */
async function databaseAt(
  label: string,
  through: number,
  seed: (db: ReturnType<typeof createDb>) => Promise<void>,
): Promise<TestDatabase> {
  const database = await createTestDatabase(label);
  const pool = new pg.Pool({ connectionString: database.url, max: 2 });
  try {
    const db = createDb(pool);
    await runMigrations(db, { through });
    await seed(db);
  } finally {
    await pool.end();
  }
  return database;
}

describe('PostgreSQL: the archive browser migration on an archive that exists', () => {
  let database: TestDatabase;
  let store: PostgresStore;

  beforeAll(async () => {
    // Rows written as before the migration: straight into the ledger, no folder totals.
    database = await databaseAt('folders', 3, async (db) => {
      await db.query(`INSERT INTO tenants (id, company_name, installed_by) VALUES ('old', 'Old', '{}')`);
      await db.query(
        `INSERT INTO ledger (tenant_id, kind, source_id, path, size, sha256, content_hash, archived_at)
         SELECT 'old', 'call', s, p, z, '', '', now()
         FROM unnest($1::text[], $2::text[], $3::bigint[]) AS t(s, p, z)`,
        [
          ['a', 'b', 'c', 'd'],
          ['/Old/2026/01/a.json', '/Old/2026/01/b.json', '/Old/2026/02/c.json', '/top.csv'],
          [10, 20, 30, 5],
        ],
      );
    });
    store = createPostgresStore(database.url);
    await store.migrate();
  });
  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  it('counts the files already in the ledger into every folder above them', async () => {
    expect(await store.listFolders('old', '')).toEqual([{ path: '/Old', name: 'Old', files: 3, bytes: 60 }]);
    expect(await store.listFolders('old', '/Old/2026')).toEqual([
      { path: '/Old/2026/01', name: '01', files: 2, bytes: 30 },
      { path: '/Old/2026/02', name: '02', files: 1, bytes: 30 },
    ]);
    expect(await store.getFolder('old', '')).toMatchObject({ files: 4, bytes: 65 });
    expect((await store.listFolderFiles('old', '')).items.map((e) => e.path)).toEqual(['/top.csv']);
  });
});

describeLedgerHashMigration('PostgreSQL', async (tenantId, rows) => {
  // The schema as it was before the remote hash named its algorithm, and rows as it stored them.
  const database = await databaseAt('legacy', 4, async (db) => {
    await db.query(`INSERT INTO tenants (id, company_name, installed_by) VALUES ($1, 'Legacy Co', '{}')`, [
      tenantId,
    ]);
    for (const r of rows)
      await db.query(
        `INSERT INTO ledger (tenant_id, kind, source_id, attachment_id, path, size, sha256, content_hash,
           source_modified_at, archived_at, day) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          r.tenantId,
          r.kind,
          r.sourceId,
          r.attachmentId,
          r.path,
          r.size,
          r.sha256,
          r.contentHash,
          r.sourceModifiedAt,
          r.archivedAt,
          r.day,
        ],
      );
  });
  return { store: createPostgresStore(database.url), cleanup: () => database.drop() };
});
