import {
  clearUserLost,
  listUserConnections,
  userConnectionKey,
  type Connections,
  type RingCentralAuthorization,
  type RingCentralTokens,
} from '../connections/index.ts';
import type { Store } from '../store/types.ts';

/**
 * More RingCentral users of the company share the archive's work: RingCentral counts rate limits
 * per user and app, so each connected user brings a Heavy budget of its own (14,400 recording
 * downloads a day at 10 per 60 s). An admin adds one through the same OAuth sign-in; it is refused,
 * with nothing stored and the grant ended, when the user belongs to another RingCentral account,
 * lacks the permissions for the company call log and recordings, or is connected already.
 */

export type AddUserRefusal = 'other-account' | 'missing-role' | 'already-connected';

export class AddUserRefused extends Error {
  override name = 'AddUserRefused';
  readonly refusal: AddUserRefusal;
  /** The user permission RingCentral refused (missing-role). */
  readonly permission: string | null;
  constructor(refusal: AddUserRefusal, message: string, permission: string | null = null) {
    super(message);
    this.refusal = refusal;
    this.permission = permission;
  }
}

export interface UsersDeps {
  store: Store;
  connections: Connections;
}

/** Adds the signed-in RingCentral user to the company's connected users; returns its label. */
export async function addRingCentralUser(
  deps: UsersDeps,
  tenantId: string,
  auth: RingCentralAuthorization,
  actor: string,
): Promise<string> {
  const { store, connections } = deps;
  const refuse = async (error: AddUserRefused): Promise<never> => {
    await connections.discard(auth);
    throw error;
  };
  if (auth.accountId !== tenantId)
    return refuse(
      new AddUserRefused(
        'other-account',
        `${auth.accountLabel} belongs to another RingCentral account. Only users of this company's account can share its work.`,
      ),
    );
  const extensionId = auth.user.extensionId;
  const admin = await store.getConnection(tenantId, 'ringcentral');
  const adminUser = admin
    ? connections.vault.open<RingCentralTokens>(tenantId, 'ringcentral', admin.tokenCiphertext).owner_id
    : undefined;
  if (
    String(adminUser) === extensionId ||
    (await store.getConnection(tenantId, userConnectionKey(extensionId)))
  )
    return refuse(
      new AddUserRefused(
        'already-connected',
        `${auth.accountLabel} is connected already${String(adminUser) === extensionId ? ' (as the company’s own connection)' : ''}. Sign in as another RingCentral user.`,
      ),
    );
  const missing = await connections.provider('ringcentral').missingCompanyAccess(auth.secret);
  if (missing)
    return refuse(
      new AddUserRefused(
        'missing-role',
        `${auth.accountLabel} has no role that may read the company call log and recordings: RingCentral refused the ${missing} permission. Give the user a role with the Full Company Call Log and Read Call Recording permissions (Super Admin has them), or add another user.`,
        missing,
      ),
    );
  await connections.save(tenantId, auth, userConnectionKey(extensionId));
  await clearUserLost(store, tenantId, extensionId);
  await store.appendAudit(tenantId, {
    actor,
    action: 'ringcentral.user-added',
    details: { user: auth.accountLabel, extensionId },
  });
  return auth.accountLabel;
}

/** Removes one connected user: its grant is revoked at RingCentral and its tokens forgotten. */
export async function removeRingCentralUser(
  deps: UsersDeps,
  tenantId: string,
  extensionId: string,
  actor: string,
): Promise<string | null> {
  const { store, connections } = deps;
  const key = userConnectionKey(extensionId);
  const connection = await store.getConnection(tenantId, key);
  if (!connection) return null;
  await connections.disconnect(tenantId, key);
  await clearUserLost(store, tenantId, extensionId);
  await store.appendAudit(tenantId, {
    actor,
    action: 'ringcentral.user-removed',
    details: { user: connection.accountLabel, extensionId },
  });
  return connection.accountLabel;
}

export { listUserConnections };
