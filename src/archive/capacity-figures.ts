import { z } from 'zod';
import { stateSlot } from '../store/state-slot.ts';
import { assessCapacity, inflowPerDay, mergeInflow, type Capacity, type InflowHistory } from './capacity.ts';
import type { CallLogProgress } from './call-log-stage.ts';
import type { RunEnv } from './run-env.ts';

/**
 * The run's capacity figures: the inflow (kept across runs as recordings listed per day), the
 * backlog (recordings listed and not archived, recordings waiting in the outstanding list, and an
 * estimate of history not listed yet), the budget of the users connected, and what RingCentral will
 * delete before the archive gets there.
 */

/** Recordings listed per UTC day, kept across runs (capacity.ts InflowHistory). */
const INFLOW = stateSlot(
  'capacity-inflow',
  z.object({
    since: z.number().nullable(),
    days: z.record(z.iso.date(), z.number()),
    until: z.number().nullable().optional(),
  }),
  // Counts lost to a damaged record only make one week's inflow estimate low until runs refill it.
  { empty: { since: null, days: {} }, unreadable: 'empty' },
);
/** Outstanding recordings read for the backlog; beyond this the backlog is at least this big. */
const MAX_BACKLOG_READ = 200_000;

/** Merges what this run listed into the stored counts and returns the inflow per day. */
async function updateInflow(env: RunEnv, listed: InflowHistory | null): Promise<number> {
  const now = env.deps.clock.now();
  const stored = await INFLOW.read(env.deps.store, env.state.tenant.id);
  const history = mergeInflow(stored.value, listed ?? { since: null, days: {} }, now);
  // A lost race only leaves this run's counts for the next run to list again.
  if (listed && (listed.since !== null || Object.keys(listed.days).length > 0))
    await INFLOW.write(env.deps.store, env.state.tenant.id, stored, history).catch(() => null);
  return inflowPerDay(history, history.until ?? now);
}

async function waitingRecordings(env: RunEnv): Promise<number[]> {
  const times: number[] = [];
  let after: string | null = null;
  do {
    const page = await env.deps.store.listOutstanding(env.state.tenant.id, {
      status: 'pending',
      kind: 'recording',
      limit: 1000,
      after,
    });
    for (const item of page.items) {
      const at = item.descriptor.at;
      times.push(typeof at === 'number' ? at : env.deps.clock.now());
    }
    after = page.next;
  } while (after && times.length < MAX_BACKLOG_READ);
  return times;
}

export async function capacityFigures(
  env: RunEnv,
  callLog: CallLogProgress | null,
  budget: { heavyLimit: number; windowMs: number; users: number; cap?: number },
): Promise<Capacity> {
  const now = env.deps.clock.now();
  const inflow = await updateInflow(env, callLog?.listed ?? null);
  const listedTo = callLog?.backfill.until ?? now;
  return assessCapacity(
    {
      now,
      cap: budget.cap,
      // Recordings a stopped run left unfinished wait in the outstanding list (waiting-recordings.ts).
      unarchived: await waitingRecordings(env),
      unlisted:
        callLog && listedTo < now
          ? { count: callLog.recordingDensity * (now - listedTo), from: listedTo, to: now }
          : null,
    },
    inflow,
    budget,
  );
}
