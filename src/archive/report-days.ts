import { z } from 'zod';
import { StateCell, stateSlot } from '../store/state-slot.ts';
import type { Store } from '../store/types.ts';

/**
 * The days whose report files (calls.csv, sms.csv, manifest.csv) are owed. A day is marked here,
 * in the database, before anything that changes those files' content is stored (a ledger row, a
 * report row), and cleared once its files are rewritten at the end of a run. Without it, a process
 * killed between archiving a day's items and writing its files leaves them unwritten for good: the
 * run after the restart finds nothing new on that day and has no reason to touch it.
 *
 * Marking a day that then gets nothing new only costs rewriting its files once with the same rows.
 */

const REPORT_DAYS = stateSlot(
  'report-days',
  z.object({ days: z.array(z.iso.date()) }),
  // Failing loudly beats forgetting owed days: their files would never be written.
  { empty: { days: [] } },
);

/** A run's view of the owed days: stages mark days concurrently, each change stored in turn. */
export type OwedDays = StateCell<{ days: string[] }>;

export function owedDays(store: Store, tenantId: string): OwedDays {
  return new StateCell(REPORT_DAYS, store, tenantId);
}

const changed = (before: readonly string[], after: Set<string>) =>
  after.size === before.length && before.every((d) => after.has(d)) ? null : { days: [...after].sort() };

/** The owed days once `days` are owed too, sorted; null when that changes nothing (no write). */
export function withDaysOwed(before: readonly string[], days: Iterable<string>): { days: string[] } | null {
  return changed(before, new Set([...before, ...days]));
}

/** The owed days once `written` are not owed any more; null when that changes nothing. */
export function withDaysSettled(
  before: readonly string[],
  written: Iterable<string>,
): { days: string[] } | null {
  const done = new Set(written);
  return changed(before, new Set(before.filter((d) => !done.has(d))));
}

/** Marks days whose files are about to change; resolves once that is stored. */
export function oweReportDays(owed: OwedDays, days: Iterable<string>): Promise<void> {
  const wanted = [...days];
  if (wanted.length === 0) return Promise.resolve();
  return owed.update(({ days: before }) => withDaysOwed(before, wanted));
}

/** Every day owed so far, this run's and those a killed run left behind. */
export async function owedReportDays(owed: OwedDays): Promise<string[]> {
  return (await owed.value()).days;
}

/** The days' files are written: they are owed no more. */
export function settleReportDays(owed: OwedDays, days: Iterable<string>): Promise<void> {
  const written = [...days];
  return owed.update(({ days: before }) => withDaysSettled(before, written));
}
