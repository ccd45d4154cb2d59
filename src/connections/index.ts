import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Provider, Store } from '../store/types.ts';
import {
  createDropboxConnector,
  type DropboxAppConfig,
  type DropboxConnector,
  type DropboxTokens,
} from './dropbox.ts';
import {
  finishDropboxAuthorization,
  revokeDropbox,
  startDropboxAuthorization,
  type DropboxAuthorization,
} from './oauth-dropbox.ts';
import {
  finishRingCentralAuthorization,
  revokeRingCentral,
  startRingCentralAuthorization,
  type AuthorizationStart,
  type RingCentralAuthorization,
} from './oauth-ringcentral.ts';
import { createRefreshCoordinator } from './refresh.ts';
import {
  createRingCentralConnector,
  type RingCentralAppConfig,
  type RingCentralConnector,
  type RingCentralTokens,
} from './ringcentral.ts';
import { createVault, type Vault } from './vault.ts';

export type { AuthorizationStart, DropboxAuthorization, RingCentralAuthorization };
export { NotConnectedError, ReconnectRequiredError } from './errors.ts';

export const RINGCENTRAL_CALLBACK_PATH = '/connect/ringcentral/callback';
export const DROPBOX_CALLBACK_PATH = '/connect/dropbox/callback';

/** Everything about the two providers' authorizations: OAuth, the token vault, refresh, revoke. */
export interface Connections {
  vault: Vault;
  ringcentral: RingCentralConnector;
  dropbox: DropboxConnector;
  startRingCentral(): AuthorizationStart;
  finishRingCentral(code: string, verifier: string): Promise<RingCentralAuthorization>;
  startDropbox(): Promise<AuthorizationStart>;
  finishDropbox(code: string, verifier: string): Promise<DropboxAuthorization>;
  saveRingCentral(tenantId: string, auth: RingCentralAuthorization): Promise<void>;
  saveDropbox(tenantId: string, auth: DropboxAuthorization): Promise<void>;
  /** Revokes at the provider (best effort) and forgets the tokens. */
  disconnect(tenantId: string, provider: Provider): Promise<void>;
  /** Discards tokens obtained only to identify a user (a sign-in to an already connected tenant). */
  discardRingCentral(tokens: RingCentralTokens): Promise<void>;
}

export interface ConnectionsDeps {
  config: Pick<
    Config,
    | 'BASE_URL'
    | 'TOKEN_KEYS'
    | 'RINGCENTRAL_SERVER'
    | 'RINGCENTRAL_CLIENT_ID'
    | 'RINGCENTRAL_CLIENT_SECRET'
    | 'DROPBOX_APP_KEY'
    | 'DROPBOX_APP_SECRET'
    | 'DROPBOX_SIMULATOR_URL'
  >;
  store: Store;
  clock: Clock;
  logger: Logger;
  onGrantLost(tenantId: string, provider: Provider, reason: string): Promise<void>;
}

export function createConnections(deps: ConnectionsDeps): Connections {
  const { config, store, clock } = deps;
  const vault = createVault(config.TOKEN_KEYS);
  const rcApp: RingCentralAppConfig = {
    server: config.RINGCENTRAL_SERVER,
    clientId: config.RINGCENTRAL_CLIENT_ID,
    clientSecret: config.RINGCENTRAL_CLIENT_SECRET,
    redirectUri: `${config.BASE_URL}${RINGCENTRAL_CALLBACK_PATH}`,
  };
  const dbxApp: DropboxAppConfig = {
    appKey: config.DROPBOX_APP_KEY,
    appSecret: config.DROPBOX_APP_SECRET,
    redirectUri: `${config.BASE_URL}${DROPBOX_CALLBACK_PATH}`,
    simulatorUrl: config.DROPBOX_SIMULATOR_URL,
  };
  const refresh = createRefreshCoordinator({
    store,
    vault,
    clock,
    logger: deps.logger,
    onGrantLost: (tenantId, provider, reason) => deps.onGrantLost(tenantId, provider, reason),
  });
  const ringcentral = createRingCentralConnector({ app: rcApp, store, vault, refresh, clock });
  const dropbox = createDropboxConnector({ app: dbxApp, store, vault, refresh, clock });

  const seal = (tenantId: string, provider: Provider, value: object) => vault.seal(tenantId, provider, value);

  return {
    vault,
    ringcentral,
    dropbox,
    startRingCentral: () => startRingCentralAuthorization(rcApp),
    finishRingCentral: (code, verifier) => finishRingCentralAuthorization(rcApp, code, verifier),
    startDropbox: () => startDropboxAuthorization(dbxApp),
    finishDropbox: (code, verifier) => finishDropboxAuthorization(dbxApp, code, verifier, clock.now()),

    async saveRingCentral(tenantId, auth) {
      const { sealed, keyId } = seal(tenantId, 'ringcentral', auth.tokens);
      await store.saveConnection({
        tenantId,
        provider: 'ringcentral',
        accountId: auth.accountId,
        accountLabel: `${auth.user.name} (ext. ${auth.user.extensionNumber})`,
        tokenCiphertext: sealed,
        keyId,
        accessExpiresAt: auth.tokens.expire_time ? new Date(auth.tokens.expire_time) : null,
        refreshExpiresAt: auth.tokens.refresh_token_expire_time
          ? new Date(auth.tokens.refresh_token_expire_time)
          : null,
      });
    },

    async saveDropbox(tenantId, auth) {
      const { sealed, keyId } = seal(tenantId, 'dropbox', auth.tokens);
      await store.saveConnection({
        tenantId,
        provider: 'dropbox',
        accountId: auth.accountId,
        accountLabel: auth.email,
        tokenCiphertext: sealed,
        keyId,
        accessExpiresAt: new Date(auth.tokens.expires_at),
        refreshExpiresAt: null,
      });
    },

    async disconnect(tenantId, provider) {
      const conn = await store.getConnection(tenantId, provider);
      if (!conn) return;
      try {
        if (provider === 'ringcentral')
          await revokeRingCentral(
            rcApp,
            vault.open<RingCentralTokens>(tenantId, provider, conn.tokenCiphertext),
          );
        else
          await revokeDropbox(
            dbxApp,
            vault.open<DropboxTokens>(tenantId, provider, conn.tokenCiphertext),
            clock.now(),
          );
      } catch (error) {
        deps.logger.warn(
          { tenantId, provider, err: { message: (error as Error).message } },
          'revoke failed; forgetting tokens anyway',
        );
      }
      await store.deleteConnection(tenantId, provider);
    },

    discardRingCentral: (tokens) => revokeRingCentral(rcApp, tokens),
  };
}
