/**
 * Starts the RingCentral simulator with the app's test credentials and signs the real
 * @ringcentral/sdk in the way a browser would: consent page, POST of the consent form, code from
 * the redirect, PKCE token exchange.
 */
import { randomUUID } from 'node:crypto';
import { SDK } from '@ringcentral/sdk';
import type { Platform } from '../../src/archive/sources/api.ts';
import {
  startRingCentralSimulator,
  type RcSim,
  type RcSimOptions,
} from '../../src/sandbox/ringcentral/index.ts';
import { TEST_CREDENTIALS } from './config.ts';

const REDIRECT_URI = 'http://localhost:3000/oauth/ringcentral/callback';

export async function startTestSimulator(options: Omit<RcSimOptions, 'clients'>): Promise<RcSim> {
  return startRingCentralSimulator({
    clients: [
      {
        clientId: TEST_CREDENTIALS.RINGCENTRAL_CLIENT_ID,
        clientSecret: TEST_CREDENTIALS.RINGCENTRAL_CLIENT_SECRET,
        redirectUris: [REDIRECT_URI],
      },
    ],
    onInternalError: (err) => console.error('RingCentral simulator internal error', err),
    ...options,
  });
}

/** A signed-in Platform for the extension `login` (101 is the account's admin). */
export async function signInToSimulator(sim: RcSim, login = '101'): Promise<Platform> {
  const platform = new SDK({
    server: sim.url,
    clientId: TEST_CREDENTIALS.RINGCENTRAL_CLIENT_ID,
    clientSecret: TEST_CREDENTIALS.RINGCENTRAL_CLIENT_SECRET,
    redirectUri: REDIRECT_URI,
    // SDK instances share token storage unless each has its own prefix.
    cachePrefix: `rc-test-${randomUUID()}-`,
    clearCacheOnRefreshError: false,
  }).platform();
  const state = randomUUID();
  const loginUrl = platform.loginUrl({ state, usePKCE: true });
  const form = new URLSearchParams(new URL(loginUrl).searchParams);
  form.set('login', login);
  form.set('decision', 'allow');
  const consent = await fetch(`${sim.url}/restapi/oauth/authorize`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const location = consent.headers.get('location');
  if (!location) throw new Error(`consent answered ${consent.status} without a redirect`);
  const redirect = new URL(location);
  const code = redirect.searchParams.get('code');
  if (redirect.searchParams.get('state') !== state || !code) {
    throw new Error('the consent redirect did not carry the state and a code');
  }
  await platform.login({ code, code_verifier: platform.codeVerifier });
  return platform;
}
