import type { Authorization, Connections, RingCentralAuthorization } from '../connections/index.ts';
import { providerIds, providerName } from '../connections/index.ts';
import type { Scheduler } from '../jobs/scheduler.ts';
import type { SubscriptionKeeper } from '../push/subscriptions.ts';
import type { Store, Tenant } from '../store/types.ts';
import { refreshReadiness } from './status.ts';

/**
 * What happens when a RingCentral admin completes the sign-in: a new company is installed, an
 * admin of an installed company signs in (joins), a company that uninstalled comes back, or a
 * company whose RingCentral access was lost is reconnected. Refusals store nothing.
 */

export class NotAdminError extends Error {
  override name = 'NotAdminError';
}

export class MissingPermissionsError extends Error {
  override name = 'MissingPermissionsError';
  readonly missing: string[];
  constructor(missing: string[]) {
    super(`The RingCentral app was not granted: ${missing.join(', ')}`);
    this.missing = missing;
  }
}

type SignInOutcome = 'installed' | 'signed-in' | 'reconnected' | 'reinstalled';

export interface TenantDeps {
  store: Store;
  connections: Connections;
  scheduler: Scheduler;
  /** Push subscriptions at RingCentral: deleted while the authorization still works. */
  subscriptions: Pick<SubscriptionKeeper, 'removeAll' | 'enabled'>;
}

export async function signInWithRingCentral(
  deps: TenantDeps,
  auth: RingCentralAuthorization,
): Promise<{ tenant: Tenant; outcome: SignInOutcome }> {
  const { store, connections } = deps;
  if (!auth.user.admin) {
    await connections.discard(auth);
    throw new NotAdminError(`${auth.user.name} is not a RingCentral administrator`);
  }
  if (auth.missingPermissions.length) {
    await connections.discard(auth);
    throw new MissingPermissionsError(auth.missingPermissions);
  }

  const actor = `ringcentral:${auth.user.extensionId}`;
  const existing = await store.getTenant(auth.accountId);
  let outcome: SignInOutcome;
  if (!existing) {
    await store.createTenant({
      id: auth.accountId,
      companyName: auth.companyName,
      installedBy: { extensionId: auth.user.extensionId, name: auth.user.name, email: auth.user.email },
      settings: {},
    });
    await connections.save(auth.accountId, auth);
    outcome = 'installed';
  } else if (existing.status === 'uninstalled') {
    await store.updateTenant(auth.accountId, {
      companyName: auth.companyName,
      installedBy: { extensionId: auth.user.extensionId, name: auth.user.name, email: auth.user.email },
      settings: {},
    });
    await connections.save(auth.accountId, auth);
    outcome = 'reinstalled';
  } else if (
    !(await store.getConnection(auth.accountId, 'ringcentral')) ||
    existing.status === 'needs_reconnect'
  ) {
    // The stored authorization is missing or dead: this admin's sign-in becomes the connection.
    await connections.save(auth.accountId, auth);
    outcome = 'reconnected';
  } else {
    // A healthy connection exists; this sign-in only proves who the admin is.
    await connections.discard(auth);
    outcome = 'signed-in';
  }
  if (outcome !== 'signed-in')
    await store.appendAudit(auth.accountId, {
      actor,
      action: `ringcentral.${outcome}`,
      details: { companyName: auth.companyName, user: auth.user.name },
    });
  const tenant = await afterConnectionChange(deps, auth.accountId);
  return { tenant, outcome };
}

/**
 * A company archives into one destination: connecting one (Dropbox, an SFTP server) replaces the
 * one it had, whose grant is revoked first, unless it is the same account connected again.
 */
export async function connectDestination(
  deps: TenantDeps,
  tenantId: string,
  auth: Authorization,
  actor: string,
): Promise<Tenant> {
  for (const id of providerIds('destination')) {
    const previous = await deps.store.getConnection(tenantId, id);
    if (previous && (id !== auth.provider || previous.accountId !== auth.accountId))
      await deps.connections.disconnect(tenantId, id);
  }
  await deps.connections.save(tenantId, auth);
  await deps.store.appendAudit(tenantId, {
    actor,
    action: `${auth.provider}.connected`,
    details: { account: auth.accountLabel },
  });
  return afterConnectionChange(deps, tenantId);
}

/**
 * Disconnects the company's destination (revoking its grant); backups wait for a new one, and so
 * do notifications (its subscriptions are deleted; the first run after a reconnect makes new ones).
 */
export async function disconnectDestination(
  deps: TenantDeps,
  tenantId: string,
  provider: string,
  actor: string,
): Promise<Tenant> {
  if (!providerIds('destination').some((id) => id === provider))
    throw new Error(`${providerName(provider)} is not a destination`);
  await deps.subscriptions.removeAll(tenantId);
  await deps.connections.disconnect(tenantId, provider);
  await deps.store.appendAudit(tenantId, { actor, action: `${provider}.disconnected`, details: {} });
  return afterConnectionChange(deps, tenantId);
}

/**
 * Status follows the connections; a tenant with both gets its hourly job (first run right away,
 * labelled "first"). A tenant that was waiting for a reconnect runs right away too ("reconnect"),
 * instead of at its next hourly slot: what arrived while it was stopped is waiting, and recordings
 * age towards deletion.
 */
async function afterConnectionChange(deps: TenantDeps, tenantId: string): Promise<Tenant> {
  const wasActive = (await deps.store.getTenant(tenantId))?.status === 'active';
  const tenant = await refreshReadiness(deps.store, tenantId);
  if (!tenant) throw new Error(`tenant ${tenantId} vanished`);
  if (tenant.status !== 'active') return tenant;
  if (wasActive) await deps.scheduler.scheduleTenant(tenantId);
  else {
    const ranBefore = (await deps.store.listRuns(tenantId, { limit: 1 })).items.length > 0;
    await deps.scheduler.runNow(tenantId, ranBefore ? 'reconnect' : 'first');
  }
  return tenant;
}
