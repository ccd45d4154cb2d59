import type { Account } from './accounts.ts';
import { discardBody } from './bodies.ts';
import { countBytes, withCommitLock, type RouteContext, type RouteDef } from './context.ts';
import { json, routeError, type JsonObject, type Reply } from './errors.ts';
import { fileMetadata } from './metadata.ts';
import { appendConcurrent } from './concurrent-sessions.ts';
import { finishedContent } from './session-content.ts';
import {
  appendSequential,
  incorrectOffset,
  LOOKUP_TAGS,
  serialize,
  type DataCall,
  type SequentialSession,
  type IncomingContent,
  type SessionProblem,
  type UploadSession,
} from './sessions.ts';
import type { SimState } from './state.ts';
import { commitFile, readCommitInfo, type CommitInfo, type CommitOutcome } from './write.ts';

/** files/upload_session/start, append_v2 (and v1 append), finish. */

function dataCall(ctx: RouteContext, contentHash: string | undefined): DataCall {
  return {
    body: ctx.req,
    contentHash,
    corrupt: () => ctx.sim.faults.takeCorruption(),
    onBytes: countBytes(ctx),
  };
}

const problemJson = (problem: SessionProblem): JsonObject => ({
  '.tag': problem.tag,
  ...problem.extra,
});

/** UploadSessionFinishError: lookup problems nest under `lookup_failed`, the rest stand alone. */
export function finishProblem(problem: SessionProblem): JsonObject {
  return LOOKUP_TAGS.has(problem.tag)
    ? { '.tag': 'lookup_failed', lookup_failed: problemJson(problem) }
    : problemJson(problem);
}

/** Commits a finished session; the session is used up when the commit wrote (or found) the file. */
export async function commitSession(
  sim: SimState,
  account: Account,
  session: UploadSession,
  info: CommitInfo,
  content: IncomingContent,
): Promise<CommitOutcome> {
  const outcome = await commitFile(sim, account, info, content);
  if (outcome.ok && outcome.written) sim.sessions.consume(session);
  // Identical content was already there: nothing is written and the uploaded copy is dropped.
  else if (outcome.ok) await sim.sessions.discard(session);
  return outcome;
}

/**
 * A new sequential session holding the request body, or the error reply (too large, wrong
 * content_hash). Nothing is kept when the body is refused or the client hangs up mid-body.
 */
export async function sessionFromBody(
  ctx: RouteContext,
  contentHash: string | undefined,
): Promise<SequentialSession | Reply> {
  const session = await ctx.sim.sessions.createSequential(ctx.account.accountId);
  const problem = await appendSequential(session, dataCall(ctx, contentHash)).catch(
    async (error: unknown) => {
      await ctx.sim.sessions.discard(session);
      throw error;
    },
  );
  if (!problem) return session;
  await ctx.sim.sessions.discard(session);
  return routeError(problemJson(problem));
}

function readCursor(
  ctx: RouteContext,
  value: unknown,
  prefix: string,
): { sessionId: string; offset: number } {
  const cursor = ctx.reader.object(value, prefix.replace(/\.$/, ''));
  return {
    sessionId: ctx.reader.string(cursor, 'session_id', prefix),
    offset: ctx.reader.integer(cursor, 'offset', { min: 0 }, prefix),
  };
}

export const uploadSessionStart: RouteDef = {
  name: 'files/upload_session/start',
  style: 'upload',
  scope: 'files.content.write',
  commit: false,
  async handle(ctx) {
    const obj = ctx.reader.object(ctx.arg);
    const close = ctx.reader.boolean(obj, 'close', false);
    const type = ctx.reader.union(obj, 'session_type', { void: ['sequential', 'concurrent'] }, 'sequential');
    const contentHash = ctx.reader.contentHash(obj);
    if (type.tag === 'concurrent') {
      if (close) return routeError({ '.tag': 'concurrent_session_close_not_allowed' });
      if ((await discardBody(ctx.req)) > 0)
        return routeError({ '.tag': 'concurrent_session_data_not_allowed' });
      const session = await ctx.sim.sessions.createConcurrent(ctx.account.accountId);
      return json({ session_id: session.id });
    }
    const session = await sessionFromBody(ctx, contentHash);
    if (!('type' in session)) return session;
    session.closed = close;
    return json({ session_id: session.id });
  },
};

async function append(
  ctx: RouteContext,
  cursor: { sessionId: string; offset: number },
  close: boolean,
  contentHash: string | undefined,
): Promise<Reply> {
  const session = ctx.sim.sessions.find(ctx.account.accountId, cursor.sessionId);
  if (!session) return routeError({ '.tag': 'not_found' });
  if (session.type === 'concurrent') {
    if (session.closed) return routeError({ '.tag': 'closed' });
    const call = dataCall(ctx, contentHash);
    const problem = await appendConcurrent(ctx.sim.blobs, session, cursor.offset, close, call);
    return problem ? routeError(problemJson(problem)) : json(null);
  }
  return serialize(session, async () => {
    // `closed` comes first: a retried closing append then reads as done (the SDK relies on it).
    if (session.closed) return routeError({ '.tag': 'closed' });
    if (cursor.offset !== session.size) return routeError(problemJson(incorrectOffset(session.size)));
    const problem = await appendSequential(session, dataCall(ctx, contentHash));
    if (problem) return routeError(problemJson(problem));
    if (close) session.closed = true;
    return json(null);
  });
}

export const uploadSessionAppendV2: RouteDef = {
  name: 'files/upload_session/append_v2',
  style: 'upload',
  scope: 'files.content.write',
  commit: false,
  handle(ctx) {
    const obj = ctx.reader.object(ctx.arg);
    const cursor = readCursor(ctx, obj.cursor, 'cursor.');
    return append(ctx, cursor, ctx.reader.boolean(obj, 'close', false), ctx.reader.contentHash(obj));
  },
};

/** The deprecated v1 append: its argument is the cursor itself, and it cannot close. */
export const uploadSessionAppend: RouteDef = {
  name: 'files/upload_session/append',
  style: 'upload',
  scope: 'files.content.write',
  commit: false,
  handle(ctx) {
    return append(ctx, readCursor(ctx, ctx.arg, ''), false, undefined);
  },
};

async function finishAndCommit(
  ctx: RouteContext,
  session: UploadSession,
  offset: number,
  info: CommitInfo,
): Promise<Reply> {
  const finished = await finishedContent(ctx.sim.blobs, session, offset);
  if ('problem' in finished) return routeError(finishProblem(finished.problem));
  const outcome = await withCommitLock(ctx, () =>
    commitSession(ctx.sim, ctx.account, session, info, finished.content),
  );
  return outcome.ok
    ? json(fileMetadata(outcome.node, false))
    : routeError({ '.tag': 'path', path: outcome.error });
}

export const uploadSessionFinish: RouteDef = {
  name: 'files/upload_session/finish',
  style: 'upload',
  scope: 'files.content.write',
  commit: true,
  async handle(ctx) {
    const obj = ctx.reader.object(ctx.arg);
    const cursor = readCursor(ctx, obj.cursor, 'cursor.');
    const info = readCommitInfo(ctx.reader, ctx.reader.object(obj.commit, 'commit'), 'commit.');
    const contentHash = ctx.reader.contentHash(obj);
    const session = ctx.sim.sessions.find(ctx.account.accountId, cursor.sessionId);
    if (!session) return routeError(finishProblem({ tag: 'not_found' }));
    if (session.type === 'concurrent') {
      if ((await discardBody(ctx.req)) > 0)
        return routeError({ '.tag': 'concurrent_session_data_not_allowed' });
      return finishAndCommit(ctx, session, cursor.offset, info);
    }
    return serialize(session, async () => {
      if (cursor.offset !== session.size) return routeError(finishProblem(incorrectOffset(session.size)));
      // The final bytes may ride on finish, unless the session was already closed.
      if (session.closed) {
        if ((await discardBody(ctx.req)) > 0) return routeError(finishProblem({ tag: 'closed' }));
      } else {
        const problem = await appendSequential(session, dataCall(ctx, contentHash));
        if (problem) return routeError(finishProblem(problem));
      }
      return finishAndCommit(ctx, session, session.size, info);
    });
  },
};
