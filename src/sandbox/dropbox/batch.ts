import { setTimeout as sleep } from 'node:timers/promises';
import type { Account } from './accounts.ts';
import { withCommitLock, type RouteContext, type RouteDef } from './context.ts';
import { json, routeError, type JsonObject } from './errors.ts';
import { newAsyncJobId } from './ids.ts';
import { fileMetadata } from './metadata.ts';
import { commitSession, finishProblem } from './session-routes.ts';
import { finishedContent } from './session-content.ts';
import { serialize } from './sessions.ts';
import type { SimState } from './state.ts';
import { readCommitInfo, type CommitInfo } from './write.ts';

/**
 * Batch routes: start_batch, finish_batch_v2 (synchronous, what the archiver uses), and the
 * deprecated asynchronous finish_batch with finish_batch/check. A batch commits all its entries
 * under one hold of the namespace lock, which is why Dropbox recommends it over many finishes.
 */

const MAX_BATCH_ENTRIES = 1000;

interface BatchEntry {
  sessionId: string;
  offset: number;
  commit: CommitInfo;
}

function readEntries(ctx: RouteContext): BatchEntry[] {
  const { reader } = ctx;
  const obj = reader.object(ctx.arg);
  return reader.list(obj, 'entries', MAX_BATCH_ENTRIES).map((raw, i) => {
    const entry = reader.object(raw, `entries[${i}]`);
    const cursor = reader.object(entry.cursor, `entries[${i}].cursor`);
    return {
      sessionId: reader.string(cursor, 'session_id', `entries[${i}].cursor.`),
      offset: reader.integer(cursor, 'offset', { min: 0 }, `entries[${i}].cursor.`),
      commit: readCommitInfo(
        reader,
        reader.object(entry.commit, `entries[${i}].commit`),
        `entries[${i}].commit.`,
      ),
    };
  });
}

const failure = (error: JsonObject): JsonObject => ({ '.tag': 'failure', failure: error });

/** One entry's result: `{".tag":"success", ...FileMetadata}` or `{".tag":"failure","failure":{...}}`. */
async function commitEntry(sim: SimState, account: Account, entry: BatchEntry): Promise<JsonObject> {
  if (sim.faults.batchEntryFails()) return failure({ '.tag': 'too_many_write_operations' });
  const session = sim.sessions.find(account.accountId, entry.sessionId);
  if (!session) return failure(finishProblem({ tag: 'not_found' }));
  // Batches take no data, so each session must have been closed by its last start or append.
  if (!session.closed) return failure(finishProblem({ tag: 'not_closed' }));
  const run = async (): Promise<JsonObject> => {
    const finished = await finishedContent(sim.blobs, session, entry.offset);
    if ('problem' in finished) return failure(finishProblem(finished.problem));
    const outcome = await commitSession(sim, account, session, entry.commit, finished.content);
    return outcome.ok
      ? { '.tag': 'success', ...fileMetadata(outcome.node, false) }
      : failure({ '.tag': 'path', path: outcome.error });
  };
  return session.type === 'sequential' ? serialize(session, run) : run();
}

async function commitEntries(sim: SimState, account: Account, entries: BatchEntry[]): Promise<JsonObject[]> {
  const results: JsonObject[] = [];
  for (const entry of entries) results.push(await commitEntry(sim, account, entry));
  return results;
}

export const finishBatchV2: RouteDef = {
  name: 'files/upload_session/finish_batch_v2',
  style: 'rpc',
  scope: 'files.content.write',
  commit: true,
  async handle(ctx) {
    const entries = readEntries(ctx);
    const results = await withCommitLock(ctx, () => commitEntries(ctx.sim, ctx.account, entries));
    return json({ entries: results });
  },
};

/** The deprecated asynchronous batch: the job waits its turn for the namespace instead of failing. */
export const finishBatch: RouteDef = {
  name: 'files/upload_session/finish_batch',
  style: 'rpc',
  scope: 'files.content.write',
  commit: true,
  handle(ctx) {
    const entries = readEntries(ctx);
    const jobId = newAsyncJobId();
    const job = { accountId: ctx.account.accountId, entries: null as JsonObject[] | null };
    ctx.sim.jobs.set(jobId, job);
    void (async () => {
      let release = ctx.sim.locks.tryAcquire(ctx.account.accountId);
      while (!release) {
        await sleep(20);
        release = ctx.sim.locks.tryAcquire(ctx.account.accountId);
      }
      try {
        job.entries = await commitEntries(ctx.sim, ctx.account, entries);
        if (ctx.sim.faults.commitLatencyMs > 0) await sleep(ctx.sim.faults.commitLatencyMs);
      } catch {
        job.entries = entries.map(() => failure({ '.tag': 'internal_error' }));
      } finally {
        release();
      }
    })();
    return Promise.resolve(json({ '.tag': 'async_job_id', async_job_id: jobId }));
  },
};

export const finishBatchCheck: RouteDef = {
  name: 'files/upload_session/finish_batch/check',
  style: 'rpc',
  scope: 'files.content.write',
  commit: false,
  handle(ctx) {
    const jobId = ctx.reader.string(ctx.reader.object(ctx.arg), 'async_job_id');
    const job = ctx.sim.jobs.get(jobId);
    if (!job || job.accountId !== ctx.account.accountId) {
      return Promise.resolve(routeError({ '.tag': 'invalid_async_job_id' }));
    }
    if (!job.entries) return Promise.resolve(json({ '.tag': 'in_progress' }));
    return Promise.resolve(json({ '.tag': 'complete', entries: job.entries }));
  },
};

export const startBatch: RouteDef = {
  name: 'files/upload_session/start_batch',
  style: 'rpc',
  scope: 'files.content.write',
  commit: false,
  async handle(ctx) {
    const obj = ctx.reader.object(ctx.arg);
    const count = ctx.reader.integer(obj, 'num_sessions', { min: 1, max: MAX_BATCH_ENTRIES });
    const type = ctx.reader.union(obj, 'session_type', { void: ['sequential', 'concurrent'] }, 'sequential');
    const ids: string[] = [];
    const { sessions } = ctx.sim;
    for (let i = 0; i < count; i += 1) {
      const session =
        type.tag === 'concurrent'
          ? await sessions.createConcurrent(ctx.account.accountId)
          : await sessions.createSequential(ctx.account.accountId);
      ids.push(session.id);
    }
    return json({ session_ids: ids });
  },
};
