import pMap from 'p-map';
import { z } from 'zod';
import { errorMessage } from '../lib/errors.ts';
import { stateSlot } from '../store/state-slot.ts';
import type { LedgerEntry, SearchEntry } from '../store/types.ts';
import { ITEM_KINDS } from './kinds/registry.ts';
import type { RunEnv } from './run-env.ts';
import { recordExtensionId, searchEntryFor } from './search-entry.ts';

/**
 * Archives made before search existed have ledger rows but no search entries: once per company,
 * full runs read each record's JSON back from the destination (a small file) and index it, a page
 * of the ledger at a time, remembering where they got to. Items archived since are indexed as they
 * are archived (transfer.ts), so this finishes once and never starts again.
 */

const PROGRESS = stateSlot(
  'search-backfill',
  z.object({ done: z.boolean(), kind: z.string().nullable(), after: z.string().nullable() }),
  // A damaged record only makes the backfill look again at rows that mostly have entries already.
  { empty: { done: false, kind: null, after: null }, unreadable: 'empty' },
);

const RECORD_KINDS: readonly string[] = ITEM_KINDS.filter((k) => k.holds.record).map((k) => k.id);
const PAGE = 200;
/** Time a run gives the backfill after its own work; the next run continues. */
const BUDGET_MS = 5 * 60_000;

/** Indexes what was archived before search existed; true while more is left for the next run. */
export async function backfillSearch(env: RunEnv, budgetMs = BUDGET_MS): Promise<boolean> {
  const { store, clock } = env.deps;
  const { tenant } = env.state;
  let state = await PROGRESS.read(store, tenant.id);
  if (state.value.done) return false;
  const deadline = clock.now() + budgetMs;
  let index = Math.max(0, RECORD_KINDS.indexOf(state.value.kind ?? RECORD_KINDS[0]!));
  let after = state.value.after;
  while (index < RECORD_KINDS.length) {
    if (env.state.signal.aborted || clock.now() >= deadline) return true;
    const page = await store.listLedger(tenant.id, { kind: RECORD_KINDS[index]!, limit: PAGE, after });
    const records = page.items.filter((e) => e.attachmentId === '');
    const have = new Set(
      (await store.getSearchEntries(tenant.id, records)).map((e) => `${e.kind}\u0000${e.sourceId}`),
    );
    const missing = records.filter((e) => !have.has(`${e.kind}\u0000${e.sourceId}`));
    const entries = await pMap(missing, (entry) => entryFromArchive(env, entry), { concurrency: 8 });
    await store.saveSearchEntries(entries.filter((e): e is SearchEntry => e !== null));
    after = page.next;
    if (!after) index += 1;
    const next = { done: index >= RECORD_KINDS.length, kind: RECORD_KINDS[index] ?? null, after };
    const saved = await PROGRESS.write(store, tenant.id, state, next);
    // Another run of this company moved it meanwhile (a stale lease): leave the rest to it.
    if (!saved) return true;
    state = saved;
  }
  return false;
}

async function entryFromArchive(env: RunEnv, entry: LedgerEntry): Promise<SearchEntry | null> {
  try {
    const bytes = await env.deps.destination.read(entry.path);
    if (!bytes) return null;
    const record = JSON.parse(bytes.toString('utf8')) as Record<string, unknown>;
    const owner = recordExtensionId(record);
    const extension = owner ? (env.state.extensions.get(owner) ?? { id: owner }) : null;
    return searchEntryFor({
      tenantId: env.state.tenant.id,
      kind: entry.kind,
      record,
      extension,
      path: entry.path,
    });
  } catch (error) {
    // A file removed or damaged in the destination stays out of search; verification reports it.
    env.deps.logger.warn(
      { path: entry.path, err: { message: errorMessage(error) } },
      'not indexed for search',
    );
    return null;
  }
}
