import { z } from 'zod';
import type { JsonObject, Store } from '../store/types.ts';
import { ALERT_KINDS, type OpenAlerts } from './alerts.ts';

/**
 * Which alerts are open for a tenant, kept in the tenant's cursor row "notifications" so both
 * store adapters hold it without a schema change. Writes are compare-and-swap on the cursor's
 * version: of two processes assessing the same tenant at once, one wins and the other re-reads,
 * so an e-mail is claimed exactly once.
 */

export const NOTIFICATIONS_STREAM = 'notifications';

const providerSchema = z.enum(['ringcentral', 'dropbox']);
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

export interface AlertState {
  open: OpenAlerts;
  /** null when the row does not exist yet. */
  version: number | null;
}

export async function readAlertState(store: Store, tenantId: string): Promise<AlertState> {
  const cursor = await store.getCursor(tenantId, NOTIFICATIONS_STREAM);
  if (!cursor) return { open: {}, version: null };
  // A row this version cannot read (written by a newer one, say) counts as "nothing open":
  // at worst an alert is sent again, which beats never sending it.
  const parsed = positionSchema.safeParse(cursor.position);
  return { open: parsed.success ? parsed.data.open : {}, version: cursor.version };
}

/** Saves `open` if nobody wrote since `state` was read; false when someone did (read again). */
export async function writeAlertState(
  store: Store,
  tenantId: string,
  state: AlertState,
  open: OpenAlerts,
): Promise<boolean> {
  const position = { open: open as unknown as JsonObject };
  return (await store.saveCursor(tenantId, NOTIFICATIONS_STREAM, position, state.version)) !== null;
}
