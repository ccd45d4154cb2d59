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
 */

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
}

export type DropboxCall<T> = (client: Dropbox, request: DropboxRequestOptions, attempt: number) => Promise<T>;

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
      ctx.counters.add(counter);
      try {
        return await ctx.access.call((client) => fn(client, request, attempt));
      } catch (error) {
        if (signal?.aborted) throw new AbortError(abortReason(signal));
        const classified = classifyError(error, what);
        if (classified instanceof DropboxDestinationError && classified.status === 429) {
          ctx.counters.add('rateLimited');
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
