import type { BlobStore } from './blob-store.ts';
import { concurrentContent } from './concurrent-sessions.ts';
import {
  incorrectOffset,
  sequentialContent,
  type IncomingContent,
  type SessionProblem,
  type UploadSession,
} from './sessions.ts';

/** Checks that a session can be committed at `offset` and returns its content, or why not. */
export async function finishedContent(
  store: BlobStore,
  session: UploadSession,
  offset: number,
): Promise<{ content: IncomingContent } | { problem: SessionProblem }> {
  if (session.type === 'concurrent') return concurrentContent(store, session, offset);
  if (offset !== session.size) return { problem: incorrectOffset(session.size) };
  return { content: sequentialContent(session) };
}
