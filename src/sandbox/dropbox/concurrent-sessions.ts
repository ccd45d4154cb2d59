import { createHash } from 'node:crypto';
import { ContentHasher, contentHashFromBlocks } from '../../lib/content-hash.ts';
import type { BlobStore } from './blob-store.ts';
import { receiveBody } from './blob-store.ts';
import {
  CONCURRENT_CHUNK,
  incorrectOffset,
  MAX_REQUEST_BYTES,
  MAX_SESSION_BYTES,
  type ConcurrentSession,
  type DataCall,
  type IncomingContent,
  type SessionProblem,
} from './sessions.ts';

/**
 * Concurrent upload sessions: pieces in multiples of 4 MiB at 4 MiB-aligned offsets, in any order.
 * Each piece keeps its blocks' digests, so the content_hash needs no second pass; the whole-file
 * SHA-256 is computed once, when the pieces are joined at the first finish.
 */

/**
 * Stores one piece of a concurrent session, checking Dropbox's 4 MiB rules. Each piece streams into
 * its own file, so a refused piece can never overwrite bytes another piece already delivered.
 */
export async function appendConcurrent(
  store: BlobStore,
  session: ConcurrentSession,
  offset: number,
  close: boolean,
  call: DataCall,
): Promise<SessionProblem | null> {
  if (offset % CONCURRENT_CHUNK !== 0) return { tag: 'concurrent_session_invalid_offset' };
  const blocks: Buffer[] = [];
  const hasher = new ContentHasher((digest) => blocks.push(digest));
  const file = await store.newSessionFile();
  const problem = await (async (): Promise<SessionProblem | null> => {
    const { size, overLimit } = await receiveBody(call.body, {
      file,
      position: 0,
      limit: MAX_REQUEST_BYTES,
      hashers: [hasher],
      corrupt: call.corrupt,
    });
    call.onBytes(size);
    if (overLimit) return { tag: 'payload_too_large' };
    if (call.contentHash && hasher.digest() !== call.contentHash) return { tag: 'content_hash_mismatch' };
    if (!close && size % CONCURRENT_CHUNK !== 0) return { tag: 'concurrent_session_invalid_data_size' };
    if (offset + size > MAX_SESSION_BYTES) return { tag: 'too_large' };
    // Checked after the body arrived: another piece may have closed the session meanwhile.
    if (session.closed) return { tag: 'closed' };
    const end = offset + size;
    const overlaps = [...session.pieces].some(
      ([start, piece]) => start !== offset && start < end && offset < start + piece.length,
    );
    if (overlaps || (close && [...session.pieces.keys()].some((start) => start >= end && start !== offset))) {
      return { tag: 'concurrent_session_invalid_offset' };
    }
    hasher.flushPartialBlock();
    // The same offset again is a retry: the new bytes replace the old piece.
    const replaced = session.pieces.get(offset);
    if (replaced) await store.remove(replaced.file);
    if (size > 0) session.pieces.set(offset, { length: size, blocks, file });
    else await store.remove(file);
    if (close) {
      session.closed = true;
      session.end = end;
    }
    return null;
  })().catch(async (error: unknown) => {
    await store.remove(file);
    throw error;
  });
  if (problem) await store.remove(file);
  return problem;
}

/** A closed, gap-free concurrent session's content, or why it cannot be committed at `offset`. */
export async function concurrentContent(
  store: BlobStore,
  session: ConcurrentSession,
  offset: number,
): Promise<{ content: IncomingContent } | { problem: SessionProblem }> {
  if (!session.closed || session.end === null) return { problem: { tag: 'concurrent_session_not_closed' } };
  if (offset !== session.end) return { problem: incorrectOffset(session.end) };
  const starts = [...session.pieces.keys()].sort((a, b) => a - b);
  let expected = 0;
  for (const start of starts) {
    if (start !== expected) return { problem: { tag: 'concurrent_session_missing_data' } };
    expected += session.pieces.get(start)?.length ?? 0;
  }
  if (expected !== session.end) return { problem: { tag: 'concurrent_session_missing_data' } };
  const pieces = starts.map((start) => session.pieces.get(start)).filter((p) => p !== undefined);
  session.assembled ??= await assemble(store, session.file, pieces);
  const hash = contentHashFromBlocks(pieces.flatMap((piece) => piece.blocks));
  return {
    content: { file: session.file, size: session.end, contentHash: hash, sha256: session.assembled.sha256 },
  };
}

/**
 * Joins a concurrent session's pieces into its one file, hashing on the way; the piece files go.
 * Done once: a finish that then fails (say, a path conflict) can be retried without the pieces.
 */
async function assemble(
  store: BlobStore,
  target: string,
  pieces: ReadonlyArray<{ file: string; length: number }>,
): Promise<{ sha256: string }> {
  const sha = createHash('sha256');
  let position = 0;
  for (const piece of pieces) {
    await store.appendFile(target, position, piece.file, (chunk) => sha.update(chunk));
    position += piece.length;
  }
  for (const piece of pieces) await store.remove(piece.file);
  return { sha256: sha.digest('hex') };
}
