import { Dropbox, DropboxAuth } from 'dropbox';
import { newState, type Authorization, type AuthorizationStart } from '../provider.ts';
import { dropboxFetch, type DropboxAppConfig, type DropboxTokens } from './connector.ts';

/**
 * The Dropbox half of onboarding: code flow with PKCE and `token_access_type=offline` (a refresh
 * token that lasts until revoked), into the app's own folder (the app is registered with
 * App-folder access, so that is all it can ever touch).
 */

export interface DropboxAuthorization extends Authorization<DropboxTokens> {
  provider: 'dropbox';
  email: string;
  name: string;
}

const newAuth = (app: DropboxAppConfig) =>
  new DropboxAuth({ clientId: app.appKey, clientSecret: app.appSecret, fetch: dropboxFetch(app) });

export async function startDropboxAuthorization(app: DropboxAppConfig): Promise<AuthorizationStart> {
  const auth = newAuth(app);
  const state = newState();
  const sdkUrl = new URL(
    await auth.getAuthenticationUrl(app.redirectUri, state, 'code', 'offline', undefined, 'none', true),
  );
  // The SDK leaves query values unencoded; rebuild the URL properly (and on the simulator's host).
  const url = new URL('/oauth2/authorize', app.simulatorUrl ?? 'https://www.dropbox.com');
  for (const [key, value] of sdkUrl.searchParams) url.searchParams.set(key, value);
  return { url: url.toString(), state, verifier: auth.getCodeVerifier() };
}

export async function finishDropboxAuthorization(
  app: DropboxAppConfig,
  code: string,
  verifier: string,
  now: number,
): Promise<DropboxAuthorization> {
  const auth = newAuth(app);
  auth.setCodeVerifier(verifier);
  const { result } = await auth.getAccessTokenFromCode(app.redirectUri, code);
  const token = result as {
    access_token: string;
    refresh_token?: string;
    expires_in?: number;
    account_id: string;
    scope?: string;
  };
  if (!token.refresh_token) throw new Error('Dropbox did not grant offline access (no refresh token)');
  const client = new Dropbox({
    accessToken: token.access_token,
    accessTokenExpiresAt: new Date(now + (token.expires_in ?? 14_400) * 1000),
    fetch: dropboxFetch(app),
  });
  const { result: account } = await client.usersGetCurrentAccount();
  const expiresAt = now + (token.expires_in ?? 14_400) * 1000;
  return {
    provider: 'dropbox',
    secret: {
      access_token: token.access_token,
      refresh_token: token.refresh_token,
      expires_at: expiresAt,
      account_id: token.account_id,
      scope: token.scope,
    },
    accountId: account.account_id,
    accountLabel: account.email,
    accessExpiresAt: new Date(expiresAt),
    refreshExpiresAt: null,
    email: account.email,
    name: account.name.display_name,
  };
}

/** Revokes the token and with it the refresh token; errors are ignored (the grant may be gone already). */
export async function revokeDropbox(
  app: DropboxAppConfig,
  tokens: DropboxTokens,
  now: number,
): Promise<void> {
  const client = new Dropbox({
    accessToken: tokens.access_token,
    accessTokenExpiresAt: new Date(now + 60_000),
    fetch: dropboxFetch(app),
  });
  await client
    .authTokenRevoke()
    .catch(async () => {
      // An expired access token cannot revoke: refresh once, then revoke with the new one.
      const auth = new DropboxAuth({
        clientId: app.appKey,
        clientSecret: app.appSecret,
        refreshToken: tokens.refresh_token,
        fetch: dropboxFetch(app),
      });
      await auth.refreshAccessToken();
      await new Dropbox({ auth, fetch: dropboxFetch(app) }).authTokenRevoke();
    })
    .catch(() => undefined);
}
