import type { ConnectionProvider, OAuthFlow, ProviderDeps } from '../provider.ts';
import { callbackPath } from '../provider.ts';
import { providerInfo } from '../registry.ts';
import { createDropboxConnector, type DropboxAppConfig, type DropboxConnector } from './connector.ts';
import {
  finishDropboxAuthorization,
  revokeDropbox,
  startDropboxAuthorization,
  type DropboxAuthorization,
} from './oauth.ts';

export type { DropboxClientAccess, DropboxTokens } from './connector.ts';
export type { DropboxAuthorization } from './oauth.ts';

/** Dropbox, a destination: OAuth into the app's folder, and a token-fresh client per company. */
export interface DropboxProvider extends ConnectionProvider<DropboxAuthorization>, DropboxConnector {
  readonly id: 'dropbox';
  readonly flow: OAuthFlow<DropboxAuthorization>;
}

export function createDropboxProvider(deps: ProviderDeps): DropboxProvider {
  const { config, clock } = deps;
  const app: DropboxAppConfig = {
    appKey: config.DROPBOX_APP_KEY,
    appSecret: config.DROPBOX_APP_SECRET,
    redirectUri: `${config.BASE_URL}${callbackPath('dropbox')}`,
    simulatorUrl: config.DROPBOX_SIMULATOR_URL,
  };
  const connector = createDropboxConnector({ ...deps, app });
  return {
    ...providerInfo('dropbox'),
    ...connector,
    flow: {
      kind: 'oauth',
      start: () => startDropboxAuthorization(app),
      finish: (code, verifier) => finishDropboxAuthorization(app, code, verifier, clock.now()),
    },
    async keepAlive(connection) {
      await connector.ensureFresh(connection.tenantId, true);
    },
    revoke: (tokens) => revokeDropbox(app, tokens, clock.now()),
  };
}
