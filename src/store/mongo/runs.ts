import { ObjectId } from 'mongodb';
import { COLLECTIONS, type Database } from './db.ts';
import { parseObjectId, toStoredJson } from './mapping.ts';
import { pageSize } from '../paging.ts';
import type { JsonObject, Run, RunStatus, Store } from '../types.ts';

/**
 * One job run. _id is an ObjectId: it starts with its creation second and, within one process, ends
 * with an increasing counter, so sorting by _id descending lists runs newest first, and its hex form
 * is the run id the port hands out. (Runs started by two processes in the same second sort by the
 * processes' random ObjectId parts, which is as good as "newest first" needs to be.)
 */
interface RunDoc {
  _id: ObjectId;
  tenantId: string;
  trigger: string;
  status: RunStatus;
  startedAt: Date;
  finishedAt: Date | null;
  stats: JsonObject;
  errors: JsonObject[];
  timeBoxed: boolean;
}

export const toRun = (d: RunDoc): Run => ({
  id: d._id.toHexString(),
  tenantId: d.tenantId,
  trigger: d.trigger,
  status: d.status,
  startedAt: d.startedAt,
  finishedAt: d.finishedAt ?? null,
  stats: d.stats ?? {},
  errors: d.errors ?? [],
  timeBoxed: d.timeBoxed ?? false,
});

/** Absent or null fields stay as they are, as in the Postgres adapter (COALESCE). */
export function runPatchSet(patch: Parameters<Store['updateRun']>[1]): Partial<RunDoc> {
  const set: Partial<RunDoc> = {};
  if (patch.status != null) set.status = patch.status;
  if (patch.finishedAt != null) set.finishedAt = patch.finishedAt;
  if (patch.stats != null) set.stats = toStoredJson(patch.stats);
  if (patch.errors != null) set.errors = toStoredJson(patch.errors);
  if (patch.timeBoxed != null) set.timeBoxed = patch.timeBoxed;
  return set;
}

export function runMethods(
  db: Database,
): Pick<Store, 'startRun' | 'updateRun' | 'getRun' | 'listRuns' | 'interruptStaleRuns'> {
  const runs = db.collection<RunDoc>(COLLECTIONS.runs);
  return {
    async startRun(run) {
      const doc: RunDoc = {
        _id: new ObjectId(),
        tenantId: run.tenantId,
        trigger: run.trigger,
        status: 'running',
        startedAt: run.startedAt ?? new Date(),
        finishedAt: null,
        stats: {},
        errors: [],
        timeBoxed: false,
      };
      await db.run(() => runs.insertOne(doc));
      return toRun(doc);
    },

    async updateRun(id, patch) {
      const _id = parseObjectId(id);
      const set = runPatchSet(patch);
      if (!_id || Object.keys(set).length === 0) return;
      await db.run(() => runs.updateOne({ _id }, { $set: set }));
    },

    async getRun(tenantId, id) {
      const _id = parseObjectId(id);
      if (!_id) return null;
      const doc = await db.run(() => runs.findOne({ _id, tenantId }));
      return doc ? toRun(doc) : null;
    },

    async listRuns(tenantId, options = {}) {
      const limit = pageSize(options.limit);
      const before = parseObjectId(options.before);
      const docs = await db.run(() =>
        runs
          .find(before ? { tenantId, _id: { $lt: before } } : { tenantId })
          .sort({ _id: -1 })
          .limit(limit + 1)
          .toArray(),
      );
      const items = docs.slice(0, limit).map(toRun);
      const last = items[items.length - 1];
      return { items, next: docs.length > limit && last ? last.id : null };
    },

    async interruptStaleRuns(olderThan, options = {}) {
      const result = await db.run(() =>
        runs.updateMany(
          {
            status: 'running',
            startedAt: { $lt: olderThan },
            ...(options.tenantId ? { tenantId: options.tenantId } : {}),
          },
          { $set: { status: 'interrupted', finishedAt: new Date() } },
        ),
      );
      return result.modifiedCount;
    },
  };
}
