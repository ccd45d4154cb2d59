import type { Filter } from 'mongodb';
import { COLLECTIONS, type Database } from './db.ts';
import { toNumber, toStoredJson } from './mapping.ts';
import { decodeTupleToken, encodeTupleToken, pageSize } from '../paging.ts';
import type { Installer, JsonObject, RunLease, Store, Tenant, TenantStatus } from '../types.ts';

/** One tenant; _id is the RingCentral account id, so the primary key is the tenant key. */
export interface TenantDoc {
  _id: string;
  companyName: string;
  installedBy: Installer;
  status: TenantStatus;
  statusReason: string | null;
  settings: JsonObject;
  runLeaseOwner: string | null;
  runLeaseUntil: Date | null;
  runLeaseToken: number;
  /** Counts the run's fenced writes; each one writes it so a takeover conflicts (fence.ts). */
  runLeaseWrites?: number;
  createdAt: Date;
  updatedAt: Date;
}

export const toTenant = (d: TenantDoc): Tenant => ({
  id: d._id,
  companyName: d.companyName,
  installedBy: d.installedBy,
  status: d.status,
  statusReason: d.statusReason ?? null,
  settings: d.settings ?? {},
  createdAt: d.createdAt,
  updatedAt: d.updatedAt,
});

/** The run lease stays inside the tenant document; it is never part of a Tenant record. */
const HIDE_LEASE = {
  projection: { runLeaseOwner: 0, runLeaseUntil: 0, runLeaseToken: 0, runLeaseWrites: 0 },
};

/**
 * The lease is free when it was never taken, was released, or has run out. "Run out" is judged by
 * the database server's clock ($$NOW), in acquire and renew alike: workers on different machines
 * then agree on expiry even when their own clocks drift apart.
 */
const LEASE_IS_FREE = {
  $expr: { $lt: [{ $ifNull: ['$runLeaseUntil', new Date(0)] }, '$$NOW'] },
};

type TenantMethods = Pick<
  Store,
  | 'createTenant'
  | 'getTenant'
  | 'listTenants'
  | 'pageTenants'
  | 'updateTenant'
  | 'deleteTenant'
  | 'acquireRunLease'
  | 'renewRunLease'
  | 'releaseRunLease'
>;

export function tenantMethods(db: Database): TenantMethods {
  const tenants = db.collection<TenantDoc>(COLLECTIONS.tenants);
  return {
    async createTenant(t) {
      const now = new Date();
      const doc: TenantDoc = {
        _id: t.id,
        companyName: t.companyName,
        installedBy: toStoredJson(t.installedBy),
        status: 'active',
        statusReason: null,
        settings: toStoredJson(t.settings),
        runLeaseOwner: null,
        runLeaseUntil: null,
        runLeaseToken: 0,
        createdAt: now,
        updatedAt: now,
      };
      // A second install of the same account fails on _id, like the Postgres primary key.
      await db.run(() => tenants.insertOne(doc));
      return toTenant(doc);
    },

    async getTenant(id) {
      const doc = await db.run(() => tenants.findOne({ _id: id }, HIDE_LEASE));
      return doc ? toTenant(doc) : null;
    },

    async listTenants(filter = {}) {
      const query = filter.status ? { status: { $in: filter.status } } : {};
      const docs = await db.run(() => tenants.find(query, HIDE_LEASE).sort({ _id: 1 }).toArray());
      return docs.map(toTenant);
    },

    async pageTenants(options = {}) {
      const limit = pageSize(options.limit);
      const after = decodeTupleToken(options.after, 1)?.[0];
      const query: Filter<TenantDoc> = {};
      if (options.status) query.status = { $in: options.status };
      if (after !== undefined) query._id = { $gt: after };
      const docs = await db.run(() =>
        tenants
          .find(query, HIDE_LEASE)
          .sort({ _id: 1 })
          .limit(limit + 1)
          .toArray(),
      );
      const items = docs.slice(0, limit).map(toTenant);
      const last = items[items.length - 1];
      return { items, next: docs.length > limit && last ? encodeTupleToken([last.id]) : null };
    },

    async updateTenant(id, patch) {
      // Absent or null fields stay as they are; statusReason alone may be cleared to null.
      const set: Partial<TenantDoc> = { updatedAt: new Date() };
      if (patch.companyName != null) set.companyName = patch.companyName;
      if (patch.installedBy != null) set.installedBy = toStoredJson(patch.installedBy);
      if (patch.status != null) set.status = patch.status;
      if ('statusReason' in patch) set.statusReason = patch.statusReason ?? null;
      if (patch.settings != null) set.settings = toStoredJson(patch.settings);
      const doc = await db.run(() =>
        tenants.findOneAndUpdate({ _id: id }, { $set: set }, { ...HIDE_LEASE, returnDocument: 'after' }),
      );
      return doc ? toTenant(doc) : null;
    },

    async deleteTenant(id) {
      // No transactions (a standalone server has none), so the children go first and the tenant
      // last: an interrupted delete leaves the tenant in place and can simply be repeated. The
      // audit log stays, by design.
      const children = [
        COLLECTIONS.connections,
        COLLECTIONS.cursors,
        COLLECTIONS.state,
        COLLECTIONS.ledger,
        COLLECTIONS.reportRows,
        COLLECTIONS.outstanding,
        COLLECTIONS.runs,
        COLLECTIONS.searchItems,
        COLLECTIONS.folders,
        COLLECTIONS.pushSubscriptions,
        COLLECTIONS.pushEvents,
        COLLECTIONS.dirtyStreams,
      ] as const;
      await Promise.all(
        children.map((name) => db.run(() => db.collection(name).deleteMany({ tenantId: id }))),
      );
      await db.run(() => tenants.deleteOne({ _id: id }));
    },

    async acquireRunLease(tenantId, owner, ttlMs): Promise<RunLease | null> {
      // An update pipeline so that expiry and the new deadline both come from the server's clock,
      // and the token grows in the same atomic write that takes the lease.
      const doc = await db.run(() =>
        tenants.findOneAndUpdate(
          { _id: tenantId, ...LEASE_IS_FREE },
          [
            {
              $set: {
                runLeaseOwner: owner,
                runLeaseUntil: { $add: ['$$NOW', ttlMs] },
                runLeaseToken: { $add: [{ $ifNull: ['$runLeaseToken', 0] }, 1] },
              },
            },
          ],
          { returnDocument: 'after', projection: { runLeaseToken: 1, runLeaseUntil: 1 } },
        ),
      );
      if (!doc?.runLeaseUntil) return null;
      return { token: toNumber(doc.runLeaseToken), until: doc.runLeaseUntil };
    },

    async renewRunLease(tenantId, token, ttlMs) {
      // Only the current holder may extend; a stale holder's smaller token matches nothing.
      const result = await db.run(() =>
        tenants.updateOne({ _id: tenantId, runLeaseToken: token, runLeaseUntil: { $ne: null } }, [
          { $set: { runLeaseUntil: { $add: ['$$NOW', ttlMs] } } },
        ]),
      );
      return result.matchedCount === 1;
    },

    async releaseRunLease(tenantId, token) {
      // The token stays, so the next acquisition still counts up from it.
      await db.run(() =>
        tenants.updateOne(
          { _id: tenantId, runLeaseToken: token },
          { $set: { runLeaseOwner: null, runLeaseUntil: null } },
        ),
      );
    },
  };
}
