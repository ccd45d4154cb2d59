import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ContentHasher, contentHashFromBlocks } from '../../lib/content-hash.ts';
import type { BlobStore } from './blob-store.ts';
import { receiveBody } from './blob-store.ts';
import type { SimClock } from './clock.ts';
import type { JsonObject } from './errors.ts';
import { newSessionId } from './ids.ts';

/**
 * Upload sessions: bytes on disk, bookkeeping in memory. A sequential session takes appends in
 * order and hashes as it goes; a concurrent one takes 4 MiB-aligned pieces in any order and keeps
 * each block's digest, so the content_hash never needs a second pass (a concurrent session's
 * whole-file SHA-256 is computed once, when its pieces are joined at the first finish).
 */

/** Any single request body (upload, start, append, finish): 150 MiB. */
export const MAX_REQUEST_BYTES = 150 * 1024 * 1024;
/** One session: 2^41 - 2^22 bytes, from the spec. */
export const MAX_SESSION_BYTES = 2 ** 41 - 2 ** 22;
export const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
/** Concurrent sessions take pieces in multiples of 2^22 bytes at offsets that are multiples of it. */
export const CONCURRENT_CHUNK = 4 * 1024 * 1024;

interface SessionBase {
  id: string;
  accountId: string;
  file: string;
  closed: boolean;
  expiresAt: number;
}

export interface SequentialSession extends SessionBase {
  type: 'sequential';
  size: number;
  hasher: ContentHasher;
  sha: Hash;
  /** Appends to one sequential session run one at a time, in arrival order. */
  queue: Promise<unknown>;
}

export interface ConcurrentSession extends SessionBase {
  type: 'concurrent';
  /** Pieces by offset, each in its own file with its 4 MiB blocks' digests. */
  pieces: Map<number, { length: number; blocks: Buffer[]; file: string }>;
  /** Set by the closing append: the total size. */
  end: number | null;
  /** Set once the pieces were joined into `file` (the first finish). */
  assembled: { sha256: string } | null;
}

export type UploadSession = SequentialSession | ConcurrentSession;

/** Why a session operation failed, as the tag of Dropbox's error unions (plus fields such as `correct_offset`). */
export interface SessionProblem {
  tag: string;
  extra?: JsonObject;
}

/** Tags that belong to UploadSessionLookupError (finish wraps them in `lookup_failed`). */
export const LOOKUP_TAGS = new Set([
  'not_found',
  'incorrect_offset',
  'closed',
  'not_closed',
  'too_large',
  'concurrent_session_invalid_offset',
  'concurrent_session_invalid_data_size',
]);

/** What a finished upload hands to the commit: the bytes on disk and their hashes. */
export interface IncomingContent {
  file: string;
  size: number;
  contentHash: string;
  sha256: string;
}

export interface DataCall {
  body: Readable;
  /** The `content_hash` argument: covers only this call's bytes. */
  contentHash: string | undefined;
  corrupt: () => boolean;
  onBytes: (n: number) => void;
}

export class SessionStore {
  readonly #sessions = new Map<string, UploadSession>();
  readonly #clock: SimClock;
  readonly #blobs: BlobStore;

  constructor(clock: SimClock, blobs: BlobStore) {
    this.#clock = clock;
    this.#blobs = blobs;
  }

  async createSequential(accountId: string): Promise<SequentialSession> {
    const session: SequentialSession = {
      ...(await this.#base(accountId)),
      type: 'sequential',
      size: 0,
      hasher: new ContentHasher(),
      sha: createHash('sha256'),
      queue: Promise.resolve(),
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  async createConcurrent(accountId: string): Promise<ConcurrentSession> {
    const session: ConcurrentSession = {
      ...(await this.#base(accountId)),
      type: 'concurrent',
      pieces: new Map(),
      end: null,
      assembled: null,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  async #base(accountId: string): Promise<SessionBase> {
    await this.#sweepExpired();
    return {
      id: newSessionId(),
      accountId,
      file: await this.#blobs.newSessionFile(),
      closed: false,
      expiresAt: this.#clock.now() + SESSION_TTL_MS,
    };
  }

  /** A live session of this account; another account's id, or an expired one, is simply not found. */
  find(accountId: string, id: string): UploadSession | undefined {
    const session = this.#sessions.get(id);
    if (!session || session.accountId !== accountId || session.expiresAt <= this.#clock.now())
      return undefined;
    return session;
  }

  /** The session was committed: its file now belongs to a committed file. */
  consume(session: UploadSession): void {
    this.#sessions.delete(session.id);
  }

  async discard(session: UploadSession): Promise<void> {
    this.#sessions.delete(session.id);
    await this.#blobs.remove(session.file);
    if (session.type === 'concurrent') {
      for (const piece of session.pieces.values()) await this.#blobs.remove(piece.file);
    }
  }

  async #sweepExpired(): Promise<void> {
    const now = this.#clock.now();
    for (const session of [...this.#sessions.values()]) {
      if (session.expiresAt <= now) await this.discard(session);
    }
  }
}

/** Runs `fn` after every earlier call queued on this sequential session. */
export function serialize<T>(session: SequentialSession, fn: () => Promise<T>): Promise<T> {
  const run = session.queue.then(fn, fn);
  session.queue = run.catch(() => undefined);
  return run;
}

/**
 * Appends a request body at the session's end. The session's hash state advances only when the
 * whole call succeeds, so a refused append leaves it exactly as it was.
 */
export async function appendSequential(
  session: SequentialSession,
  call: DataCall,
): Promise<SessionProblem | null> {
  const hasher = session.hasher.copy();
  const sha = session.sha.copy();
  const callHasher = call.contentHash ? new ContentHasher() : null;
  const { size, overLimit } = await receiveBody(call.body, {
    file: session.file,
    position: session.size,
    limit: MAX_REQUEST_BYTES,
    hashers: callHasher ? [hasher, sha, callHasher] : [hasher, sha],
    corrupt: call.corrupt,
  });
  call.onBytes(size);
  if (overLimit) return { tag: 'payload_too_large' };
  if (callHasher && callHasher.digest() !== call.contentHash) return { tag: 'content_hash_mismatch' };
  if (session.size + size > MAX_SESSION_BYTES) return { tag: 'too_large' };
  session.size += size;
  session.hasher = hasher;
  session.sha = sha;
  return null;
}

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

/** Checks that a session can be committed at `offset` and returns its content, or why not. */
export async function finishedContent(
  store: BlobStore,
  session: UploadSession,
  offset: number,
): Promise<{ content: IncomingContent } | { problem: SessionProblem }> {
  if (session.type === 'sequential') {
    if (offset !== session.size) return { problem: incorrectOffset(session.size) };
    return { content: sequentialContent(session) };
  }
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

/** What a sequential session holds so far; its hashers keep running. */
export function sequentialContent(session: SequentialSession): IncomingContent {
  return {
    file: session.file,
    size: session.size,
    contentHash: session.hasher.digest(),
    sha256: session.sha.copy().digest('hex'),
  };
}

export function incorrectOffset(correct: number): SessionProblem {
  return { tag: 'incorrect_offset', extra: { correct_offset: correct } };
}
