import { setTimeout as sleep } from 'node:timers/promises';
import { passingFailure } from '../errors.ts';
import { newState, type Authorization, type AuthorizationStart } from '../provider.ts';
import type { RingCentralAppConfig, RingCentralTokens } from './connector.ts';
import { newRingCentralSdk } from './connector.ts';

/**
 * The RingCentral half of onboarding: an authorization-code flow with PKCE. The caller keeps
 * `state` and `verifier` in the user's session (single use) and passes them back on the callback.
 */

/** App permissions archiving needs, as RingCentral names them in the token's `scope`. */
const REQUIRED_RINGCENTRAL_PERMISSIONS = ['ReadAccounts', 'ReadCallLog', 'ReadCallRecording', 'ReadMessages'];

export interface RingCentralAuthorization extends Authorization<RingCentralTokens> {
  provider: 'ringcentral';
  companyName: string;
  user: { extensionId: string; extensionNumber: string; name: string; email?: string; admin: boolean };
  grantedPermissions: string[];
  missingPermissions: string[];
}

export function startRingCentralAuthorization(app: RingCentralAppConfig): AuthorizationStart {
  const platform = newRingCentralSdk(app).platform();
  const state = newState();
  const url = platform.loginUrl({ state, usePKCE: true, redirectUri: app.redirectUri });
  return { url, state, verifier: platform.codeVerifier };
}

interface AccountJson {
  id?: string | number;
  mainNumber?: string;
}
interface ExtensionJson {
  id?: string | number;
  extensionNumber?: string;
  name?: string;
  contact?: { email?: string; company?: string; firstName?: string; lastName?: string };
  permissions?: { admin?: { enabled?: boolean } };
}

/** Exchanges the code, then reads who signed in and for which company. Stores nothing. */
export async function finishRingCentralAuthorization(
  app: RingCentralAppConfig,
  code: string,
  verifier: string,
): Promise<RingCentralAuthorization> {
  const platform = newRingCentralSdk(app).platform();
  await platform.login({ code, code_verifier: verifier, redirect_uri: app.redirectUri });
  const tokens = await platform.auth().data();
  const [account, extension] = await Promise.all([
    readPatiently(() =>
      platform.get('/restapi/v1.0/account/~').then((r) => r.json() as Promise<AccountJson>),
    ),
    readPatiently(() =>
      platform.get('/restapi/v1.0/account/~/extension/~').then((r) => r.json() as Promise<ExtensionJson>),
    ),
  ]);
  const granted = (tokens.scope ?? '').split(/\s+/).filter(Boolean);
  // RingCentral keeps the company name on the users' contact records and the business address.
  const companyName =
    extension.contact?.company?.trim() ||
    (await platform
      .get('/restapi/v1.0/account/~/business-address')
      .then((r) => r.json() as Promise<{ company?: string }>)
      .then((a) => a.company?.trim())
      .catch(() => undefined)) ||
    `RingCentral account ${String(account.id)}`;
  const name =
    extension.name ?? [extension.contact?.firstName, extension.contact?.lastName].filter(Boolean).join(' ');
  const user = {
    extensionId: String(extension.id),
    extensionNumber: extension.extensionNumber ?? '',
    name: name || `Extension ${extension.extensionNumber ?? ''}`.trim(),
    email: extension.contact?.email,
    admin: extension.permissions?.admin?.enabled === true,
  };
  return {
    provider: 'ringcentral',
    secret: tokens,
    accountId: String(account.id),
    accountLabel: `${user.name} (ext. ${user.extensionNumber})`,
    accessExpiresAt: tokens.expire_time ? new Date(tokens.expire_time) : null,
    refreshExpiresAt: tokens.refresh_token_expire_time ? new Date(tokens.refresh_token_expire_time) : null,
    companyName,
    user,
    grantedPermissions: granted,
    missingPermissions: REQUIRED_RINGCENTRAL_PERMISSIONS.filter((p) => !granted.includes(p)),
  };
}

/**
 * The code is spent once exchanged, so a read that meets a passing failure (a 429, a 5xx, a network
 * error) is tried again rather than sending the admin back to the start: up to three attempts,
 * each after RingCentral's Retry-After (1 s without one), while the admin's page waits. A longer
 * Retry-After is not waited out here, nor cut short (a request during a penalty restarts it): the
 * page passes it on and asks the admin to come back then.
 */
async function readPatiently<T>(read: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await read();
    } catch (error) {
      const passing = passingFailure(error);
      const waitSeconds = passing?.retryAfterSeconds ?? 1;
      if (!passing || attempt >= 3 || waitSeconds > 5) throw error;
      await sleep(waitSeconds * 1000);
    }
  }
}

/** Ends the RingCentral session behind these tokens (revoke); errors are ignored as RingCentral advises. */
export async function revokeRingCentral(app: RingCentralAppConfig, tokens: RingCentralTokens): Promise<void> {
  const platform = newRingCentralSdk(app).platform();
  await platform.auth().setData(tokens);
  await platform.logout().catch(() => undefined);
}

/**
 * The user permissions one more connected user needs to share the archive's work: the company call
 * log and every user's recordings (the OpenAPI spec's x-user-permission of readCompanyCallLog and
 * readCallRecordingContent). RingCentral's Super Admin role has both.
 */
export const SHARED_WORK_PERMISSIONS = ['FullCompanyCallLog', 'ReadCallRecording'];

/**
 * Whether these tokens may read the company call log, asked of RingCentral itself with one record
 * (one Heavy request of the user's own budget): the user permission it refused, or null when it
 * answered. Anything other than a 403 is thrown.
 */
export async function missingCompanyAccess(
  app: RingCentralAppConfig,
  tokens: RingCentralTokens,
): Promise<string | null> {
  const platform = newRingCentralSdk(app).platform();
  await platform.auth().setData(tokens);
  try {
    await platform.get('/restapi/v1.0/account/~/call-log', { perPage: 1, view: 'Simple' });
    return null;
  } catch (error) {
    const response = (error as { response?: Response }).response;
    if (response?.status !== 403) throw error;
    // RingCentral names the permission in the body and in the message ("... have [X] permission").
    const named = /\[([A-Za-z]+)\] permission/.exec((error as Error).message)?.[1];
    let body: { permissionName?: string; errors?: Array<{ permissionName?: string }> } = {};
    try {
      body = (await response.clone().json()) as typeof body;
    } catch {
      // The SDK may have read the body already: the message still names the permission.
    }
    return body.errors?.[0]?.permissionName ?? body.permissionName ?? named ?? 'FullCompanyCallLog';
  }
}
