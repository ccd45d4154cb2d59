import { withCommitLock, type RouteDef } from './context.ts';
import { json, routeError } from './errors.ts';
import { fileMetadata } from './metadata.ts';
import { commitSession, sessionFromBody } from './session-routes.ts';
import { sequentialContent } from './sessions.ts';
import { readCommitInfo } from './write.ts';

/**
 * files/upload: one request, at most 150 MiB. The body lands in a closed upload session first, so
 * that a refused commit (a conflict, a full quota) answers with an `upload_session_id` the client
 * could finish elsewhere, as Dropbox's UploadWriteFailed promises.
 */
export const upload: RouteDef = {
  name: 'files/upload',
  style: 'upload',
  scope: 'files.content.write',
  commit: true,
  async handle(ctx) {
    const obj = ctx.reader.object(ctx.arg);
    const info = readCommitInfo(ctx.reader, obj);
    const contentHash = ctx.reader.contentHash(obj);
    const session = await sessionFromBody(ctx, contentHash);
    if (!('type' in session)) return session;
    session.closed = true;
    const content = sequentialContent(session);
    const outcome = await withCommitLock(ctx, () =>
      commitSession(ctx.sim, ctx.account, session, info, content),
    ).catch(async (error: unknown) => {
      // Refused before committing (namespace busy): the client sends the whole upload again.
      await ctx.sim.sessions.discard(session);
      throw error;
    });
    if (outcome.ok) return json(fileMetadata(outcome.node, false));
    return routeError({ '.tag': 'path', reason: outcome.error, upload_session_id: session.id });
  },
};
