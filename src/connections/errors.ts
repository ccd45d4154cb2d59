import { providerName } from './registry.ts';

/**
 * The authorization is gone (revoked, expired, password changed): nothing will work until an admin
 * reconnects. `kind: 'auth'` lets the pipeline's error classification treat it like a provider 401.
 */
export class ReconnectRequiredError extends Error {
  override name = 'ReconnectRequiredError';
  readonly kind = 'auth' as const;
  readonly provider: string;
  constructor(provider: string, detail: string) {
    const name = providerName(provider);
    super(`${name} access is no longer valid (${detail}). An admin needs to reconnect ${name}.`);
    this.provider = provider;
  }
}

export class NotConnectedError extends Error {
  override name = 'NotConnectedError';
  readonly provider: string;
  constructor(provider: string) {
    super(`${providerName(provider)} is not connected for this company yet.`);
    this.provider = provider;
  }
}
