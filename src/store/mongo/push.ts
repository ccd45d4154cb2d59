import { COLLECTIONS, type Database } from './db.ts';
import { isDuplicateKeyError, retryOnDuplicateKey, toNumber } from './mapping.ts';
import type { DirtyStream, PushRecords, PushSubscription } from '../types.ts';

/**
 * Push notifications' records on MongoDB (see store/postgres/push.ts for what each holds). A dirty
 * mark is written by one findOneAndUpdate with an update pipeline, so concurrent notifications
 * merge into it atomically; the document as it was before tells a new mark from a joined one.
 */

interface SubscriptionDoc {
  _id: string;
  tenantId: string;
  verificationHash: string;
  eventFilters: string[];
  disabledFilters: string[];
  status: string;
  expiresAt: Date;
  createdAt: Date;
  checkedAt: Date;
  lastEventAt: Date | null;
}

const toSubscription = (d: SubscriptionDoc): PushSubscription => ({
  id: d._id,
  tenantId: d.tenantId,
  verificationHash: d.verificationHash,
  eventFilters: d.eventFilters ?? [],
  disabledFilters: d.disabledFilters ?? [],
  status: d.status,
  expiresAt: d.expiresAt,
  createdAt: d.createdAt,
  checkedAt: d.checkedAt,
  lastEventAt: d.lastEventAt ?? null,
});

interface EventDoc {
  tenantId: string;
  uuid: string;
  receivedAt: Date;
}

interface DirtyDoc {
  tenantId: string;
  stream: string;
  changedAt: Date;
  dueAt: Date;
  since: Date | null;
  attempts: number;
  awaiting: string[];
  version: number;
}

const toDirty = (d: DirtyDoc): DirtyStream => ({
  tenantId: d.tenantId,
  stream: d.stream,
  changedAt: d.changedAt,
  dueAt: d.dueAt,
  since: d.since ?? null,
  attempts: toNumber(d.attempts),
  awaiting: d.awaiting ?? [],
  version: toNumber(d.version),
});

export function pushMethods(db: Database): PushRecords {
  const subscriptions = db.collection<SubscriptionDoc>(COLLECTIONS.pushSubscriptions);
  const events = db.collection<EventDoc>(COLLECTIONS.pushEvents);
  const dirty = db.collection<DirtyDoc>(COLLECTIONS.dirtyStreams);

  const methods: PushRecords = {
    async savePushSubscription(s) {
      await db.run(() =>
        subscriptions.updateOne(
          { _id: s.id },
          [
            {
              $set: {
                tenantId: s.tenantId,
                verificationHash: s.verificationHash,
                eventFilters: { $literal: s.eventFilters },
                disabledFilters: { $literal: s.disabledFilters },
                status: s.status,
                expiresAt: s.expiresAt,
                createdAt: { $ifNull: ['$createdAt', s.createdAt] },
                checkedAt: s.checkedAt,
                // The later of the stored and the given time ($max ignores nulls).
                lastEventAt: { $ifNull: [{ $max: ['$lastEventAt', s.lastEventAt] }, null] },
              },
            },
          ],
          { upsert: true },
        ),
      );
    },

    async getPushSubscription(id) {
      const doc = await db.run(() => subscriptions.findOne({ _id: id }));
      return doc ? toSubscription(doc) : null;
    },

    async listPushSubscriptions(tenantId) {
      const docs = await db.run(() =>
        subscriptions.find({ tenantId }).sort({ createdAt: 1, _id: 1 }).toArray(),
      );
      return docs.map(toSubscription);
    },

    async deletePushSubscription(id) {
      await db.run(() => subscriptions.deleteOne({ _id: id }));
    },

    async recordPushEvent(tenantId, subscriptionId, uuid, at) {
      let fresh = true;
      try {
        await db.run(() => events.insertOne({ tenantId, uuid, receivedAt: at }));
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        fresh = false;
      }
      await db.run(() =>
        subscriptions.updateOne({ _id: subscriptionId, tenantId }, [
          { $set: { lastEventAt: { $max: ['$lastEventAt', at] } } },
        ]),
      );
      return fresh;
    },

    async prunePushEvents(tenantId, before) {
      await db.run(() => events.deleteMany({ tenantId, receivedAt: { $lt: before } }));
    },

    async markStreamDirty(tenantId, stream, change) {
      const before = await retryOnDuplicateKey(() =>
        db.run(() =>
          dirty.findOneAndUpdate(
            { tenantId, stream },
            [
              {
                $set: {
                  changedAt: { $max: ['$changedAt', change.at] },
                  dueAt: { $min: ['$dueAt', change.dueAt] },
                  // $min ignores nulls and missing fields, as LEAST does.
                  since: { $ifNull: [{ $min: ['$since', change.since] }, null] },
                  attempts: { $ifNull: ['$attempts', 0] },
                  awaiting: { $setUnion: [{ $ifNull: ['$awaiting', []] }, { $literal: change.awaiting }] },
                  version: { $add: [{ $ifNull: ['$version', 0] }, 1] },
                },
              },
            ],
            { upsert: true, returnDocument: 'before' },
          ),
        ),
      );
      if (!before) return { armed: true, dueAt: change.dueAt };
      const dueAt = before.dueAt < change.dueAt ? before.dueAt : change.dueAt;
      return { armed: dueAt < before.dueAt, dueAt };
    },

    async listDirtyStreams(tenantId) {
      const docs = await db.run(() => dirty.find({ tenantId }).sort({ dueAt: 1, stream: 1 }).toArray());
      return docs.map(toDirty);
    },

    async settleDirtyStream(tenantId, stream, expectedVersion, next) {
      const filter = { tenantId, stream, version: expectedVersion };
      if (next === null) return (await db.run(() => dirty.deleteOne(filter))).deletedCount > 0;
      const result = await db.run(() =>
        dirty.updateOne(filter, {
          $set: { dueAt: next.dueAt, attempts: next.attempts, awaiting: next.awaiting },
          $inc: { version: 1 },
        }),
      );
      return result.modifiedCount > 0;
    },
  };
  return methods;
}
