import type { Provider, Store, Tenant } from '../store/types.ts';

const NAMES: Record<Provider, string> = { ringcentral: 'RingCentral', dropbox: 'Dropbox' };

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
  const statusReason = `${NAMES[provider]} access was revoked or has expired. Reconnect ${NAMES[provider]} to resume backups.`;
  if (tenant.status === 'needs_reconnect' && tenant.statusReason === statusReason) return false;
  await store.updateTenant(tenantId, { status: 'needs_reconnect', statusReason });
  await store.appendAudit(tenantId, {
    actor: 'system',
    action: 'connection.lost',
    details: { provider, reason: reason.slice(0, 300) },
  });
  return true;
}

/** A tenant archives only when both providers are connected and nothing needs the admin. */
export async function refreshReadiness(store: Store, tenantId: string): Promise<Tenant | null> {
  const tenant = await store.getTenant(tenantId);
  if (!tenant || tenant.status === 'uninstalled' || tenant.status === 'paused') return tenant;
  const [rc, dbx] = await Promise.all([
    store.getConnection(tenantId, 'ringcentral'),
    store.getConnection(tenantId, 'dropbox'),
  ]);
  if (rc && dbx && tenant.status !== 'active')
    return store.updateTenant(tenantId, { status: 'active', statusReason: null });
  if (!rc || !dbx) {
    const missing = !rc ? 'RingCentral' : 'Dropbox';
    const statusReason = `Connect ${missing} to start backups.`;
    if (tenant.status !== 'needs_reconnect' || tenant.statusReason !== statusReason)
      return store.updateTenant(tenantId, { status: 'needs_reconnect', statusReason });
  }
  return tenant;
}
