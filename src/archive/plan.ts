import type { LedgerEntry, OutstandingItem, Store } from '../store/types.ts';
import type { ArchiveItem } from './items.ts';
import type { RunEnv } from './run-env.ts';
import { itemKey } from './transfer.ts';
import { isWaiting } from './waiting-recordings.ts';

/**
 * Drops what the archive already has at the same version, and decides how the rest is written:
 * - never archived → 'add' at the path the current template gives;
 * - a record whose lastModifiedTime changed → its JSON is rewritten in place (same path);
 * - a binary whose stated size changed → re-sent in place; an unchanged binary is never re-sent;
 * - an item with an outstanding row (waiting for its retry, failed, or skipped) is left to the retry
 *   stage and the archive log, so listing it again never bypasses its backoff.
 * Items already archived keep their path when the template changes; only new items follow it.
 */
export async function planItems(
  env: RunEnv,
  candidates: readonly ArchiveItem[],
  outstanding: OutstandingIndex,
): Promise<ArchiveItem[]> {
  const ledger = new Map<string, LedgerEntry>();
  for (let i = 0; i < candidates.length; i += 500) {
    const entries = await env.deps.store.getLedgerEntries(env.state.tenant.id, candidates.slice(i, i + 500));
    for (const entry of entries) ledger.set(itemKey(entry), entry);
  }
  const todo: ArchiveItem[] = [];
  for (const item of candidates) {
    const key = itemKey(item);
    // A recording only waiting for its turn (waiting-recordings.ts) is sent like a new one.
    if (outstanding.has(key) && !isWaiting(outstanding.get(key))) continue;
    const archived = ledger.get(key);
    if (!archived) {
      todo.push(item);
      continue;
    }
    const changedRecord =
      item.attachmentId === '' &&
      item.sourceModifiedAt !== null &&
      archived.sourceModifiedAt?.getTime() !== item.sourceModifiedAt.getTime();
    const changedBinary = item.attachmentId !== '' && item.size !== null && item.size !== archived.size;
    if (changedRecord || changedBinary) todo.push({ ...item, path: archived.path, mode: 'overwrite' });
  }
  return todo;
}

/** The tenant's outstanding items, loaded once per run (it is a short list in any healthy tenant). */
export type OutstandingIndex = Map<string, OutstandingItem>;

export async function loadOutstanding(store: Store, tenantId: string): Promise<OutstandingIndex> {
  const index: OutstandingIndex = new Map();
  let after: string | null = null;
  do {
    const page = await store.listOutstanding(tenantId, { limit: 1000, after });
    for (const item of page.items) index.set(itemKey(item), item);
    after = page.next;
  } while (after);
  return index;
}
