import type { ConnectionProvider, OAuthFlow, ProviderDeps } from '../provider.ts';
import { callbackPath } from '../provider.ts';
import { providerInfo } from '../registry.ts';
import {
  createRingCentralConnector,
  type RingCentralAppConfig,
  type RingCentralConnector,
} from './connector.ts';
import {
  finishRingCentralAuthorization,
  revokeRingCentral,
  startRingCentralAuthorization,
  type RingCentralAuthorization,
} from './oauth.ts';

export type { Platform, RingCentralTokens } from './connector.ts';
export type { RingCentralAuthorization } from './oauth.ts';

/** RingCentral, the source: an admin's OAuth sign-in, and a signed-in platform per company. */
export interface RingCentralProvider
  extends ConnectionProvider<RingCentralAuthorization>, RingCentralConnector {
  readonly id: 'ringcentral';
  readonly flow: OAuthFlow<RingCentralAuthorization>;
}

export function createRingCentralProvider(deps: ProviderDeps): RingCentralProvider {
  const { config } = deps;
  const app: RingCentralAppConfig = {
    server: config.RINGCENTRAL_SERVER,
    clientId: config.RINGCENTRAL_CLIENT_ID,
    clientSecret: config.RINGCENTRAL_CLIENT_SECRET,
    redirectUri: `${config.BASE_URL}${callbackPath('ringcentral')}`,
  };
  const connector = createRingCentralConnector({ ...deps, app });
  return {
    ...providerInfo('ringcentral'),
    ...connector,
    flow: {
      kind: 'oauth',
      start: () => Promise.resolve(startRingCentralAuthorization(app)),
      finish: (code, verifier) => finishRingCentralAuthorization(app, code, verifier),
    },
    async keepAlive(connection) {
      await connector.ensureFresh(connection.tenantId, true);
    },
    revoke: (tokens) => revokeRingCentral(app, tokens),
  };
}
