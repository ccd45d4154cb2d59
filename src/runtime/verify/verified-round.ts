import { z } from 'zod';
import { stateSlot, type Versioned } from '../../store/state-slot.ts';
import type { Store } from '../../store/types.ts';

/**
 * The last daily round (UTC day, jobs/fan-out.ts) in which a company's verification ran to its end.
 * Agenda removes a company's job once done, so a second fan-out the same day (the deployment-wide
 * job run again after a worker died holding it, or asked for by hand) queues the company again;
 * this record is what makes that job do nothing instead of listing the whole archive a second time.
 */
const VERIFIED_ROUND = stateSlot('daily-verification', z.object({ round: z.string().nullable() }), {
  empty: { round: null },
  // A damaged record costs one more verification, never lost data.
  unreadable: 'empty',
});

export type VerifiedRound = Versioned<{ round: string | null }>;

export const readVerifiedRound = (store: Store, tenantId: string): Promise<VerifiedRound> =>
  VERIFIED_ROUND.read(store, tenantId);

/** Whether `record` says the company was verified in `round` (or a later one: a stale job). */
export const verifiedIn = (record: VerifiedRound, round: string): boolean =>
  record.value.round !== null && record.value.round >= round;

/**
 * Records that the company was verified in `round`. A concurrent writer can only be another job of
 * the same company, which also verified it: losing the compare-and-swap to it changes nothing.
 */
export async function recordVerifiedRound(
  store: Store,
  tenantId: string,
  current: VerifiedRound,
  round: string,
): Promise<void> {
  await VERIFIED_ROUND.write(store, tenantId, current, { round });
}
