import { newState, type Authorization, type AuthorizationStart } from '../provider.ts';
import type { RingCentralAppConfig, RingCentralTokens } from './connector.ts';
import { newRingCentralSdk } from './connector.ts';

/**
 * The RingCentral half of onboarding: an authorization-code flow with PKCE. The caller keeps
 * `state` and `verifier` in the user's session (single use) and passes them back on the callback.
 */

/** App permissions archiving needs, as RingCentral names them in the token's `scope`. */
export const REQUIRED_RINGCENTRAL_PERMISSIONS = [
  'ReadAccounts',
  'ReadCallLog',
  'ReadCallRecording',
  'ReadMessages',
];

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
    platform.get('/restapi/v1.0/account/~').then((r) => r.json() as Promise<AccountJson>),
    platform.get('/restapi/v1.0/account/~/extension/~').then((r) => r.json() as Promise<ExtensionJson>),
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

/** Ends the RingCentral session behind these tokens (revoke); errors are ignored as RingCentral advises. */
export async function revokeRingCentral(app: RingCentralAppConfig, tokens: RingCentralTokens): Promise<void> {
  const platform = newRingCentralSdk(app).platform();
  await platform.auth().setData(tokens);
  await platform.logout().catch(() => undefined);
}
