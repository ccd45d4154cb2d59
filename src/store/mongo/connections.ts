import type { Filter } from 'mongodb';
import { COLLECTIONS, type Database } from './db.ts';
import { decodeTupleToken, encodeTupleToken, pageSize } from '../paging.ts';
import { retryOnDuplicateKey, toNumber } from './mapping.ts';
import type { Connection, ConnectionPatch, Provider, Store } from '../types.ts';

/** One connection per (tenantId, provider), enforced by a unique index; _id is an ObjectId. */
interface ConnectionDoc {
  tenantId: string;
  provider: Provider;
  accountId: string;
  accountLabel: string;
  tokenCiphertext: string;
  keyId: string;
  accessExpiresAt: Date | null;
  refreshExpiresAt: Date | null;
  version: number;
  refreshLeaseUntil: Date | null;
  lastRefreshError: string | null;
  lastRefreshedAt: Date | null;
  createdAt: Date;
  updatedAt: Date;
}

export const toConnection = (d: ConnectionDoc): Connection => ({
  tenantId: d.tenantId,
  provider: d.provider,
  accountId: d.accountId,
  accountLabel: d.accountLabel ?? '',
  tokenCiphertext: d.tokenCiphertext,
  keyId: d.keyId,
  accessExpiresAt: d.accessExpiresAt ?? null,
  refreshExpiresAt: d.refreshExpiresAt ?? null,
  version: toNumber(d.version),
  refreshLeaseUntil: d.refreshLeaseUntil ?? null,
  lastRefreshError: d.lastRefreshError ?? null,
  lastRefreshedAt: d.lastRefreshedAt ?? null,
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

const PATCH_KEYS: ReadonlyArray<keyof ConnectionPatch> = [
  'tokenCiphertext',
  'keyId',
  'accessExpiresAt',
  'refreshExpiresAt',
  'refreshLeaseUntil',
  'lastRefreshError',
  'lastRefreshedAt',
  'accountLabel',
];

/**
 * The $set for a patch: every key present is written, an undefined value as null (as the Postgres
 * adapter does), and nothing outside the patchable fields can slip in.
 */
export function connectionPatchSet(patch: ConnectionPatch): Partial<ConnectionDoc> {
  const set: Partial<Record<keyof ConnectionPatch, unknown>> = {};
  for (const key of PATCH_KEYS) if (key in patch) set[key] = patch[key] ?? null;
  return set as Partial<ConnectionDoc>;
}

type ConnectionMethods = Pick<
  Store,
  | 'getConnection'
  | 'listConnections'
  | 'pageConnections'
  | 'saveConnection'
  | 'updateConnection'
  | 'deleteConnection'
>;

export function connectionMethods(db: Database): ConnectionMethods {
  const connections = db.collection<ConnectionDoc>(COLLECTIONS.connections);
  return {
    async getConnection(tenantId, provider) {
      const doc = await db.run(() => connections.findOne({ tenantId, provider }));
      return doc ? toConnection(doc) : null;
    },

    async listConnections(filter = {}) {
      const query: Filter<ConnectionDoc> = {};
      if (filter.provider) query.provider = filter.provider;
      if (filter.tenantId) query.tenantId = filter.tenantId;
      const docs = await db.run(() => connections.find(query).sort({ tenantId: 1, provider: 1 }).toArray());
      return docs.map(toConnection);
    },

    async pageConnections(options = {}) {
      const limit = pageSize(options.limit);
      const after = decodeTupleToken(options.after, 2);
      const clauses: Filter<ConnectionDoc>[] = [];
      if (options.refreshedBefore)
        clauses.push({
          $expr: { $lt: [{ $ifNull: ['$lastRefreshedAt', '$createdAt'] }, options.refreshedBefore] },
        });
      if (after)
        clauses.push({
          $or: [{ tenantId: { $gt: after[0] } }, { tenantId: after[0], provider: { $gt: after[1] } }],
        });
      const docs = await db.run(() =>
        connections
          .find(clauses.length ? { $and: clauses } : {})
          .sort({ tenantId: 1, provider: 1 })
          .limit(limit + 1)
          .toArray(),
      );
      const items = docs.slice(0, limit).map(toConnection);
      const last = items[items.length - 1];
      return {
        items,
        next: docs.length > limit && last ? encodeTupleToken([last.tenantId, last.provider]) : null,
      };
    },

    async saveConnection(c) {
      // One upsert: a new authorization replaces the tokens, clears any refresh lease and error, and
      // $inc keeps the version counting up across replacements (a missing field starts at 1), so a
      // refresh that read the old version can never overwrite the new tokens.
      const now = new Date();
      const doc = await retryOnDuplicateKey(() =>
        db.run(() =>
          connections.findOneAndUpdate(
            { tenantId: c.tenantId, provider: c.provider },
            {
              $set: {
                accountId: c.accountId,
                accountLabel: c.accountLabel,
                tokenCiphertext: c.tokenCiphertext,
                keyId: c.keyId,
                accessExpiresAt: c.accessExpiresAt ?? null,
                refreshExpiresAt: c.refreshExpiresAt ?? null,
                refreshLeaseUntil: null,
                lastRefreshError: null,
                lastRefreshedAt: now,
                updatedAt: now,
              },
              $inc: { version: 1 },
              $setOnInsert: { createdAt: now },
            },
            { upsert: true, returnDocument: 'after' },
          ),
        ),
      );
      if (!doc) throw new Error('saveConnection: the upsert returned no document');
      return toConnection(doc);
    },

    async updateConnection(tenantId, provider, expectedVersion, patch) {
      // Compare-and-swap: the version in the filter makes the read-check-write one atomic step.
      const doc = await db.run(() =>
        connections.findOneAndUpdate(
          { tenantId, provider, version: expectedVersion },
          { $set: { ...connectionPatchSet(patch), updatedAt: new Date() }, $inc: { version: 1 } },
          { returnDocument: 'after' },
        ),
      );
      return doc ? toConnection(doc) : null;
    },

    async deleteConnection(tenantId, provider) {
      await db.run(() => connections.deleteOne({ tenantId, provider }));
    },
  };
}
