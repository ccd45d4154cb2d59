import { abortReason } from './errors.ts';

/**
 * A counting semaphore: at most `size` uploads read and send at once, so a pipeline that starts a
 * hundred puts holds `size` uploads' memory and connections, not a hundred. A waiting put has read
 * nothing. Every destination's puts take their turn through one.
 */
export class Slots {
  #free: number;
  readonly #waiting: Array<() => void> = [];

  constructor(size: number) {
    if (!Number.isInteger(size) || size < 1) throw new Error('the number of upload slots must be at least 1');
    this.#free = size;
  }

  /** Resolves with the function that gives the slot back; rejects with the signal's reason on abort. */
  async acquire(signal?: AbortSignal): Promise<() => void> {
    signal?.throwIfAborted();
    if (this.#free > 0) this.#free -= 1;
    else {
      await new Promise<void>((resolve, reject) => {
        const onAbort = (): void => {
          this.#waiting.splice(this.#waiting.indexOf(grant), 1);
          reject(abortReason(signal!));
        };
        const grant = (): void => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        };
        this.#waiting.push(grant);
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    let released = false;
    return () => {
      if (released) return;
      released = true;
      // The slot goes straight to the next waiter, if any.
      const next = this.#waiting.shift();
      if (next) next();
      else this.#free += 1;
    };
  }
}
