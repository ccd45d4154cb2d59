import type { Db } from './db.ts';
import { decodeKeyToken, encodeKeyToken, pageSize } from '../paging.ts';
import type { ItemStatus, JsonObject, OutstandingItem, Store } from '../types.ts';

interface OutstandingRow {
  tenant_id: string;
  kind: string;
  source_id: string;
  attachment_id: string;
  status: ItemStatus;
  attempts: number;
  last_error: string | null;
  next_attempt_at: Date | null;
  descriptor: JsonObject;
  first_seen_at: Date;
  updated_at: Date;
}

const toItem = (r: OutstandingRow): OutstandingItem => ({
  tenantId: r.tenant_id,
  kind: r.kind,
  sourceId: r.source_id,
  attachmentId: r.attachment_id,
  status: r.status,
  attempts: r.attempts,
  lastError: r.last_error,
  nextAttemptAt: r.next_attempt_at,
  descriptor: r.descriptor,
  firstSeenAt: r.first_seen_at,
  updatedAt: r.updated_at,
});

const KEY_MATCH = 'tenant_id = $1 AND kind = $2 AND source_id = $3 AND attachment_id = $4';

type OutstandingMethods = Pick<
  Store,
  | 'saveOutstanding'
  | 'getOutstanding'
  | 'listDueOutstanding'
  | 'listOutstanding'
  | 'countOutstanding'
  | 'deleteOutstanding'
>;

export function outstandingMethods(db: Db): OutstandingMethods {
  return {
    async saveOutstanding(item) {
      await db.query(
        `INSERT INTO outstanding_items (tenant_id, kind, source_id, attachment_id, status, attempts, last_error,
           next_attempt_at, descriptor)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (tenant_id, kind, source_id, attachment_id) DO UPDATE SET
           status = EXCLUDED.status, attempts = EXCLUDED.attempts, last_error = EXCLUDED.last_error,
           next_attempt_at = EXCLUDED.next_attempt_at, descriptor = EXCLUDED.descriptor, updated_at = now()`,
        [
          item.tenantId,
          item.kind,
          item.sourceId,
          item.attachmentId,
          item.status,
          item.attempts,
          item.lastError,
          item.nextAttemptAt,
          JSON.stringify(item.descriptor),
        ],
      );
    },

    async getOutstanding(tenantId, key) {
      const { rows } = await db.query<OutstandingRow>(`SELECT * FROM outstanding_items WHERE ${KEY_MATCH}`, [
        tenantId,
        key.kind,
        key.sourceId,
        key.attachmentId,
      ]);
      return rows[0] ? toItem(rows[0]) : null;
    },

    async listDueOutstanding(tenantId, now, limit) {
      const { rows } = await db.query<OutstandingRow>(
        `SELECT * FROM outstanding_items
         WHERE tenant_id = $1 AND status = 'pending' AND (next_attempt_at IS NULL OR next_attempt_at <= $2)
         ORDER BY next_attempt_at NULLS FIRST, kind, source_id, attachment_id LIMIT $3`,
        [tenantId, now, limit],
      );
      return rows.map(toItem);
    },

    async listOutstanding(tenantId, options = {}) {
      const limit = pageSize(options.limit);
      const after = decodeKeyToken(options.after);
      const { rows } = await db.query<OutstandingRow>(
        `SELECT * FROM outstanding_items WHERE tenant_id = $1
           AND ($2::text IS NULL OR status = $2) AND ($3::text IS NULL OR kind = $3)
           AND ($4::text IS NULL OR (kind, source_id, attachment_id) > ($4, $5, $6))
         ORDER BY kind, source_id, attachment_id LIMIT $7`,
        [
          tenantId,
          options.status ?? null,
          options.kind ?? null,
          after?.kind ?? null,
          after?.sourceId ?? null,
          after?.attachmentId ?? null,
          limit + 1,
        ],
      );
      const items = rows.slice(0, limit).map(toItem);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? encodeKeyToken(last) : null };
    },

    async countOutstanding(tenantId) {
      const { rows } = await db.query<{ status: ItemStatus; count: number }>(
        'SELECT status, count(*)::bigint AS count FROM outstanding_items WHERE tenant_id = $1 GROUP BY status',
        [tenantId],
      );
      const counts: Record<ItemStatus, number> = { pending: 0, failed: 0, skipped: 0 };
      for (const r of rows) counts[r.status] = r.count;
      return counts;
    },

    async deleteOutstanding(tenantId, key) {
      await db.query(`DELETE FROM outstanding_items WHERE ${KEY_MATCH}`, [
        tenantId,
        key.kind,
        key.sourceId,
        key.attachmentId,
      ]);
    },
  };
}
