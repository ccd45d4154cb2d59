import type { LedgerEntry } from '../../src/store/types.ts';
import { standsFor, type TimeScale } from './scale.ts';

/**
 * How long items took to reach the archive: from when they came into being at RingCentral (a
 * call's end, a message's arrival, on the simulator's clock) to when the last of their files was
 * written to Dropbox (the ledger row follows the destination's commit), in real minutes.
 */
export interface Delays {
  /** Minutes, ascending. */
  sorted: number[];
  /** Items not in the archive at all. */
  missing: number;
}

/** The q-quantile (nearest rank) of ascending values. */
export const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))] ?? NaN;

/** The time the last file of each item (ledger rows of the given kinds, by source id) was written. */
export function lastWrites(ledger: readonly LedgerEntry[], kinds: readonly string[]): Map<string, number> {
  const at = new Map<string, number>();
  for (const e of ledger)
    if (kinds.includes(e.kind)) at.set(e.sourceId, Math.max(at.get(e.sourceId) ?? 0, e.archivedAt.getTime()));
  return at;
}

export function delaysOf(
  scale: TimeScale,
  arrivals: ReadonlyMap<string, number>,
  written: ReadonlyMap<string, number>,
): Delays {
  const sorted: number[] = [];
  let missing = 0;
  for (const [id, at] of arrivals) {
    const archived = written.get(id);
    if (archived === undefined) missing += 1;
    else sorted.push(standsFor(scale, archived - at) / 60_000);
  }
  return { sorted: sorted.sort((a, b) => a - b), missing };
}

/** How many of the items had their last file written during one of the runs (start to finish). */
export function writtenDuring(
  ids: Iterable<string>,
  written: ReadonlyMap<string, number>,
  runs: ReadonlyArray<{ startedAt: Date; finishedAt: Date | null }>,
): number {
  let n = 0;
  for (const id of ids) {
    const at = written.get(id);
    if (
      at !== undefined &&
      runs.some((r) => r.startedAt.getTime() <= at && at <= (r.finishedAt?.getTime() ?? Infinity))
    )
      n += 1;
  }
  return n;
}

export function merge(...all: Delays[]): Delays {
  return {
    sorted: all.flatMap((d) => d.sorted).sort((a, b) => a - b),
    missing: all.reduce((n, d) => n + d.missing, 0),
  };
}
