import { ITEM_KINDS, kindLabel } from '../../archive/kinds/registry.ts';
import { UserInputError } from '../../lib/errors.ts';
import type { SearchEntry, SearchQuery, SearchResults } from '../../store/types.ts';

/**
 * The search page's filters as the address carries them (q, kind, direction, from, to, recording,
 * after), checked and turned into the store's query, and the results as the page shows them.
 */

/** Kinds search knows: those whose items are records (calls, voicemail, fax, SMS, MMS). */
export const SEARCH_KINDS: readonly string[] = ITEM_KINDS.filter((k) => k.holds.record).map((k) => k.id);

export interface SearchFilters {
  q: string;
  kind: string;
  direction: '' | 'Inbound' | 'Outbound';
  /** YYYY-MM-DD, UTC days, both included. */
  from: string;
  to: string;
  recording: '' | 'with' | 'without';
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;
const DAY_MS = 86_400_000;

const one = (v: unknown): string => (typeof v === 'string' ? v.trim() : '');

function day(value: string, name: string): Date | undefined {
  if (!value) return undefined;
  const ms = DAY.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== value)
    throw new UserInputError(`The "${name}" date must be a day such as 2026-11-26.`);
  return new Date(ms);
}

export function parseSearch(query: Record<string, unknown>): {
  filters: SearchFilters;
  store: SearchQuery;
} {
  const q = one(query.q).slice(0, 200);
  const kind = one(query.kind);
  if (kind && !SEARCH_KINDS.includes(kind)) throw new UserInputError('Unknown kind filter.');
  const direction = one(query.direction);
  if (direction && direction !== 'Inbound' && direction !== 'Outbound')
    throw new UserInputError('Direction is Inbound or Outbound.');
  const recording = one(query.recording);
  if (recording && recording !== 'with' && recording !== 'without')
    throw new UserInputError('Recording is "with" or "without".');
  const [from, to] = [one(query.from), one(query.to)];
  const fromDay = day(from, 'from');
  const toDay = day(to, 'to');
  if (fromDay && toDay && toDay < fromDay)
    throw new UserInputError('The "to" date is before the "from" date.');
  const after = one(query.after);
  return {
    filters: {
      q,
      kind,
      direction: direction as SearchFilters['direction'],
      from,
      to,
      recording: recording as SearchFilters['recording'],
    },
    store: {
      text: q || undefined,
      kinds: kind ? [kind] : SEARCH_KINDS.slice(),
      direction: direction ? (direction as 'Inbound' | 'Outbound') : undefined,
      from: fromDay,
      // The "to" day is included: the range ends where the next day begins.
      to: toDay ? new Date(toDay.getTime() + DAY_MS) : undefined,
      hasRecording: recording ? recording === 'with' : undefined,
      limit: 50,
      after: after && after.length < 500 ? after : null,
    },
  };
}

/** An item's address: /items/<kind>-<RingCentral id>. */
export const itemId = (entry: Pick<SearchEntry, 'kind' | 'sourceId'>): string =>
  `${entry.kind}-${entry.sourceId}`;

const SOURCE_ID = /^[A-Za-z0-9_.~-]{1,100}$/;

/** The kind and id an address names; null for anything that is not an item's address. */
export function parseItemId(id: unknown): { kind: string; sourceId: string } | null {
  if (typeof id !== 'string') return null;
  const dash = id.indexOf('-');
  const [kind, sourceId] = [id.slice(0, dash), id.slice(dash + 1)];
  return dash > 0 && SEARCH_KINDS.includes(kind) && SOURCE_ID.test(sourceId) ? { kind, sourceId } : null;
}

/** The address of the same search with other filters (a kind's count, the next page). */
export function searchHref(
  filters: SearchFilters,
  change: Partial<SearchFilters> & { after?: string },
): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries({ ...filters, ...change })) if (value) params.set(key, value);
  return `/search?${params.toString()}`;
}

export function searchView(filters: SearchFilters, results: SearchResults) {
  return {
    filters,
    kinds: SEARCH_KINDS.map((id) => ({
      id,
      label: kindLabel(id),
      count: results.counts[id] ?? 0,
      href: searchHref(filters, { kind: id }),
    })),
    countsCapped: results.countsCapped,
    total: Object.values(results.counts).reduce((a, b) => a + b, 0),
    items: results.items.map((e) => ({ ...e, id: itemId(e), label: kindLabel(e.kind) })),
    nextHref: results.next ? searchHref(filters, { after: results.next }) : null,
  };
}
