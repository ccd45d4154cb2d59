import { randomUUID } from 'node:crypto';
import { SDK, type AuthData } from '@ringcentral/sdk';
import type { Clock } from '../../lib/clock.ts';
import type { Store } from '../../store/types.ts';
import { NotConnectedError } from '../errors.ts';
import { MemoryStorage } from './memory-storage.ts';
import type { RefreshCoordinator } from '../refresh.ts';
import type { Vault } from '../vault.ts';

export type Platform = ReturnType<SDK['platform']>;
export type RingCentralTokens = AuthData;

export interface RingCentralAppConfig {
  server: string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/** The SDK refreshes a token it considers within this margin of expiry; so do we. */
const REFRESH_MARGIN_MS = 60_000;

/**
 * A fresh SDK with its own token storage (see MemoryStorage) and no cache wipe on errors.
 *
 * It sends with Node's own fetch instead of the node-fetch 2 the SDK brings: when a server closes
 * the connection before the promised Content-Length, node-fetch's body neither ends nor errors
 * (only the stall timeout of checked-body.ts catches it), while Node's fetch fails the body at once,
 * so a cut download is retried straight away.
 */
export function newRingCentralSdk(app: RingCentralAppConfig): SDK {
  return new SDK({
    fetch: globalThis.fetch,
    Request: globalThis.Request,
    Response: globalThis.Response,
    Headers: globalThis.Headers,
    server: app.server,
    clientId: app.clientId,
    clientSecret: app.clientSecret,
    redirectUri: app.redirectUri,
    cachePrefix: `rc-${randomUUID()}-`,
    localStorage: new MemoryStorage(),
    // We own the tokens: a failed refresh must not erase what we need to decide what happened.
    clearCacheOnRefreshError: false,
    appName: 'call-archive',
    appVersion: '1.0',
  });
}

/** True when RingCentral says the refresh token (and so the whole authorization) is gone. */
function isRingCentralGrantLost(error: unknown): boolean {
  const e = error as { message?: string; response?: { status?: number } } | null;
  const message = e?.message ?? '';
  if (/Refresh token (is missing|has expired)/i.test(message)) return true;
  const status = e?.response?.status;
  return (status === 400 || status === 401) && /invalid_grant|token|revoked|expired|OAU-/i.test(message);
}

export interface RingCentralConnector {
  /**
   * A platform signed in as the tenant's admin connection, or as one more connected user
   * (`connection`: its key, users.ts); refreshes go through the refresh coordinator.
   */
  platform(tenantId: string, connection?: string): Promise<Platform>;
  /** Refreshes now if the access token is near expiry (used by the daily keep-alive). */
  ensureFresh(tenantId: string, force?: boolean, connection?: string): Promise<RingCentralTokens>;
  newSdk(): SDK;
}

export function createRingCentralConnector(deps: {
  app: RingCentralAppConfig;
  store: Store;
  vault: Vault;
  refresh: RefreshCoordinator;
  clock: Clock;
}): RingCentralConnector {
  const { app, store, vault, refresh, clock } = deps;

  /** `callTokenEndpoint` is the SDK's own refresh (not our override), run only by the lease holder. */
  const refreshWith = (
    tenantId: string,
    connection: string,
    platform: Platform,
    callTokenEndpoint: () => Promise<unknown>,
    stale: string | null,
    force = false,
  ) =>
    refresh.run<RingCentralTokens>({
      tenantId,
      provider: connection,
      staleAccessToken: stale,
      accessTokenOf: (b) => b.access_token ?? '',
      isFresh: (b) => !force && (b.expire_time ?? 0) - REFRESH_MARGIN_MS > clock.now(),
      isGrantLost: isRingCentralGrantLost,
      async refresh(bundle) {
        await platform.auth().setData(bundle);
        await callTokenEndpoint();
        const data = await platform.auth().data();
        return {
          bundle: data,
          accessExpiresAt: data.expire_time ? new Date(data.expire_time) : null,
          refreshExpiresAt: data.refresh_token_expire_time ? new Date(data.refresh_token_expire_time) : null,
        };
      },
    });

  async function storedTokens(tenantId: string, connection: string): Promise<RingCentralTokens> {
    const conn = await store.getConnection(tenantId, connection);
    if (!conn) throw new NotConnectedError('ringcentral');
    return vault.open<RingCentralTokens>(tenantId, connection, conn.tokenCiphertext);
  }

  return {
    newSdk: () => newRingCentralSdk(app),

    async platform(tenantId, connection = 'ringcentral') {
      const platform = newRingCentralSdk(app).platform();
      await platform.auth().setData(await storedTokens(tenantId, connection));
      const sdkRefresh = platform.refresh.bind(platform);
      // On a 401 the SDK blanks the access token before refreshing; remember which one was
      // rejected, so the coordinator knows a stored token equal to it is no good either.
      const auth = platform.auth();
      const cancelAccessToken = auth.cancelAccessToken.bind(auth);
      let rejected: string | null = null;
      auth.cancelAccessToken = async () => {
        rejected = (await auth.data()).access_token || null;
        return cancelAccessToken();
      };
      // Every refresh the SDK would start on its own (expiry, or a 401 it retries) comes here
      // instead, so it is coordinated with every other process and persisted.
      platform.refresh = async () => {
        const stale = (await auth.data()).access_token || rejected;
        rejected = null;
        const fresh = await refreshWith(tenantId, connection, platform, sdkRefresh, stale);
        await platform.auth().setData(fresh);
        return new Response(null, { status: 200 });
      };
      return platform;
    },

    async ensureFresh(tenantId, force = false, connection = 'ringcentral') {
      const platform = newRingCentralSdk(app).platform();
      const stored = await storedTokens(tenantId, connection);
      await platform.auth().setData(stored);
      const sdkRefresh = platform.refresh.bind(platform);
      return refreshWith(
        tenantId,
        connection,
        platform,
        sdkRefresh,
        force ? (stored.access_token ?? null) : null,
        force,
      );
    },
  };
}
