import type { Clock } from '../../lib/clock.ts';

/**
 * The simulator's notion of "now": the configured clock plus whatever `advanceClock` added, so a
 * test can expire tokens or upload sessions without waiting.
 */
export class SimClock implements Clock {
  #base: () => number;
  #offset = 0;

  constructor(base: () => number) {
    this.#base = base;
  }

  now(): number {
    return this.#base() + this.#offset;
  }

  advance(ms: number): void {
    this.#offset += ms;
  }
}

/** Dropbox timestamps: UTC, second precision, no fractional part (`2015-05-12T15:50:38Z`). */
export function dropboxTimestamp(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

export const TIMESTAMP_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/;
