import type { ConnectionProvider, OAuthFlow, ProviderDeps } from '../provider.ts';
import { callbackPath } from '../provider.ts';
import { providerInfo } from '../registry.ts';
import {
  createRingCentralConnector,
  type RingCentralAppConfig,
  type RingCentralConnector,
  type RingCentralTokens,
} from './connector.ts';
import {
  finishRingCentralAuthorization,
  missingCompanyAccess,
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
  /** The user permission these tokens lack for the company call log and recordings, or null. */
  missingCompanyAccess(tokens: RingCentralTokens): Promise<string | null>;
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
      await connector.ensureFresh(connection.tenantId, true, connection.provider);
    },
    revoke: (tokens) => revokeRingCentral(app, tokens),
    missingCompanyAccess: (tokens) => missingCompanyAccess(app, tokens),
  };
}
