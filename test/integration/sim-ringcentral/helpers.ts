/**
 * Shared helpers for the RingCentral simulator tests: start a simulator on free ports, and sign
 * the real @ringcentral/sdk in the way a browser would (consent page POST, code from Location).
 */
import { randomUUID } from 'node:crypto';
import { SDK } from '@ringcentral/sdk';
import {
  startRingCentralSimulator,
  type RcSim,
  type RcSimOptions,
} from '../../../src/sandbox/ringcentral/index.ts';

export const CLIENT = {
  clientId: 'archiver-client',
  clientSecret: 'archiver-secret',
  redirectUri: 'http://localhost:3000/oauth/ringcentral/callback',
};

export type Platform = ReturnType<SDK['platform']>;

export async function startSim(overrides: Partial<RcSimOptions> = {}): Promise<RcSim> {
  return startRingCentralSimulator({
    clients: [
      { clientId: CLIENT.clientId, clientSecret: CLIENT.clientSecret, redirectUris: [CLIENT.redirectUri] },
    ],
    onInternalError: (err) => console.error('simulator internal error', err),
    ...overrides,
  });
}

/** Only the platform base is needed to talk to a simulator, even one in another process. */
export type SimAddress = Pick<RcSim, 'url'>;

export function newSdk(sim: SimAddress, client = CLIENT): SDK {
  return new SDK({
    server: sim.url,
    clientId: client.clientId,
    clientSecret: client.clientSecret,
    redirectUri: client.redirectUri,
    // A unique prefix per instance: SDK instances share storage otherwise.
    cachePrefix: `rc-test-${randomUUID()}-`,
  });
}

/** Posts the consent form as a browser would and returns the redirect's query parameters. */
export async function consent(
  sim: SimAddress,
  loginUrl: string,
  login: string,
  decision: 'allow' | 'deny' = 'allow',
): Promise<{ status: number; location: URL }> {
  const form = new URLSearchParams(new URL(loginUrl).searchParams);
  form.set('login', login);
  form.set('decision', decision);
  const res = await fetch(`${sim.url}/restapi/oauth/authorize`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  const location = res.headers.get('location');
  if (!location) throw new Error(`consent answered ${res.status} without a redirect: ${await res.text()}`);
  return { status: res.status, location: new URL(location) };
}

/** Full PKCE sign-in through the consent page; returns the logged-in platform. */
export async function signIn(sim: SimAddress, login = '101', sdk = newSdk(sim)): Promise<Platform> {
  const platform = sdk.platform();
  const state = randomUUID();
  const loginUrl = platform.loginUrl({ state, usePKCE: true });
  const page = await fetch(loginUrl);
  if (page.status !== 200) throw new Error(`consent page answered ${page.status}`);
  const { location } = await consent(sim, loginUrl, login);
  if (location.searchParams.get('state') !== state) throw new Error('state did not round-trip');
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${location.toString()}`);
  // The verifier stays on the Platform instance that built the login URL.
  await platform.login({ code, code_verifier: platform.codeVerifier });
  return platform;
}

/** The parts of RingCentral's JSON the tests look at. */
export interface ErrorJson {
  errorCode?: string;
  message: string;
  errors: Array<{ errorCode: string; message: string; [key: string]: unknown }>;
  error?: string;
  error_description?: string;
  permissionName?: string;
}

export interface CallJson {
  id: string;
  uri: string;
  startTime: string;
  lastModifiedTime: string;
  type: string;
  direction: string;
  extension: { id: number; uri: string };
  recording?: { id: string; uri: string; type: string; contentUri: string };
  message?: { id: string; type: string; uri: string };
  legs?: unknown[];
}

export interface AttachmentJson {
  id: number;
  uri: string;
  type: string;
  contentType: string;
  size: number;
}

export interface MessageJson {
  id: number;
  uri: string;
  extensionId: string;
  type: string;
  availability: string;
  creationTime: string;
  lastModifiedTime: string;
  attachments: AttachmentJson[];
}

export interface ExtensionJson {
  id: number;
  extensionNumber: string;
  type: string;
  permissions: { admin: { enabled: boolean } };
}

export interface ListJson<T> {
  uri: string;
  records: T[];
  paging: Record<string, number>;
  navigation: { firstPage?: { uri: string }; nextPage?: { uri: string }; previousPage?: { uri: string } };
}

export interface SyncJson<T> {
  uri: string;
  records: T[];
  syncInfo: {
    syncType: string;
    syncToken: string;
    syncTime: string;
    olderRecordsExist?: boolean;
    newerRecordsExist?: boolean;
  };
}

/** Status and parsed body of an SDK call that is expected to fail. */
export async function apiError(
  promise: Promise<unknown>,
): Promise<{ status: number; body: ErrorJson; error: Error }> {
  try {
    await promise;
  } catch (error) {
    const response = (error as { response?: Response }).response;
    if (!response) throw error;
    const body = (await response.clone().json()) as ErrorJson;
    return { status: response.status, body, error: error as Error };
  }
  throw new Error('expected the request to fail');
}

/** GET through the SDK and parse the JSON body as T. */
export async function getJson<T>(
  platform: Platform,
  url: string,
  query?: Record<string, unknown>,
): Promise<T> {
  return (await (await platform.get(url, query)).json()) as T;
}

/** Follows navigation.nextPage until it is absent; returns every record and the page count. */
export async function pageAll<T>(
  platform: Platform,
  path: string,
  query?: Record<string, unknown>,
): Promise<{ records: T[]; pages: number; uris: string[] }> {
  const records: T[] = [];
  const uris: string[] = [];
  let res = await platform.get(path, query);
  for (;;) {
    const body = (await res.json()) as ListJson<T>;
    records.push(...body.records);
    const next = body.navigation.nextPage?.uri;
    if (!next) return { records, pages: uris.length + 1, uris };
    uris.push(next);
    res = await platform.get(next);
  }
}

export const DAY_MS = 86_400_000;
