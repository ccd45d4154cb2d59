/**
 * Compressed time. RingCentral counts requests in 60-second windows; the benchmark gives the
 * simulator a window of a second or two and lets everything else shrink by the same factor, so an
 * hour of archiving takes a minute. The product learns the window from `X-Rate-Limit-Window`, so
 * the only settings the benchmark compresses by hand are the run's time box and the hourly
 * schedule. Every figure measured under compression is converted back before it is reported.
 */
export const REAL_WINDOW_SECONDS = 60;
export const HOUR_MS = 3_600_000;
/** The run time box the product ships with (RUN_TIME_BOX_MINUTES). */
export const DEFAULT_TIME_BOX_MINUTES = 45;

export interface TimeScale {
  /** The simulator's rate-limit window. */
  windowSeconds: number;
  /** How many real seconds one compressed second stands for. */
  factor: number;
  /** The compressed hour, in milliseconds of wall time. */
  hourMs: number;
  /** RUN_TIME_BOX_MINUTES for the compressed hour. */
  timeBoxMinutes: number;
  /** One line for the results: what stands for what. */
  label: string;
}

export function compressedTime(windowSeconds: number): TimeScale {
  const factor = REAL_WINDOW_SECONDS / windowSeconds;
  const hourMs = HOUR_MS / factor;
  return {
    windowSeconds,
    factor,
    hourMs,
    timeBoxMinutes: DEFAULT_TIME_BOX_MINUTES / factor,
    label:
      factor === 1
        ? 'real time: 60 s rate-limit windows'
        : `compressed ${factor}×: a ${windowSeconds} s window stands for 60 s, an hour lasts ${seconds(hourMs)}`,
  };
}

/** No compression: RingCentral's own 60-second windows. */
export const REAL_TIME: TimeScale = compressedTime(REAL_WINDOW_SECONDS);

/** A wall-clock duration under `scale`, as the real duration it stands for. */
export const standsFor = (scale: TimeScale, wallMs: number): number => wallMs * scale.factor;

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;
}

export function minutes(ms: number): string {
  return `${(ms / 60_000).toFixed(1)} min`;
}
