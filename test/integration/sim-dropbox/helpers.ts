import { Dropbox, DropboxResponseError } from 'dropbox';
import { simulatorFetch } from '../../../src/destinations/dropbox/simulator-fetch.ts';
import {
  startDropboxSimulator,
  type DropboxSim,
  type DropboxSimOptions,
} from '../../../src/sandbox/dropbox/index.ts';

/** Shared setup for the Dropbox simulator's integration tests: one app, real SDK clients. */

export const APP = {
  appKey: 'sim-app-key',
  appSecret: 'sim-app-secret',
  redirectUris: ['http://localhost:3000/oauth/dropbox/callback'],
};
export const REDIRECT_URI = APP.redirectUris[0]!;

export function startSim(options: Partial<DropboxSimOptions> = {}): Promise<DropboxSim> {
  return startDropboxSimulator({ apps: [APP], ...options });
}

/** A real SDK client for an account, with tokens issued by the simulator (no consent page). */
export async function clientFor(sim: DropboxSim, email: string): Promise<Dropbox> {
  const tokens = await sim.issueTokens(email);
  return new Dropbox({
    accessToken: tokens.access_token as string,
    refreshToken: tokens.refresh_token as string,
    clientId: APP.appKey,
    clientSecret: APP.appSecret,
    accessTokenExpiresAt: new Date(sim.now() + (tokens.expires_in as number) * 1000),
    fetch: simulatorFetch(sim.url),
  });
}

/** An error body as the SDK parses it: JSON (typed as loosely as JSON.parse's result) or plain text. */
export type ErrorBody = ReturnType<typeof JSON.parse>;

/** The DropboxResponseError a call rejects with (fails the test if it resolves). */
export async function dropboxError(call: Promise<unknown>): Promise<DropboxResponseError<ErrorBody>> {
  try {
    await call;
  } catch (error) {
    if (error instanceof DropboxResponseError) return error;
    throw error;
  }
  throw new Error('expected the call to fail');
}

/** Bytes of a pseudo-random but repeatable pattern. */
export function patternBytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < size; i += 1) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

/** Calls a simulator route directly (for what the SDK cannot send). */
export async function raw(sim: DropboxSim, path: string, init: RequestInit = {}): Promise<Response> {
  return fetch(`${sim.url}${path}`, init);
}
