import { COLLECTIONS, type Database } from './db.ts';
import { afterKeyFilter, keyMatch, retryOnDuplicateKey, toNumber, toStoredJson } from './mapping.ts';
import { decodeKeyToken, encodeKeyToken, pageSize } from '../paging.ts';
import type { ItemStatus, OutstandingItem, Store } from '../types.ts';

/** One item not (yet) archived, unique on the ledger key; _id is an ObjectId. */
export type OutstandingDoc = OutstandingItem;

export const toItem = (d: OutstandingDoc): OutstandingItem => ({
  tenantId: d.tenantId,
  kind: d.kind,
  sourceId: d.sourceId,
  attachmentId: d.attachmentId,
  status: d.status,
  attempts: toNumber(d.attempts),
  lastError: d.lastError ?? null,
  nextAttemptAt: d.nextAttemptAt ?? null,
  descriptor: d.descriptor ?? {},
  firstSeenAt: d.firstSeenAt,
  updatedAt: d.updatedAt,
});

/** Aggregation rows ({_id: status, count}) as counts for every status, zero when absent. */
export function toStatusCounts(rows: Array<{ _id: unknown; count: unknown }>): Record<ItemStatus, number> {
  const counts: Record<ItemStatus, number> = { pending: 0, failed: 0, skipped: 0 };
  for (const r of rows)
    if (typeof r._id === 'string' && r._id in counts) counts[r._id as ItemStatus] = toNumber(r.count);
  return counts;
}

const KEY_SORT = { kind: 1, sourceId: 1, attachmentId: 1 } as const;

type OutstandingMethods = Pick<
  Store,
  | 'saveOutstanding'
  | 'getOutstanding'
  | 'listDueOutstanding'
  | 'listOutstanding'
  | 'countOutstanding'
  | 'deleteOutstanding'
>;

export function outstandingMethods(db: Database): OutstandingMethods {
  const items = db.collection<OutstandingDoc>(COLLECTIONS.outstanding);
  return {
    async saveOutstanding(item) {
      const now = new Date();
      await retryOnDuplicateKey(() =>
        db.run(() =>
          items.updateOne(
            keyMatch(item.tenantId, item),
            {
              $set: {
                status: item.status,
                attempts: item.attempts,
                lastError: item.lastError ?? null,
                nextAttemptAt: item.nextAttemptAt ?? null,
                descriptor: toStoredJson(item.descriptor),
                updatedAt: now,
              },
              // When the item was first seen survives every later attempt.
              $setOnInsert: { firstSeenAt: now },
            },
            { upsert: true },
          ),
        ),
      );
    },

    async getOutstanding(tenantId, key) {
      const doc = await db.run(() => items.findOne(keyMatch(tenantId, key)));
      return doc ? toItem(doc) : null;
    },

    async listDueOutstanding(tenantId, now, limit) {
      // limit(0) would mean "no limit" to MongoDB; to the port it means none.
      if (limit <= 0) return [];
      // { nextAttemptAt: null } also matches a missing field; null sorts before every date, so the
      // order is the Postgres adapter's NULLS FIRST.
      const docs = await db.run(() =>
        items
          .find({
            tenantId,
            status: 'pending',
            $or: [{ nextAttemptAt: null }, { nextAttemptAt: { $lte: now } }],
          })
          .sort({ nextAttemptAt: 1, ...KEY_SORT })
          .limit(limit)
          .toArray(),
      );
      return docs.map(toItem);
    },

    async listOutstanding(tenantId, options = {}) {
      const limit = pageSize(options.limit);
      const filter = {
        tenantId,
        ...(options.status ? { status: options.status } : {}),
        ...(options.kind ? { kind: options.kind } : {}),
        ...afterKeyFilter<OutstandingDoc>(decodeKeyToken(options.after)),
      };
      const docs = await db.run(() =>
        items
          .find(filter)
          .sort(KEY_SORT)
          .limit(limit + 1)
          .toArray(),
      );
      const page = docs.slice(0, limit).map(toItem);
      const last = page[page.length - 1];
      return { items: page, next: docs.length > limit && last ? encodeKeyToken(last) : null };
    },

    async countOutstanding(tenantId) {
      const rows = await db.run(() =>
        items
          .aggregate<{ _id: string; count: number }>([
            { $match: { tenantId } },
            { $group: { _id: '$status', count: { $sum: 1 } } },
          ])
          .toArray(),
      );
      return toStatusCounts(rows);
    },

    async deleteOutstanding(tenantId, key) {
      await db.run(() => items.deleteOne(keyMatch(tenantId, key)));
    },
  };
}
