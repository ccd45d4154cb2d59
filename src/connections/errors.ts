import { isUnreachable } from '../lib/patiently.ts';
import { retryAfterMs } from '../lib/rate-limiter.ts';
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

/**
 * Whether a provider's failure is passing (a rate limit, a 5xx, a network error) rather than a
 * refusal: the sign-in pages then say "try again in a minute" instead of blaming the
 * authorization. Reads both SDKs' error shapes: RingCentral's carries the fetch `response`,
 * Dropbox's the `status` and `headers`. `retryAfterSeconds` is the provider's Retry-After, if any.
 */
export function passingFailure(error: unknown): { retryAfterSeconds: number | null } | null {
  const e = (error ?? {}) as {
    status?: unknown;
    headers?: unknown;
    response?: { status?: unknown; headers?: { get?: (name: string) => string | null } };
  };
  const status = typeof e.response?.status === 'number' ? e.response.status : e.status;
  if (typeof status === 'number') {
    if (status !== 429 && status < 500) return null;
    return { retryAfterSeconds: retryAfterOf(e) };
  }
  // undici's fetch fails with "fetch failed" whatever broke; the cause says what, when it can.
  const networkDown =
    isUnreachable(error) || (error instanceof TypeError && error.message === 'fetch failed');
  return networkDown ? { retryAfterSeconds: null } : null;
}

function retryAfterOf(e: {
  headers?: unknown;
  response?: { headers?: { get?: (name: string) => string | null } };
}): number | null {
  let raw: unknown = e.response?.headers?.get?.('retry-after');
  if (raw === undefined && e.headers instanceof Headers) raw = e.headers.get('retry-after');
  else if (raw === undefined && typeof e.headers === 'object' && e.headers !== null)
    raw = (e.headers as Record<string, unknown>)['retry-after'];
  if (typeof raw !== 'string' && typeof raw !== 'number') return null;
  const ms = retryAfterMs(String(raw), Date.now());
  return ms === null ? null : ms / 1000;
}
