import type { Config } from '../config.ts';
import type { Clock } from '../lib/clock.ts';
import { errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Store } from '../store/types.ts';
import { createDropboxProvider } from './dropbox/index.ts';
import type { Authorization, ConnectionProvider, ProviderDeps } from './provider.ts';
import { createRefreshCoordinator } from './refresh.ts';
import { PROVIDERS, type ProviderId } from './registry.ts';
import { createRingCentralProvider } from './ringcentral/index.ts';
import { createSftpProvider } from './sftp/index.ts';
import { providerOfConnection } from './ringcentral/users.ts';
import { createVault, type Vault } from './vault.ts';

export type {
  DropboxAuthorization,
  DropboxClientAccess,
  DropboxProvider,
  DropboxTokens,
} from './dropbox/index.ts';
export type {
  Platform,
  RingCentralAuthorization,
  RingCentralProvider,
  RingCentralTokens,
} from './ringcentral/index.ts';
export type {
  Authorization,
  AuthorizationStart,
  ConnectionProvider,
  FormField,
  FormFlow,
  OAuthFlow,
  ProviderRole,
} from './provider.ts';
export { callbackPath, ConnectionRefused } from './provider.ts';
export { providerIds, providerName } from './registry.ts';
export { NotConnectedError, passingFailure, ReconnectRequiredError } from './errors.ts';
export {
  clearUserLost,
  listUserConnections,
  lostUsers,
  markUserLost,
  providerOfConnection,
  userConnectionKey,
  userOfConnection,
  type LostUsers,
} from './ringcentral/users.ts';
export { SHARED_WORK_PERMISSIONS } from './ringcentral/oauth.ts';

/** How each registered provider is built (one entry per line of PROVIDERS in registry.ts). */
const FACTORIES = {
  ringcentral: createRingCentralProvider,
  dropbox: createDropboxProvider,
  sftp: createSftpProvider,
} satisfies { [K in ProviderId]: (deps: ProviderDeps) => ConnectionProvider & { id: K } };

type KnownProviders = { [K in ProviderId]: ReturnType<(typeof FACTORIES)[K]> };

/** Every provider's authorizations: connect flows, the token vault, refresh, revoke, keep-alive. */
export interface Connections {
  vault: Vault;
  /** The registered provider with this id (typed for the known ones); throws for an unknown id. */
  provider<K extends ProviderId>(id: K): KnownProviders[K];
  /** A provider by an id that came from outside (a URL): null when unknown. */
  find(id: string): ConnectionProvider | null;
  /** The provider of a stored connection, by its key ("ringcentral:<user>" is RingCentral's). */
  ofConnection(key: string): ConnectionProvider | null;
  /** Every registered provider, in registry order. */
  all(): readonly ConnectionProvider[];
  /**
   * Seals and stores a finished authorization as the tenant's connection to its provider, or
   * under `key` (one more RingCentral user: "ringcentral:<extension id>").
   */
  save(tenantId: string, auth: Authorization, key?: string): Promise<void>;
  /** Revokes at the provider (best effort) and forgets the connection (by provider id or key). */
  disconnect(tenantId: string, provider: string): Promise<void>;
  /** Ends a grant obtained only to identify someone (nothing was stored), best effort. */
  discard(auth: Authorization): Promise<void>;
}

interface ConnectionsDeps {
  config: Config;
  store: Store;
  clock: Clock;
  logger: Logger;
  onGrantLost(tenantId: string, provider: string, reason: string): Promise<void>;
}

export function createConnections(deps: ConnectionsDeps): Connections {
  const { config, store, clock, logger } = deps;
  const vault = createVault(config.TOKEN_KEYS);
  const refresh = createRefreshCoordinator({
    store,
    vault,
    clock,
    logger,
    onGrantLost: (tenantId, provider, reason) => deps.onGrantLost(tenantId, provider, reason),
  });
  const providerDeps: ProviderDeps = { config, store, vault, refresh, clock, logger };
  const built = PROVIDERS.map((p) => FACTORIES[p.id](providerDeps) as ConnectionProvider);
  const byId = new Map(built.map((p) => [p.id, p]));

  const find = (id: string) => byId.get(id) ?? null;
  const ofConnection = (key: string) => find(providerOfConnection(key));
  const revokeQuietly = async (provider: ConnectionProvider, secret: object, tenantId: string | null) => {
    try {
      await provider.revoke?.(secret);
    } catch (error) {
      logger.warn(
        { tenantId, provider: provider.id, err: { message: errorMessage(error) } },
        'revoke failed; forgetting the credentials anyway',
      );
    }
  };

  return {
    vault,
    provider<K extends ProviderId>(id: K) {
      const provider = byId.get(id);
      if (!provider) throw new Error(`No provider "${id}" is registered`);
      return provider as KnownProviders[K];
    },
    find,
    ofConnection,
    all: () => built,

    async save(tenantId, auth, key = auth.provider) {
      if (ofConnection(key)?.id !== auth.provider)
        throw new Error(`"${key}" is no connection of the provider "${auth.provider}"`);
      const { sealed, keyId } = vault.seal(tenantId, key, auth.secret);
      await store.saveConnection({
        tenantId,
        provider: key,
        accountId: auth.accountId,
        accountLabel: auth.accountLabel,
        tokenCiphertext: sealed,
        keyId,
        accessExpiresAt: auth.accessExpiresAt,
        refreshExpiresAt: auth.refreshExpiresAt,
      });
    },

    async disconnect(tenantId, providerId) {
      const conn = await store.getConnection(tenantId, providerId);
      if (!conn) return;
      const provider = ofConnection(providerId);
      if (provider?.revoke) {
        let secret: object | null = null;
        try {
          secret = vault.open<object>(tenantId, providerId, conn.tokenCiphertext);
        } catch (error) {
          logger.warn(
            { tenantId, provider: providerId, err: { message: errorMessage(error) } },
            'stored credentials unreadable; forgetting them without a revoke',
          );
        }
        if (secret) await revokeQuietly(provider, secret, tenantId);
      }
      await store.deleteConnection(tenantId, providerId);
    },

    async discard(auth) {
      const provider = find(auth.provider);
      if (provider) await revokeQuietly(provider, auth.secret, null);
    },
  };
}
