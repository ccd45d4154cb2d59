import { z } from 'zod';
import { stateSlot } from '../../store/state-slot.ts';
import type { Connection, Store } from '../../store/types.ts';

/**
 * Further RingCentral users of a company, connected so their rate budgets share the archive's work
 * (RingCentral counts limits per user and app). Each is a connection of its own, stored under the
 * key "ringcentral:<extension id>" next to the admin's "ringcentral": sealed in the vault with that
 * key bound in, refreshed one at a time under the same lease as any connection, kept alive daily.
 * A user whose grant turned out to be lost is remembered here (set aside) until an admin removes
 * or adds the user again, so runs stop trying it and the alert stays open.
 */

const PREFIX = 'ringcentral:';

/** The connection key of one more RingCentral user. */
export const userConnectionKey = (extensionId: string): string => `${PREFIX}${extensionId}`;

/** The extension id of a user connection's key; null for any other connection. */
export function userOfConnection(provider: string): string | null {
  return provider.startsWith(PREFIX) && provider.length > PREFIX.length
    ? provider.slice(PREFIX.length)
    : null;
}

/** The registry id of the provider a stored connection belongs to ("ringcentral:123" → "ringcentral"). */
export function providerOfConnection(provider: string): string {
  return userOfConnection(provider) === null ? provider : 'ringcentral';
}

export async function listUserConnections(store: Store, tenantId: string): Promise<Connection[]> {
  return (await store.listConnections({ tenantId }))
    .filter((c) => userOfConnection(c.provider) !== null)
    .sort((a, b) => a.accountLabel.localeCompare(b.accountLabel, 'en', { numeric: true }));
}

const lostSchema = z.object({
  lost: z.record(z.string(), z.object({ label: z.string(), reason: z.string(), at: z.number() })),
});
export type LostUsers = z.infer<typeof lostSchema>['lost'];

// Forgetting a mark costs one more attempt with that user (set aside again), never data.
const LOST = stateSlot('ringcentral-users', lostSchema, { empty: { lost: {} }, unreadable: 'empty' });

export async function lostUsers(store: Store, tenantId: string): Promise<LostUsers> {
  return (await LOST.read(store, tenantId)).value.lost;
}

async function changeLost(store: Store, tenantId: string, change: (lost: LostUsers) => LostUsers | null) {
  for (let attempt = 0; attempt < 5; attempt += 1) {
    const current = await LOST.read(store, tenantId);
    const next = change({ ...current.value.lost });
    if (next === null) return false;
    if (await LOST.write(store, tenantId, current, { lost: next })) return true;
  }
  throw new Error(`the RingCentral users of tenant ${tenantId} kept changing`);
}

/** Marks a user set aside; true when this call marked it (it was not marked already). */
export function markUserLost(
  store: Store,
  tenantId: string,
  user: { extensionId: string; label: string; reason: string; at: number },
): Promise<boolean> {
  return changeLost(store, tenantId, (lost) => {
    if (lost[user.extensionId]) return null;
    lost[user.extensionId] = { label: user.label, reason: user.reason.slice(0, 300), at: user.at };
    return lost;
  });
}

export function clearUserLost(store: Store, tenantId: string, extensionId: string): Promise<boolean> {
  return changeLost(store, tenantId, (lost) => {
    if (!lost[extensionId]) return null;
    delete lost[extensionId];
    return lost;
  });
}
