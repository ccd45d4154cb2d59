import type { Db } from './db.ts';
import { decodeKeyToken, encodeKeyToken, pageSize } from '../paging.ts';
import type { JsonObject, LedgerEntry, Store } from '../types.ts';

interface LedgerRow {
  tenant_id: string;
  kind: string;
  source_id: string;
  attachment_id: string;
  path: string;
  size: number;
  sha256: string;
  content_hash: string;
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
  contentHash: r.content_hash,
  sourceModifiedAt: r.source_modified_at,
  archivedAt: r.archived_at,
  day: r.day,
});

type LedgerMethods = Pick<
  Store,
  | 'recordArchived'
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
    async recordArchived(e) {
      await db.transaction(async (tx) => {
        await tx.query(
          `INSERT INTO ledger (tenant_id, kind, source_id, attachment_id, path, size, sha256, content_hash,
             source_modified_at, archived_at, day)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
           ON CONFLICT (tenant_id, kind, source_id, attachment_id) DO UPDATE SET
             path = EXCLUDED.path, size = EXCLUDED.size, sha256 = EXCLUDED.sha256,
             content_hash = EXCLUDED.content_hash, source_modified_at = EXCLUDED.source_modified_at,
             archived_at = EXCLUDED.archived_at, day = EXCLUDED.day`,
          [
            e.tenantId,
            e.kind,
            e.sourceId,
            e.attachmentId,
            e.path,
            e.size,
            e.sha256,
            e.contentHash,
            e.sourceModifiedAt,
            e.archivedAt,
            e.day,
          ],
        );
        await tx.query(
          'DELETE FROM outstanding_items WHERE tenant_id = $1 AND kind = $2 AND source_id = $3 AND attachment_id = $4',
          [e.tenantId, e.kind, e.sourceId, e.attachmentId],
        );
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
      await db.query(
        'DELETE FROM ledger WHERE tenant_id = $1 AND kind = $2 AND source_id = $3 AND attachment_id = $4',
        [tenantId, key.kind, key.sourceId, key.attachmentId],
      );
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
