import { createHash, type Hash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { ContentHasher } from '../../lib/content-hash.ts';
import type { BlobStore } from './blob-store.ts';
import { receiveBody } from './blob-store.ts';
import type { SimClock } from './clock.ts';
import type { JsonObject } from './errors.ts';
import { newSessionId } from './ids.ts';

/**
 * Upload sessions: bytes on disk, bookkeeping in memory. A sequential session takes appends in
 * order and hashes as it goes, so finishing it needs no second pass over its bytes. Concurrent
 * sessions' pieces are handled in concurrent-sessions.ts.
 */

/** Any single request body (upload, start, append, finish): 150 MiB. */
export const MAX_REQUEST_BYTES = 150 * 1024 * 1024;
/** One session: 2^41 - 2^22 bytes, from the spec. */
export const MAX_SESSION_BYTES = 2 ** 41 - 2 ** 22;
const SESSION_TTL_MS = 7 * 24 * 3600 * 1000;
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
