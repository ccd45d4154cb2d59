import { z } from 'zod';
import { stateSlot } from '../store/state-slot.ts';
import type { Store } from '../store/types.ts';
import { ALERT_KINDS, type OpenAlerts } from './alerts.ts';

/**
 * Which alerts are open for a tenant, kept in the tenant's "alerts" state record. Writes are
 * compare-and-swap on its version: of two processes assessing the same tenant at once, one wins and
 * the other re-reads, so an e-mail is claimed exactly once.
 */

// Any provider of the connections registry (a destination may be SFTP as well as Dropbox).
const providerSchema = z.string().min(1);
const detailsSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('reconnect'), provider: providerSchema }),
  z.object({ kind: z.literal('failing'), failedRuns: z.number(), problem: z.string().nullable() }),
  z.object({
    kind: z.literal('storage'),
    used: z.number(),
    allocated: z.number(),
    free: z.number(),
    thresholdBytes: z.number(),
  }),
  z.object({
    kind: z.literal('risk'),
    atRisk: z.number(),
    oldestAgeDays: z.number().nullable(),
    projectedLoss: z.number(),
    firstLossAt: z.number().nullable().optional(),
    inflowPerDay: z.number().optional(),
    capacityPerDay: z.number().optional(),
    users: z.number().optional(),
    usersNeeded: z.number().nullable().optional(),
    heavyLimitNeeded: z.number().nullable().optional(),
    windowSeconds: z.number().optional(),
  }),
  z.object({ kind: z.literal('throttled'), storms: z.number(), runs: z.number(), pausedMs: z.number() }),
  z.object({ kind: z.literal('capped'), problem: z.string().nullable() }),
  z.object({
    kind: z.literal('users'),
    users: z.array(z.object({ label: z.string(), reason: z.string() })),
  }),
]);
const openAlertSchema = z.object({
  openedAt: z.number(),
  lastSentAt: z.number().nullable(),
  notified: z.boolean(),
  details: detailsSchema,
});
const positionSchema = z.object({
  open: z.partialRecord(z.enum(ALERT_KINDS), openAlertSchema).default({}),
});

// A record this version cannot read (written by a newer one, say) counts as "nothing open": at
// worst an alert is sent again, which beats never sending it.
const ALERTS = stateSlot('alerts', positionSchema, {
  empty: { open: {} },
  unreadable: 'empty',
});

interface AlertState {
  open: OpenAlerts;
  /** null when the record does not exist yet. */
  version: number | null;
}

export async function readAlertState(store: Store, tenantId: string): Promise<AlertState> {
  const { value, version } = await ALERTS.read(store, tenantId);
  return { open: value.open, version };
}

/** Saves `open` if nobody wrote since `state` was read; false when someone did (read again). */
export async function writeAlertState(
  store: Store,
  tenantId: string,
  state: AlertState,
  open: OpenAlerts,
): Promise<boolean> {
  const current = { value: { open: state.open }, version: state.version };
  return (await ALERTS.write(store, tenantId, current, { open })) !== null;
}
