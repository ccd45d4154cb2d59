import type { Db } from './db.ts';
import { upsertSearchEntries } from './search.ts';
import { folderDeltas, folderName, type FolderDelta } from '../folders.ts';
import { decodeKeyToken, decodeTupleToken, encodeKeyToken, encodeTupleToken, pageSize } from '../paging.ts';
import type { JsonObject, LedgerEntry, LedgerKey, Store } from '../types.ts';

interface LedgerRow {
  tenant_id: string;
  kind: string;
  source_id: string;
  attachment_id: string;
  path: string;
  size: number;
  sha256: string;
  remote_hash_algorithm: string;
  remote_hash: string;
  source_modified_at: Date | null;
  archived_at: Date;
  day: string | null;
}

const toEntry = (r: LedgerRow): LedgerEntry => ({
  tenantId: r.tenant_id,
  kind: r.kind,
  sourceId: r.source_id,
  attachmentId: r.attachment_id,
  path: r.path,
  size: r.size,
  sha256: r.sha256,
  remoteHash: { algorithm: r.remote_hash_algorithm, value: r.remote_hash },
  sourceModifiedAt: r.source_modified_at,
  archivedAt: r.archived_at,
  day: r.day,
});

/** The folder a ledger path is directly in; the same expression as the ledger_by_folder index. */
const FOLDER_OF_PATH = `left(path, length(path) - strpos(reverse(path), '/'))`;

/**
 * Writers of one key take turns (a transaction-scoped lock on the key), so each reads the row as the
 * previous writer left it and the folder totals move by exactly what changed.
 */
async function lockKey(
  tx: Db,
  tenantId: string,
  key: LedgerKey,
): Promise<{ path: string; size: number } | null> {
  await tx.query(
    `SELECT pg_advisory_xact_lock(hashtext('ledger:' || $1), hashtext($2 || '/' || $3 || '/' || $4))`,
    [tenantId, key.kind, key.sourceId, key.attachmentId],
  );
  const { rows } = await tx.query<{ path: string; size: number }>(
    'SELECT path, size FROM ledger WHERE tenant_id = $1 AND kind = $2 AND source_id = $3 AND attachment_id = $4',
    [tenantId, key.kind, key.sourceId, key.attachmentId],
  );
  return rows[0] ?? null;
}

/** Folder rows are changed in path order (folderDeltas sorts them), so writers never deadlock. */
async function applyFolderDeltas(tx: Db, tenantId: string, deltas: FolderDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  await tx.query(
    `INSERT INTO archive_folders (tenant_id, path, parent, files, bytes)
     SELECT $1, d.path, d.parent, d.files, d.bytes
     FROM unnest($2::text[], $3::text[], $4::bigint[], $5::bigint[]) WITH ORDINALITY AS d(path, parent, files, bytes, n)
     ORDER BY d.n
     ON CONFLICT (tenant_id, path) DO UPDATE SET
       files = archive_folders.files + EXCLUDED.files, bytes = archive_folders.bytes + EXCLUDED.bytes`,
    [
      tenantId,
      deltas.map((d) => d.path),
      deltas.map((d) => d.parent),
      deltas.map((d) => d.files),
      deltas.map((d) => d.bytes),
    ],
  );
}

type LedgerMethods = Pick<
  Store,
  | 'recordArchived'
  | 'listFolders'
  | 'getFolder'
  | 'listFolderFiles'
  | 'getLedgerEntries'
  | 'listLedger'
  | 'ledgerTotals'
  | 'deleteLedgerEntry'
  | 'listLedgerByDay'
  | 'saveReportRows'
  | 'listReportRows'
>;

export function ledgerMethods(db: Db): LedgerMethods {
  return {
    async recordArchived(e, search) {
      await db.transaction(async (tx) => {
        const before = await lockKey(tx, e.tenantId, e);
        await tx.query(
          `INSERT INTO ledger (tenant_id, kind, source_id, attachment_id, path, size, sha256,
             remote_hash_algorithm, remote_hash, source_modified_at, archived_at, day)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)
           ON CONFLICT (tenant_id, kind, source_id, attachment_id) DO UPDATE SET
             path = EXCLUDED.path, size = EXCLUDED.size, sha256 = EXCLUDED.sha256,
             remote_hash_algorithm = EXCLUDED.remote_hash_algorithm, remote_hash = EXCLUDED.remote_hash,
             source_modified_at = EXCLUDED.source_modified_at, archived_at = EXCLUDED.archived_at,
             day = EXCLUDED.day`,
          [
            e.tenantId,
            e.kind,
            e.sourceId,
            e.attachmentId,
            e.path,
            e.size,
            e.sha256,
            e.remoteHash.algorithm,
            e.remoteHash.value,
            e.sourceModifiedAt,
            e.archivedAt,
            e.day,
          ],
        );
        await tx.query(
          'DELETE FROM outstanding_items WHERE tenant_id = $1 AND kind = $2 AND source_id = $3 AND attachment_id = $4',
          [e.tenantId, e.kind, e.sourceId, e.attachmentId],
        );
        await applyFolderDeltas(tx, e.tenantId, folderDeltas(before, e));
        if (search) await upsertSearchEntries(tx, [search]);
      });
    },

    async getLedgerEntries(tenantId, keys) {
      if (keys.length === 0) return [];
      const { rows } = await db.query<LedgerRow>(
        `SELECT l.* FROM ledger l
         JOIN unnest($2::text[], $3::text[], $4::text[]) AS k(kind, source_id, attachment_id)
           ON l.kind = k.kind AND l.source_id = k.source_id AND l.attachment_id = k.attachment_id
         WHERE l.tenant_id = $1`,
        [tenantId, keys.map((k) => k.kind), keys.map((k) => k.sourceId), keys.map((k) => k.attachmentId)],
      );
      return rows.map(toEntry);
    },

    async listLedger(tenantId, options = {}) {
      const limit = pageSize(options.limit);
      const after = decodeKeyToken(options.after);
      const { rows } = await db.query<LedgerRow>(
        `SELECT * FROM ledger WHERE tenant_id = $1
           AND ($2::text IS NULL OR kind = $2)
           AND ($3::text IS NULL OR (kind, source_id, attachment_id) > ($3, $4, $5))
         ORDER BY kind, source_id, attachment_id LIMIT $6`,
        [
          tenantId,
          options.kind ?? null,
          after?.kind ?? null,
          after?.sourceId ?? null,
          after?.attachmentId ?? null,
          limit + 1,
        ],
      );
      const items = rows.slice(0, limit).map(toEntry);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? encodeKeyToken(last) : null };
    },

    async ledgerTotals(tenantId) {
      const { rows } = await db.query<{ kind: string; count: number; bytes: number }>(
        `SELECT kind, count(*)::bigint AS count, COALESCE(sum(size), 0)::bigint AS bytes
         FROM ledger WHERE tenant_id = $1 GROUP BY kind ORDER BY kind`,
        [tenantId],
      );
      return Object.fromEntries(rows.map((r) => [r.kind, { count: r.count, bytes: r.bytes }]));
    },

    async deleteLedgerEntry(tenantId, key) {
      await db.transaction(async (tx) => {
        const before = await lockKey(tx, tenantId, key);
        if (!before) return;
        await tx.query(
          'DELETE FROM ledger WHERE tenant_id = $1 AND kind = $2 AND source_id = $3 AND attachment_id = $4',
          [tenantId, key.kind, key.sourceId, key.attachmentId],
        );
        await applyFolderDeltas(tx, tenantId, folderDeltas(before, null));
      });
    },

    async listFolders(tenantId, path) {
      const { rows } = await db.query<{ path: string; files: number; bytes: number }>(
        `SELECT path, files, bytes FROM archive_folders WHERE tenant_id = $1 AND parent = $2 AND files > 0
         ORDER BY path`,
        [tenantId, path],
      );
      return rows.map((r) => ({ ...r, name: folderName(r.path) }));
    },

    async getFolder(tenantId, path) {
      // The root has no row of its own: its totals are its top folders' plus any file at the top.
      const { rows } = await db.query<{ files: number; bytes: number }>(
        path === ''
          ? `SELECT ((SELECT COALESCE(sum(files), 0) FROM archive_folders WHERE tenant_id = $1 AND parent = '')
                  + (SELECT count(*) FROM ledger WHERE tenant_id = $1 AND ${FOLDER_OF_PATH} = ''))::bigint AS files,
                    ((SELECT COALESCE(sum(bytes), 0) FROM archive_folders WHERE tenant_id = $1 AND parent = '')
                  + (SELECT COALESCE(sum(size), 0) FROM ledger WHERE tenant_id = $1 AND ${FOLDER_OF_PATH} = ''))::bigint AS bytes`
          : 'SELECT files, bytes FROM archive_folders WHERE tenant_id = $1 AND path = $2',
        path === '' ? [tenantId] : [tenantId, path],
      );
      const row = rows[0];
      return row && row.files > 0
        ? { path, name: folderName(path), files: row.files, bytes: row.bytes }
        : null;
    },

    async listFolderFiles(tenantId, path, options = {}) {
      const limit = pageSize(options.limit);
      const { rows } = await db.query<LedgerRow>(
        `SELECT * FROM ledger WHERE tenant_id = $1 AND ${FOLDER_OF_PATH} = $2 AND ($3::text IS NULL OR path > $3)
         ORDER BY path LIMIT $4`,
        [tenantId, path, decodeTupleToken(options.after, 1)?.[0] ?? null, limit + 1],
      );
      const items = rows.slice(0, limit).map(toEntry);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? encodeTupleToken([last.path]) : null };
    },

    async listLedgerByDay(tenantId, day) {
      const { rows } = await db.query<LedgerRow>(
        'SELECT * FROM ledger WHERE tenant_id = $1 AND day = $2 ORDER BY path',
        [tenantId, day],
      );
      return rows.map(toEntry);
    },

    async saveReportRows(tenantId, day, report, rows) {
      if (rows.length === 0) return;
      await db.query(
        `INSERT INTO report_rows (tenant_id, day, report, row_key, row)
         SELECT $1, $2, $3, k, r FROM unnest($4::text[], $5::jsonb[]) AS t(k, r)
         ON CONFLICT (tenant_id, day, report, row_key) DO UPDATE SET row = EXCLUDED.row`,
        [tenantId, day, report, rows.map((r) => r.key), rows.map((r) => JSON.stringify(r.row))],
      );
    },

    async listReportRows(tenantId, day, report) {
      const { rows } = await db.query<{ row_key: string; row: JsonObject }>(
        'SELECT row_key, row FROM report_rows WHERE tenant_id = $1 AND day = $2 AND report = $3 ORDER BY row_key',
        [tenantId, day, report],
      );
      return rows.map((r) => ({ key: r.row_key, row: r.row }));
    },
  };
}
