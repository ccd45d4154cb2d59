import { providerIds, providerName } from '../connections/registry.ts';
import type { Provider, Store, Tenant } from '../store/types.ts';

/**
 * A tenant whose authorization is gone stops archiving (no retry storm: the job skips tenants that
 * are not active) until an admin reconnects. Returns true when this call changed the status.
 */
export async function markNeedsReconnect(
  store: Store,
  tenantId: string,
  provider: Provider,
  reason: string,
): Promise<boolean> {
  const tenant = await store.getTenant(tenantId);
  if (!tenant || tenant.status === 'uninstalled') return false;
  const name = providerName(provider);
  const statusReason = `${name} access was revoked or has expired. Reconnect ${name} to resume backups.`;
  if (tenant.status === 'needs_reconnect' && tenant.statusReason === statusReason) return false;
  await store.updateTenant(tenantId, { status: 'needs_reconnect', statusReason });
  await store.appendAudit(tenantId, {
    actor: 'system',
    action: 'connection.lost',
    details: { provider, reason: reason.slice(0, 300) },
  });
  return true;
}

/**
 * A tenant archives only when its source and a destination are connected and nothing needs the
 * admin. The source is RingCentral; the destination is whichever destination provider it connected.
 */
export async function refreshReadiness(store: Store, tenantId: string): Promise<Tenant | null> {
  const tenant = await store.getTenant(tenantId);
  if (!tenant || tenant.status === 'uninstalled' || tenant.status === 'paused') return tenant;
  const connected = new Set((await store.listConnections({ tenantId })).map((c) => c.provider));
  const source = providerIds('source').find((id) => connected.has(id));
  const destination = providerIds('destination').find((id) => connected.has(id));
  if (source && destination && tenant.status !== 'active')
    return store.updateTenant(tenantId, { status: 'active', statusReason: null });
  if (!source || !destination) {
    // Named as the admin knows them: the first of each role is the one to connect.
    const missing = providerName(source ? providerIds('destination')[0]! : providerIds('source')[0]!);
    const statusReason = `Connect ${missing} to start backups.`;
    if (tenant.status !== 'needs_reconnect' || tenant.statusReason !== statusReason)
      return store.updateTenant(tenantId, { status: 'needs_reconnect', statusReason });
  }
  return tenant;
}
