import type { Provider } from '../store/types.ts';

const PROVIDER_NAME: Record<Provider, string> = { ringcentral: 'RingCentral', dropbox: 'Dropbox' };

/**
 * The authorization is gone (revoked, expired, password changed): nothing will work until an admin
 * reconnects. `kind: 'auth'` lets the pipeline's error classification treat it like a provider 401.
 */
export class ReconnectRequiredError extends Error {
  override name = 'ReconnectRequiredError';
  readonly kind = 'auth' as const;
  readonly provider: Provider;
  constructor(provider: Provider, detail: string) {
    super(
      `${PROVIDER_NAME[provider]} access is no longer valid (${detail}). An admin needs to reconnect ${PROVIDER_NAME[provider]}.`,
    );
    this.provider = provider;
  }
}

export class NotConnectedError extends Error {
  override name = 'NotConnectedError';
  readonly provider: Provider;
  constructor(provider: Provider) {
    super(`${PROVIDER_NAME[provider]} is not connected for this company yet.`);
    this.provider = provider;
  }
}

export function providerName(provider: Provider): string {
  return PROVIDER_NAME[provider];
}
