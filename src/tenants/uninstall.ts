import { listUserConnections } from '../connections/index.ts';
import type { TenantDeps } from './install.ts';

/**
 * Uninstall: delete the push subscriptions, revoke every authorization at its provider, delete
 * the tokens, settings and the job. By default nothing else is kept either (archive index, run history); with keepIndex the
 * ledger and cursors stay so a reinstall continues without re-checking every file. The archive in
 * Dropbox is the customer's and is never touched. The audit log keeps the fact that it happened.
 */
export async function uninstallTenant(
  deps: TenantDeps,
  tenantId: string,
  actor: string,
  options: { keepIndex: boolean },
): Promise<void> {
  const { store, connections, scheduler } = deps;
  await scheduler.unscheduleTenant(tenantId);
  // Before the revoke: deleting a subscription at RingCentral needs the RingCentral token.
  await deps.subscriptions.removeAll(tenantId);
  for (const provider of connections.all()) await connections.disconnect(tenantId, provider.id);
  // Further RingCentral users who shared the work: their grants end too.
  for (const user of await listUserConnections(store, tenantId))
    await connections.disconnect(tenantId, user.provider);
  await store.appendAudit(tenantId, {
    actor,
    action: 'tenant.uninstalled',
    details: { keepIndex: options.keepIndex },
  });
  if (options.keepIndex)
    await store.updateTenant(tenantId, {
      status: 'uninstalled',
      statusReason: 'Uninstalled by an admin.',
      settings: {},
    });
  else await store.deleteTenant(tenantId);
}
