import { setTimeout as sleepFor } from 'node:timers/promises';

/** Waits `ms`; when `signal` aborts, rejects with its reason (the run's own stop reason). */
export async function wait(ms: number, signal: AbortSignal | undefined): Promise<void> {
  try {
    await sleepFor(ms, undefined, { signal });
  } catch (error) {
    signal?.throwIfAborted();
    throw error;
  }
}
