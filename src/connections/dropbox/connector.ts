import { Dropbox, DropboxAuth, DropboxResponseError } from 'dropbox';
import type { Clock } from '../../lib/clock.ts';
import { nodeHttpFetch } from '../../destinations/dropbox/node-fetch.ts';
import { simulatorFetch } from '../../destinations/dropbox/simulator-fetch.ts';
import type { Store } from '../../store/types.ts';
import { NotConnectedError, ReconnectRequiredError } from '../errors.ts';
import type { RefreshCoordinator } from '../refresh.ts';
import type { Vault } from '../vault.ts';

export interface DropboxTokens {
  access_token: string;
  refresh_token: string;
  /** ms since epoch */
  expires_at: number;
  account_id: string;
  scope?: string;
}

export interface DropboxAppConfig {
  appKey: string;
  appSecret: string;
  redirectUri: string;
  /** When set, every Dropbox host is this URL (the simulator). */
  simulatorUrl?: string;
}

/** What destinations/dropbox needs: run calls with a fresh token, refreshed and retried once on 401. */
export interface DropboxClientAccess {
  call<T>(fn: (client: Dropbox) => Promise<T>): Promise<T>;
}

/** Refresh this long before expiry (the SDK itself would refresh at 5 minutes, uncoordinated). */
const REFRESH_MARGIN_MS = 5 * 60_000;

/**
 * The transport for every Dropbox call: plain node:http(s) rather than the built-in fetch, which
 * copies each 8 MiB upload chunk several times and frees the copies late (see nodeHttpFetch).
 */
export function dropboxFetch(app: Pick<DropboxAppConfig, 'simulatorUrl'>): typeof fetch {
  return app.simulatorUrl ? simulatorFetch(app.simulatorUrl, nodeHttpFetch) : nodeHttpFetch;
}

function isDropboxGrantLost(error: unknown): boolean {
  if (!(error instanceof DropboxResponseError)) return false;
  const body = (error as DropboxResponseError<{ error?: unknown }>).error as
    { error?: unknown } | string | undefined;
  const tag = typeof body === 'object' && body ? body.error : undefined;
  return error.status === 400 && tag === 'invalid_grant';
}

export interface DropboxConnector {
  access(tenantId: string): DropboxClientAccess;
  ensureFresh(tenantId: string, force?: boolean): Promise<DropboxTokens>;
  /** A client on given tokens, for onboarding before anything is stored. */
  clientFor(accessToken: string): Dropbox;
}

export function createDropboxConnector(deps: {
  app: DropboxAppConfig;
  store: Store;
  vault: Vault;
  refresh: RefreshCoordinator;
  clock: Clock;
}): DropboxConnector {
  const { app, store, vault, refresh, clock } = deps;
  const fetchImpl = dropboxFetch(app);

  const clientFor = (accessToken: string, expiresAt?: number) =>
    // No refresh token here: the SDK must never refresh on its own (it would not coordinate).
    new Dropbox({
      accessToken,
      accessTokenExpiresAt: new Date(expiresAt ?? clock.now() + 3_600_000),
      fetch: fetchImpl,
    });

  async function tokens(tenantId: string, stale: string | null, force = false): Promise<DropboxTokens> {
    const conn = await store.getConnection(tenantId, 'dropbox');
    if (!conn) throw new NotConnectedError('dropbox');
    const stored = vault.open<DropboxTokens>(tenantId, 'dropbox', conn.tokenCiphertext);
    const fresh = (b: DropboxTokens) => !force && b.expires_at - REFRESH_MARGIN_MS > clock.now();
    if (stored.access_token !== stale && fresh(stored)) return stored;
    return refresh.run<DropboxTokens>({
      tenantId,
      provider: 'dropbox',
      staleAccessToken: stale ?? (force ? stored.access_token : null),
      accessTokenOf: (b) => b.access_token,
      isFresh: fresh,
      isGrantLost: isDropboxGrantLost,
      async refresh(bundle) {
        const auth = new DropboxAuth({
          clientId: app.appKey,
          clientSecret: app.appSecret,
          refreshToken: bundle.refresh_token,
          fetch: fetchImpl,
        });
        await auth.refreshAccessToken();
        const expiresAt = auth.getAccessTokenExpiresAt().getTime();
        const next: DropboxTokens = { ...bundle, access_token: auth.getAccessToken(), expires_at: expiresAt };
        return { bundle: next, accessExpiresAt: new Date(expiresAt), refreshExpiresAt: null };
      },
    });
  }

  return {
    clientFor: (accessToken) => clientFor(accessToken),
    ensureFresh: (tenantId, force) => tokens(tenantId, null, force),
    access(tenantId) {
      return {
        async call(fn) {
          const current = await tokens(tenantId, null);
          try {
            return await fn(clientFor(current.access_token, current.expires_at));
          } catch (error) {
            if (!(error instanceof DropboxResponseError) || error.status !== 401) throw error;
            // The SDK does not refresh-and-retry on 401; a revoked or clock-skewed token lands here.
            const renewed = await tokens(tenantId, current.access_token, true);
            try {
              return await fn(clientFor(renewed.access_token, renewed.expires_at));
            } catch (retryError) {
              if (retryError instanceof DropboxResponseError && retryError.status === 401)
                throw new ReconnectRequiredError('dropbox', 'Dropbox rejected a freshly refreshed token');
              throw retryError;
            }
          }
        },
      };
    },
  };
}
