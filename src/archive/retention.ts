import { localDay } from './local-time.ts';
import { DAY_MS } from './windows.ts';

/**
 * How far back RingCentral still holds anything the archiver reads: the call log is kept 12 months
 * (9 for some accounts), recordings 90 days; voicemail, faxes and SMS are kept by count. History
 * older than this cannot be archived, so no run reads before it and no backfill date may ask for it.
 */
const HISTORY_MS = 366 * DAY_MS;

export const RETENTION_NOTE =
  'RingCentral keeps the call log for 12 months (9 for some accounts) and recordings for 90 days';

/** The oldest instant a run reads. */
export function historyFloor(now: number): number {
  return now - HISTORY_MS;
}

/** The earliest backfill day an admin may choose, on the tenant's calendar. */
export function earliestBackfillDay(now: number, timezone: string): string {
  return localDay(new Date(historyFloor(now)).toISOString(), timezone);
}
