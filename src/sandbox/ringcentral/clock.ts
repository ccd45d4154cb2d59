/**
 * The simulator clock: a base clock (real time unless the embedder passes its own) plus an offset
 * that `/__sim/clock` moves forward. Token lifetimes, rate-limit windows, late recordings,
 * retention and export progress all read this one clock, so a test can jump an hour ahead
 * instead of sleeping.
 */
export class SimClock {
  private readonly base: () => number;
  private offset = 0;

  constructor(base: () => number = Date.now) {
    this.base = base;
  }

  now(): number {
    return this.base() + this.offset;
  }

  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the simulator clock only moves forward');
    this.offset += ms;
  }
}
