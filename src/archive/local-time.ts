/**
 * Calendar fields of an instant in a time zone, for folder names and daily reports. Pure: the zone
 * rules come from the ICU data built into Node (`Intl.DateTimeFormat`), no dependency.
 */

export interface DateTimeParts {
  yyyy: string;
  mm: string;
  dd: string;
  hh: string;
  min: string;
  ss: string;
}

/**
 * ISO 8601 with an explicit zone (`Z` or `±hh:mm`). A time without a zone would be read in the
 * server's own zone, so the same record could land in different folders on different machines.
 */
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/** Milliseconds since the epoch of an ISO timestamp such as RingCentral's `2026-11-26T14:03:05.594Z`. */
export function parseInstant(timestampIso: string): number {
  const ms = ISO_WITH_ZONE.test(timestampIso) ? Date.parse(timestampIso) : Number.NaN;
  if (Number.isNaN(ms)) {
    throw new RangeError(
      `"${timestampIso.slice(0, 40)}" is not an ISO 8601 time with a zone (such as 2026-11-26T14:03:05Z)`,
    );
  }
  return ms;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** One formatter per zone: building one costs far more than using it, and runs format thousands of items. */
function formatterFor(timezone: string): Intl.DateTimeFormat {
  let formatter = formatters.get(timezone);
  if (!formatter) {
    formatter = new Intl.DateTimeFormat('en-US', {
      timeZone: timezone,
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
      // h23, not hour12:false: the latter prints midnight as "24" in some ICU versions.
      hourCycle: 'h23',
    });
    formatters.set(timezone, formatter);
  }
  return formatter;
}

/** Year, month, day, hour, minute and second of `instantMs` on a wall clock in `timezone`. */
export function dateTimeParts(instantMs: number, timezone: string): DateTimeParts {
  if (timezone === 'UTC') return utcParts(instantMs);
  const found: Partial<Record<Intl.DateTimeFormatPartTypes, string>> = {};
  for (const part of formatterFor(timezone).formatToParts(instantMs)) found[part.type] = part.value;
  return {
    yyyy: (found.year ?? '').padStart(4, '0'),
    mm: found.month ?? '',
    dd: found.day ?? '',
    hh: found.hour ?? '',
    min: found.minute ?? '',
    ss: found.second ?? '',
  };
}

function utcParts(instantMs: number): DateTimeParts {
  const iso = new Date(instantMs).toISOString(); // YYYY-MM-DDTHH:MM:SS.sssZ for years 0..9999
  return {
    yyyy: iso.slice(0, 4),
    mm: iso.slice(5, 7),
    dd: iso.slice(8, 10),
    hh: iso.slice(11, 13),
    min: iso.slice(14, 16),
    ss: iso.slice(17, 19),
  };
}

/** The calendar day (`YYYY-MM-DD`) of a timestamp in `timezone`: the day whose folder holds it. */
export function localDay(timestampIso: string, timezone: string): string {
  const { yyyy, mm, dd } = dateTimeParts(parseInstant(timestampIso), timezone);
  return `${yyyy}-${mm}-${dd}`;
}

/** Whether `day` is a real calendar date written `YYYY-MM-DD` (2026-02-30 is not). */
export function isCalendarDay(day: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) return false;
  const ms = Date.parse(`${day}T00:00:00Z`);
  return !Number.isNaN(ms) && new Date(ms).toISOString().slice(0, 10) === day;
}

/**
 * The canonical spelling of an IANA zone name Node knows (`us/eastern` → `America/New_York`,
 * `GMT` → `UTC`), or null for an unknown name or a bare offset like `+02:00` (offsets ignore
 * daylight saving, so they would file summer calls under the wrong day).
 */
export function canonicalTimezone(timezone: string): string | null {
  if (timezone.length === 0 || timezone.length > 64 || /^[+-]/.test(timezone)) return null;
  try {
    return new Intl.DateTimeFormat('en-US', { timeZone: timezone }).resolvedOptions().timeZone;
  } catch {
    return null;
  }
}
