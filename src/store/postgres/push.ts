import type { Db } from './db.ts';
import type { DirtyStream, PushRecords, PushSubscription } from '../types.ts';

/**
 * Push notifications' records: the tenant's WebHook subscriptions, the notification uuids already
 * seen (a redelivery does nothing), and the streams notifications marked dirty. A dirty mark is
 * one row per (tenant, stream), written atomically by every notification and settled by the early
 * run with a compare-and-swap on its version.
 */

interface SubscriptionRow {
  id: string;
  tenant_id: string;
  verification_hash: string;
  event_filters: string[];
  disabled_filters: string[];
  status: string;
  expires_at: Date;
  created_at: Date;
  checked_at: Date;
  last_event_at: Date | null;
}

const toSubscription = (r: SubscriptionRow): PushSubscription => ({
  id: r.id,
  tenantId: r.tenant_id,
  verificationHash: r.verification_hash,
  eventFilters: r.event_filters,
  disabledFilters: r.disabled_filters,
  status: r.status,
  expiresAt: r.expires_at,
  createdAt: r.created_at,
  checkedAt: r.checked_at,
  lastEventAt: r.last_event_at,
});

interface DirtyRow {
  tenant_id: string;
  stream: string;
  changed_at: Date;
  due_at: Date;
  since: Date | null;
  attempts: number;
  awaiting: string[];
  version: number;
}

const toDirty = (r: DirtyRow): DirtyStream => ({
  tenantId: r.tenant_id,
  stream: r.stream,
  changedAt: r.changed_at,
  dueAt: r.due_at,
  since: r.since,
  attempts: r.attempts,
  awaiting: r.awaiting,
  version: r.version,
});

export function pushMethods(db: Db): PushRecords {
  return {
    async savePushSubscription(s) {
      await db.query(
        `INSERT INTO push_subscriptions (id, tenant_id, verification_hash, event_filters, disabled_filters,
           status, expires_at, created_at, checked_at, last_event_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         ON CONFLICT (id) DO UPDATE SET verification_hash = EXCLUDED.verification_hash,
           event_filters = EXCLUDED.event_filters, disabled_filters = EXCLUDED.disabled_filters,
           status = EXCLUDED.status, expires_at = EXCLUDED.expires_at, checked_at = EXCLUDED.checked_at,
           last_event_at = GREATEST(push_subscriptions.last_event_at, EXCLUDED.last_event_at)`,
        [
          s.id,
          s.tenantId,
          s.verificationHash,
          JSON.stringify(s.eventFilters),
          JSON.stringify(s.disabledFilters),
          s.status,
          s.expiresAt,
          s.createdAt,
          s.checkedAt,
          s.lastEventAt,
        ],
      );
    },

    async getPushSubscription(id) {
      const { rows } = await db.query<SubscriptionRow>('SELECT * FROM push_subscriptions WHERE id = $1', [
        id,
      ]);
      return rows[0] ? toSubscription(rows[0]) : null;
    },

    async listPushSubscriptions(tenantId) {
      const { rows } = await db.query<SubscriptionRow>(
        'SELECT * FROM push_subscriptions WHERE tenant_id = $1 ORDER BY created_at, id',
        [tenantId],
      );
      return rows.map(toSubscription);
    },

    async deletePushSubscription(id) {
      await db.query('DELETE FROM push_subscriptions WHERE id = $1', [id]);
    },

    async recordPushEvent(tenantId, subscriptionId, uuid, at) {
      const { rows } = await db.query<{ fresh: boolean }>(
        `WITH seen AS (
           INSERT INTO push_events (tenant_id, uuid, received_at) VALUES ($1, $3, $4)
           ON CONFLICT DO NOTHING RETURNING 1
         ), touched AS (
           UPDATE push_subscriptions SET last_event_at = GREATEST(last_event_at, $4)
           WHERE id = $2 AND tenant_id = $1
         )
         SELECT EXISTS (SELECT 1 FROM seen) AS fresh`,
        [tenantId, subscriptionId, uuid, at],
      );
      return rows[0]!.fresh;
    },

    async prunePushEvents(tenantId, before) {
      await db.query('DELETE FROM push_events WHERE tenant_id = $1 AND received_at < $2', [tenantId, before]);
    },

    async markStreamDirty(tenantId, stream, change) {
      // `before` reads the row as it was when the statement began, so the answer can tell a new
      // mark, or one now due earlier, from a notification that only joins a pending mark.
      const { rows } = await db.query<{ due_at: Date; before_due: Date | null }>(
        `WITH before AS (
           SELECT due_at FROM dirty_streams WHERE tenant_id = $1 AND stream = $2
         ), marked AS (
           INSERT INTO dirty_streams (tenant_id, stream, changed_at, due_at, since, awaiting)
           VALUES ($1, $2, $3, $4, $6, $5)
           ON CONFLICT (tenant_id, stream) DO UPDATE SET
             changed_at = GREATEST(dirty_streams.changed_at, EXCLUDED.changed_at),
             due_at = LEAST(dirty_streams.due_at, EXCLUDED.due_at),
             since = LEAST(dirty_streams.since, EXCLUDED.since),
             awaiting = (SELECT coalesce(jsonb_agg(DISTINCT v), '[]'::jsonb)
                         FROM jsonb_array_elements(dirty_streams.awaiting || EXCLUDED.awaiting) v),
             version = dirty_streams.version + 1
           RETURNING due_at
         )
         SELECT marked.due_at, (SELECT due_at FROM before) AS before_due FROM marked`,
        [tenantId, stream, change.at, change.dueAt, JSON.stringify(change.awaiting), change.since],
      );
      const row = rows[0]!;
      return {
        armed: row.before_due === null || row.due_at.getTime() < row.before_due.getTime(),
        dueAt: row.due_at,
      };
    },

    async listDirtyStreams(tenantId) {
      const { rows } = await db.query<DirtyRow>(
        'SELECT * FROM dirty_streams WHERE tenant_id = $1 ORDER BY due_at, stream',
        [tenantId],
      );
      return rows.map(toDirty);
    },

    async settleDirtyStream(tenantId, stream, expectedVersion, next) {
      const { rowCount } =
        next === null
          ? await db.query(
              'DELETE FROM dirty_streams WHERE tenant_id = $1 AND stream = $2 AND version = $3',
              [tenantId, stream, expectedVersion],
            )
          : await db.query(
              `UPDATE dirty_streams SET due_at = $4, attempts = $5, awaiting = $6, version = version + 1
               WHERE tenant_id = $1 AND stream = $2 AND version = $3`,
              [tenantId, stream, expectedVersion, next.dueAt, next.attempts, JSON.stringify(next.awaiting)],
            );
      return (rowCount ?? 0) > 0;
    },
  };
}
