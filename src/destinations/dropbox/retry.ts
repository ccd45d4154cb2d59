import { setTimeout as sleep } from 'node:timers/promises';
import type { Dropbox, DropboxRequestOptions } from 'dropbox';
import pRetry, { AbortError } from 'p-retry';
import type { DropboxClientAccess } from './access.ts';
import type { CounterName, Counters } from './counters.ts';
import { abortReason, classifyError, DropboxDestinationError } from './errors.ts';

/**
 * Every Dropbox call goes through `callDropbox`: counted, classified once, and retried with
 * p-retry's exponential backoff when the failure is transient (429, 5xx, network, bytes damaged in
 * transit). A `Retry-After` is waited out in full before the backoff; one longer than
 * `maxRetryAfterMs` is not waited out here (the put fails with kind 'retry' and the run resumes
 * later, instead of holding a worker for five minutes).
 *
 * `too_many_requests` is Dropbox's limit per app and user, not per call, and refused calls count
 * toward it: so its Retry-After pauses every call of the destination (`RatePause`), not only the
 * one that was refused. Calls in flight when it came back finish as they will; nothing new is sent
 * until the pause is over, and a pause longer than `maxRetryAfterMs` fails new calls at once with
 * kind 'retry' without sending them. `too_many_write_operations` is lock contention on one
 * namespace and only delays the call that met it.
 */

/** Until when (ms, this process's clock) Dropbox asked the destination to send nothing. */
export class RatePause {
  #until = 0;

  /** Milliseconds left (0: calls may go). */
  left(now = Date.now()): number {
    return Math.max(0, this.#until - now);
  }

  extend(ms: number, now = Date.now()): void {
    this.#until = Math.max(this.#until, now + ms);
  }
}

export interface RetryPolicy {
  /** Retries after the first attempt. */
  retries: number;
  minDelayMs: number;
  maxDelayMs: number;
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  retries: 5,
  minDelayMs: 250,
  maxDelayMs: 8_000,
  maxRetryAfterMs: 60_000,
};

export interface CallContext {
  access: DropboxClientAccess;
  counters: Counters;
  retry: RetryPolicy;
  /** Per request (an 8 MiB chunk on a slow uplink included); a hung request becomes a retry. */
  requestTimeoutMs: number;
  /** Shared by every call of one destination: Dropbox's too_many_requests Retry-After. */
  pause: RatePause;
}

type DropboxCall<T> = (client: Dropbox, request: DropboxRequestOptions, attempt: number) => Promise<T>;

/**
 * Runs `fn` until it succeeds, fails for good, or `signal` aborts (then it rejects with the signal's
 * reason). `counter` is incremented for every attempt; `what` names the operation in messages.
 */
export function callDropbox<T>(
  ctx: CallContext,
  counter: CounterName,
  what: string,
  fn: DropboxCall<T>,
  signal?: AbortSignal,
): Promise<T> {
  const request: DropboxRequestOptions = { timeout: ctx.requestTimeoutMs, ...(signal ? { signal } : {}) };
  return pRetry(
    async (attempt) => {
      await waitOutPause(ctx, what, signal);
      ctx.counters.add(counter);
      try {
        return await ctx.access.call((client) => fn(client, request, attempt));
      } catch (error) {
        if (signal?.aborted) throw new AbortError(abortReason(signal));
        const classified = classifyError(error, what);
        if (classified instanceof DropboxDestinationError && classified.status === 429) {
          ctx.counters.add('rateLimited');
          if (isRequestLimit(classified)) ctx.pause.extend(classified.retryAfterMs ?? 1000);
        }
        throw classified;
      }
    },
    {
      retries: ctx.retry.retries,
      minTimeout: ctx.retry.minDelayMs,
      maxTimeout: ctx.retry.maxDelayMs,
      factor: 2,
      randomize: true,
      signal,
      shouldRetry: async ({ error }) => {
        if (!(error instanceof DropboxDestinationError) || !error.transient) return false;
        const wait = error.retryAfterMs ?? 0;
        if (wait > ctx.retry.maxRetryAfterMs) return false;
        ctx.counters.add('retries');
        if (wait > 0) {
          await sleep(wait, undefined, signal ? { signal } : {}).catch(() => {
            throw abortReason(signal!);
          });
        }
        return true;
      },
    },
  );
}

/** A 429 of the per-user request limit (JSON `too_many_requests`, or the plain-text form). */
function isRequestLimit(error: DropboxDestinationError): boolean {
  return !(error.summary ?? '').includes('too_many_write_operations');
}

/** Sits out the destination's pause before sending; one too long to sit out fails the call unsent. */
async function waitOutPause(ctx: CallContext, what: string, signal: AbortSignal | undefined): Promise<void> {
  const left = ctx.pause.left();
  if (left === 0) return;
  if (left > ctx.retry.maxRetryAfterMs) {
    throw new AbortError(
      new DropboxDestinationError(
        'retry',
        `Dropbox asked for no requests for ${Math.ceil(left / 1000)} s more (too_many_requests); the ${what} waits for a later run`,
        { transient: true, status: 429, summary: 'too_many_requests', retryAfterMs: left },
      ),
    );
  }
  await sleep(left, undefined, signal ? { signal } : {}).catch(() => {
    throw new AbortError(abortReason(signal!));
  });
}
