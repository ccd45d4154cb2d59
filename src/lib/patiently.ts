import { setTimeout as sleep } from 'node:timers/promises';

/**
 * Retries a write that must not be lost to a short outage (the database restarting, a network
 * blip): the record that a run finished, the release of its lease, the job system's own
 * bookkeeping. Waits 0.5 s, then twice as long each time up to 10 s, for at most `maxMs`; then the
 * last error is thrown. Only for writes that are safe to repeat.
 */
export async function patiently<T>(
  work: () => Promise<T>,
  options: { maxMs: number; onRetry?: (error: unknown) => void; retryIf?: (error: unknown) => boolean },
): Promise<T> {
  const deadline = Date.now() + options.maxMs;
  for (let delay = 500; ; delay = Math.min(delay * 2, 10_000)) {
    try {
      return await work();
    } catch (error) {
      if (Date.now() + delay > deadline || (options.retryIf && !options.retryIf(error))) throw error;
      options.onRetry?.(error);
      await sleep(delay);
    }
  }
}

/** How long a worker waits out a database outage before it gives up on a write. */
export const OUTAGE_PATIENCE_MS = 5 * 60_000;

const UNREACHABLE =
  /^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|EHOSTUNREACH|ENETUNREACH|EAI_AGAIN|57P01|57P03)$/;

/**
 * The server could not be reached or went away (refused, reset, timed out; PostgreSQL shutting
 * down or starting up): worth waiting for. A wrong password or a bad key is not.
 */
export function isUnreachable(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && UNREACHABLE.test(code)) return true;
  if (/Connection terminated|connect ECONNREFUSED/.test(error.message)) return true;
  return error.cause !== undefined && error.cause !== error && isUnreachable(error.cause);
}
