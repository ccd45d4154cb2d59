import type { OutstandingItem } from '../store/types.ts';
import type { ArchiveItem } from './items.ts';
import { DELETED_BY_RINGCENTRAL } from './outcomes.ts';
import type { OutstandingIndex } from './plan.ts';
import type { RunEnv } from './run-env.ts';
import { itemKey, recordProblem } from './transfer.ts';
import type { Window } from './windows.ts';

/**
 * Recordings listed but not copied yet when a run stopped (the budget could not keep up), kept in
 * the outstanding list as waiting, so the archive remembers it saw them. RingCentral gives no
 * notice when its 90 days or its 100,000-recording cap remove one: the call log just lists the
 * call without it. So when a later run lists the window of a waiting recording again and the
 * recording is not there any more, it is recorded as skipped, "deleted by RingCentral before it
 * could be archived", in the archive log and the run's figures. A waiting recording that is still
 * listed is sent like any new one (closest to deletion first); one whose download answers 404 ends
 * the same way.
 */

export const WAITING_REASON = 'Waiting for its turn: the download budget could not keep up in the last run.';

export const isWaiting = (row: OutstandingItem | undefined): boolean =>
  row?.status === 'pending' && row.nextAttemptAt === null && row.descriptor.waiting === true;

/** Remembers recordings a stopped run left unfinished; returns those it did not know yet. */
export async function rememberWaiting(
  env: RunEnv,
  items: readonly ArchiveItem[],
  outstanding: OutstandingIndex,
): Promise<ArchiveItem[]> {
  const fresh = items.filter((i) => i.kind === 'recording' && !outstanding.has(itemKey(i)));
  for (const item of fresh) {
    const row = {
      tenantId: env.state.tenant.id,
      kind: item.kind,
      sourceId: item.sourceId,
      attachmentId: item.attachmentId,
      status: 'pending' as const,
      attempts: 0,
      lastError: WAITING_REASON,
      nextAttemptAt: null,
      descriptor: { ...item.descriptor, waiting: true },
    };
    await env.deps.store.saveOutstanding(row);
    const now = new Date(env.deps.clock.now());
    outstanding.set(itemKey(item), { ...row, firstSeenAt: now, updatedAt: now });
  }
  return fresh;
}

/**
 * After a window was listed: its recordings still to copy (waiting, or waiting for a retry) that
 * RingCentral no longer lists were deleted
 * by RingCentral before they could be archived. `listed` holds every
 * recording id the window listed (whatever the extension filter keeps).
 */
export async function settleVanished(
  env: RunEnv,
  window: Pick<Window, 'from' | 'to'>,
  listed: ReadonlySet<string>,
  outstanding: OutstandingIndex,
): Promise<number> {
  let gone = 0;
  for (const [key, row] of outstanding) {
    // Waiting for its turn, or for a retry after a failed attempt: either way not archived yet.
    if (row.kind !== 'recording' || row.status !== 'pending' || listed.has(row.sourceId)) continue;
    const at = row.descriptor.at;
    if (typeof at !== 'number' || at < window.from || at >= window.to) continue;
    await recordProblem(env, row, 'skip', DELETED_BY_RINGCENTRAL);
    outstanding.delete(key);
    gone += 1;
  }
  return gone;
}
