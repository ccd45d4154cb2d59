import { setTimeout as sleep } from 'node:timers/promises';
import type { files } from 'dropbox';
import { abortReason, DropboxDestinationError, errorFromTags, isPathNotFound, unionTags } from './errors.ts';
import { callDropbox, type CallContext } from './retry.ts';

/**
 * Commits closed upload sessions with `files/upload_session/finish_batch_v2`, one call at a time
 * for the account (Dropbox serializes writes per namespace; a second commit in flight only earns
 * `too_many_write_operations`). A batch leaves when it holds `batchSize` entries, when no entry has
 * arrived for `idleMs` (but never later than `maxWaitMs` after its oldest entry), or on `flush()`.
 * Each `commit` resolves with its own entry's metadata, or rejects with its own entry's error.
 *
 * - A whole call that fails (429, 5xx, network) is retried. Entries a lost response had already
 *   committed then come back as `lookup_failed/not_found` (the session is used up); they are
 *   settled by reading the file's metadata: the same content_hash and size means committed.
 * - An entry failing with `too_many_write_operations` goes into the next batch, after a backoff,
 *   up to `maxEntryAttempts` batches.
 * - A whole call refused with 400 (an argument Dropbox cannot parse) is split in halves until the
 *   entry at fault is alone.
 * - Other writes to the account (deleting a bad commit) go through `exclusive`, so they never
 *   overlap a batch either.
 */

interface CommitRequest {
  sessionId: string;
  /** Bytes in the session (the cursor offset at which it is finished). */
  size: number;
  path: string;
  mode: 'add' | 'overwrite';
  contentHash: string;
}

interface BatchOptions {
  batchSize: number;
  idleMs: number;
  maxWaitMs: number;
  maxEntryAttempts: number;
}

interface Pending extends CommitRequest {
  /** Batches this entry has been part of. */
  attempts: number;
  enqueuedAt: number;
  settled: boolean;
  resolve(metadata: files.FileMetadata): void;
  reject(error: Error): void;
}

const noop = (): void => undefined;

export class BatchCommitter {
  readonly #ctx: CallContext;
  readonly #options: BatchOptions;
  #queue: Pending[] = [];
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  /** Callers inside `flush()`: while there are any, batches leave without waiting to fill. */
  #draining = 0;
  /** Entries put back after `too_many_write_operations` wait until then. */
  #notBefore = 0;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(ctx: CallContext, options: BatchOptions) {
    this.#ctx = ctx;
    this.#options = options;
  }

  /**
   * Queues a closed session for commit. Aborting before the entry is sent removes it (nothing is
   * committed); aborting while its batch is in flight rejects at once, but the batch may still
   * commit the complete file (never a partial one).
   */
  commit(request: CommitRequest, signal?: AbortSignal): Promise<files.FileMetadata> {
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        const at = this.#queue.indexOf(entry);
        if (at >= 0) this.#queue.splice(at, 1);
        this.#settle(entry, { error: abortReason(signal!) });
      };
      const entry: Pending = {
        ...request,
        attempts: 0,
        enqueuedAt: Date.now(),
        settled: false,
        resolve: (metadata) => {
          signal?.removeEventListener('abort', onAbort);
          resolve(metadata);
        },
        reject: (error) => {
          signal?.removeEventListener('abort', onAbort);
          reject(error);
        },
      };
      if (signal?.aborted) return reject(abortReason(signal));
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#queue.push(entry);
      this.#kick();
    });
  }

  /** Sends everything queued now, and resolves once each of those entries is settled. */
  async flush(): Promise<void> {
    this.#draining += 1;
    try {
      while (this.#queue.length > 0 || this.#running) {
        if (!this.#running) this.#startNow();
        await this.#running;
      }
    } finally {
      this.#draining -= 1;
    }
  }

  /** Runs another write to the account when no batch is in flight (and holds batches back meanwhile). */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#writes.then(work, work);
    this.#writes = run.then(noop, noop);
    return run;
  }

  #kick(): void {
    if (this.#running || this.#queue.length === 0) return;
    if (this.#queue.length >= this.#options.batchSize || this.#draining > 0) {
      this.#startNow();
      return;
    }
    const oldest = this.#queue[0]?.enqueuedAt ?? Date.now();
    const delay = Math.max(0, Math.min(this.#options.idleMs, oldest + this.#options.maxWaitMs - Date.now()));
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#startNow(), delay);
  }

  #startNow(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#running) return;
    this.#running = this.#run().finally(() => {
      this.#running = null;
      this.#kick();
    });
  }

  async #run(): Promise<void> {
    const wait = this.#notBefore - Date.now();
    if (wait > 0) await sleep(wait);
    const batch = this.#queue.splice(0, this.#options.batchSize);
    if (batch.length === 0) return;
    for (const entry of batch) entry.attempts += 1;
    try {
      await this.exclusive(() => this.#commitBatch(batch));
    } catch (error) {
      // Not expected (each outcome is handled below), but no entry may be left hanging.
      for (const entry of batch) this.#settle(entry, { error });
    }
  }

  async #commitBatch(batch: Pending[]): Promise<void> {
    const entries: files.UploadSessionFinishArg[] = batch.map((entry) => ({
      cursor: { session_id: entry.sessionId, offset: entry.size },
      commit: {
        path: entry.path,
        mode: { '.tag': entry.mode },
        autorename: false,
        strict_conflict: false,
        mute: true,
      },
    }));
    let results: files.UploadSessionFinishBatchResultEntry[];
    try {
      results = await callDropbox(
        this.#ctx,
        'commitCalls',
        `commit of ${batch.length} file(s) starting with ${batch[0]?.path ?? ''}`,
        async (client, request) =>
          (await client.filesUploadSessionFinishBatchV2({ entries }, request)).result.entries,
      );
    } catch (error) {
      if (batch.length > 1 && error instanceof DropboxDestinationError && error.status === 400) {
        // Dropbox refuses the whole call over one argument it cannot parse: find it by halves, so
        // that one bad entry does not fail the files batched with it.
        const half = Math.ceil(batch.length / 2);
        await this.#commitBatch(batch.slice(0, half));
        await this.#commitBatch(batch.slice(half));
        return;
      }
      for (const entry of batch) this.#settle(entry, { error });
      return;
    }
    const requeue: Pending[] = [];
    const checks: Array<Promise<void>> = [];
    batch.forEach((entry, i) => {
      const result = results[i];
      if (result?.['.tag'] === 'success') return this.#settle(entry, { metadata: result });
      const tags = result?.['.tag'] === 'failure' ? unionTags(result.failure) : ['missing_result'];
      if (tags.includes('too_many_write_operations') && entry.attempts < this.#options.maxEntryAttempts) {
        requeue.push(entry);
      } else if (tags[0] === 'lookup_failed' && tags[1] === 'not_found') {
        checks.push(this.#settleFromMetadata(entry));
      } else {
        this.#settle(entry, { error: errorFromTags(tags, `commit of ${entry.path}`) });
      }
    });
    if (requeue.length > 0) {
      this.#ctx.counters.add('entriesRequeued', requeue.length);
      const { minDelayMs, maxDelayMs } = this.#ctx.retry;
      const attempts = Math.max(...requeue.map((entry) => entry.attempts));
      this.#notBefore = Date.now() + Math.min(maxDelayMs, minDelayMs * 2 ** (attempts - 1));
      this.#queue.unshift(...requeue.filter((entry) => !entry.settled));
    }
    await Promise.all(checks);
  }

  /**
   * The entry's session is used up: a commit whose response was lost, or a session that expired.
   * The file at the path decides: the bytes we uploaded are there, or the file must be sent again.
   */
  async #settleFromMetadata(entry: Pending): Promise<void> {
    const lost = new DropboxDestinationError(
      'retry',
      `The upload session for ${entry.path} is used up and the file there is not the one uploaded; upload it again`,
    );
    try {
      const metadata = await callDropbox(
        this.#ctx,
        'metadataCalls',
        `check of ${entry.path}`,
        async (client, request) => (await client.filesGetMetadata({ path: entry.path }, request)).result,
      );
      if (
        metadata['.tag'] === 'file' &&
        metadata.content_hash === entry.contentHash &&
        metadata.size === entry.size
      ) {
        this.#ctx.counters.add('reconciled');
        this.#settle(entry, { metadata });
      } else this.#settle(entry, { error: lost });
    } catch (error) {
      this.#settle(entry, { error: isPathNotFound(error) ? lost : error });
    }
  }

  #settle(entry: Pending, outcome: { metadata: files.FileMetadata } | { error: unknown }): void {
    if (entry.settled) return;
    entry.settled = true;
    if ('metadata' in outcome) entry.resolve(outcome.metadata);
    else entry.reject(outcome.error instanceof Error ? outcome.error : new Error(String(outcome.error)));
  }
}
