/**
 * OAuth as RingCentral documents it: consent page, codes, PKCE, lifetimes and TTL clamping,
 * refresh-token rotation with its grace rules (driven by the simulator clock, never by sleeping),
 * revocation, error bodies, and per-tenant isolation of two SDK instances.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import {
  apiError,
  CLIENT,
  consent,
  getJson,
  newSdk,
  signIn,
  startSim,
  type ErrorJson,
  type ExtensionJson,
} from './helpers.ts';

const basic = `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`;

interface TokenJson {
  access_token: string;
  refresh_token: string;
  expires_in: number;
  refresh_token_expires_in: number;
  scope: string;
  owner_id: string;
  endpoint_id: string;
  session_id: string;
  token_type: string;
}

async function token(
  sim: RcSim,
  fields: Record<string, string>,
  auth: string | null = basic,
): Promise<{ status: number; body: TokenJson & ErrorJson }> {
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (auth) headers.Authorization = auth;
  const res = await fetch(`${sim.url}/restapi/oauth/token`, {
    method: 'POST',
    headers,
    body: new URLSearchParams(fields),
  });
  return { status: res.status, body: (await res.json()) as TokenJson & ErrorJson };
}

async function apiStatus(sim: RcSim, accessToken: string): Promise<{ status: number; body: ErrorJson }> {
  const res = await fetch(`${sim.url}/restapi/v1.0/account/~/extension/~`, {
    headers: { Authorization: `Bearer ${accessToken}` },
  });
  return { status: res.status, body: (await res.json()) as ErrorJson };
}

/** A fresh session by hand: consent, then the code grant, returning the raw token response. */
async function codeGrant(sim: RcSim, login = '101'): Promise<TokenJson> {
  const platform = newSdk(sim).platform();
  const url = platform.loginUrl({ state: 's', usePKCE: true });
  const { location } = await consent(sim, url, login);
  const { status, body } = await token(sim, {
    grant_type: 'authorization_code',
    code: location.searchParams.get('code')!,
    redirect_uri: CLIENT.redirectUri,
    code_verifier: platform.codeVerifier,
  });
  expect(status).toBe(200);
  return body;
}

let sim: RcSim;

beforeAll(async () => {
  sim = await startSim({
    accounts: [
      { seed: 1, extensions: 5, days: 1 },
      { seed: 2, extensions: 5, days: 1, companyName: 'Second Co' },
    ],
    // Token tests make many Auth requests; the limiter itself is tested elsewhere.
    limits: { Auth: 10_000 },
  });
});

afterAll(async () => {
  await sim.close();
});

describe('authorization', () => {
  it('shows a consent page listing the users and keeping the parameters in hidden fields', async () => {
    const url = newSdk(sim).platform().loginUrl({ state: 'xyz', usePKCE: true });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const html = await res.text();
    expect(html).toContain('name="decision" value="allow"');
    expect(html).toContain('name="decision" value="deny"');
    expect(html).toContain('<input type="hidden" name="state" value="xyz">');
    expect(html).toContain('<code>101</code>');
    // The SDK's empty parameters (brand_id= and friends) are dropped, not echoed.
    expect(html).not.toContain('name="brand_id"');
  });

  it('signs the SDK in with PKCE and returns the documented token fields', async () => {
    const platform = await signIn(sim, '101');
    const data = await platform.auth().data();
    expect(data.token_type).toBe('bearer');
    expect(Number(data.expires_in)).toBe(3600);
    expect(Number(data.refresh_token_expires_in)).toBe(604_800);
    expect(data.scope).toBe('ReadAccounts ReadCallLog ReadCallRecording ReadMessages');
    const me = await getJson<ExtensionJson>(platform, '/restapi/v1.0/account/~/extension/~');
    expect(data.owner_id).toBe(String(me.id));
    expect(me.extensionNumber).toBe('101');
    expect(me.permissions.admin.enabled).toBe(true);
  });

  it('redirects with error=access_denied and the state when the user denies', async () => {
    const url = newSdk(sim).platform().loginUrl({ state: 'deny-me' });
    const { status, location } = await consent(sim, url, '101', 'deny');
    expect(status).toBe(302);
    expect(location.searchParams.get('error')).toBe('access_denied');
    expect(location.searchParams.get('state')).toBe('deny-me');
    expect(location.searchParams.get('code')).toBeNull();
  });

  it('refuses a redirect URI that is not registered exactly, with a 400 page', async () => {
    const url = new URL(newSdk(sim).platform().loginUrl({ state: 's' }));
    url.searchParams.set('redirect_uri', `${CLIENT.redirectUri}/evil`);
    const res = await fetch(url);
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('Redirect URI does not match');
  });

  it('accepts redirect URIs under a configured prefix (a simulator convenience), and nothing else', async () => {
    const prefixed = await startSim({
      clients: [
        {
          clientId: 'app',
          clientSecret: 'secret',
          redirectUris: [],
          redirectUriPrefixes: ['http://localhost:3000/'],
        },
      ],
      accounts: [{ seed: 4, extensions: 2, days: 0 }],
    });
    try {
      const client = {
        clientId: 'app',
        clientSecret: 'secret',
        redirectUri: 'http://localhost:3000/oauth/rc/callback',
      };
      const url = newSdk(prefixed, client).platform().loginUrl({ state: 'p' });
      const { location } = await consent(prefixed, url, '101');
      expect(location.toString()).toMatch(/^http:\/\/localhost:3000\/oauth\/rc\/callback\?code=/);
      const other = newSdk(prefixed, { ...client, redirectUri: 'http://localhost:3001/cb' })
        .platform()
        .loginUrl({ state: 'p' });
      expect((await fetch(other)).status).toBe(400);
    } finally {
      await prefixed.close();
    }
  });

  it('redirects with code, state and expires_in=60', async () => {
    const url = newSdk(sim).platform().loginUrl({ state: 'st-1', usePKCE: true });
    const { status, location } = await consent(sim, url, '101');
    expect(status).toBe(302);
    expect(`${location.origin}${location.pathname}`).toBe(CLIENT.redirectUri);
    expect(location.searchParams.get('state')).toBe('st-1');
    expect(location.searchParams.get('expires_in')).toBe('60');
    expect(location.searchParams.get('code')).toMatch(/^[\w-]{20,}$/);
  });
});

describe('the token endpoint', () => {
  async function freshCode(): Promise<{ code: string; verifier: string }> {
    const platform = newSdk(sim).platform();
    const url = platform.loginUrl({ state: 's', usePKCE: true });
    const { location } = await consent(sim, url, '101');
    return { code: location.searchParams.get('code')!, verifier: platform.codeVerifier };
  }

  it('makes codes single-use', async () => {
    const { code, verifier } = await freshCode();
    const fields = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CLIENT.redirectUri,
      code_verifier: verifier,
    };
    expect((await token(sim, fields)).status).toBe(200);
    const again = await token(sim, fields);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect(again.body.errors[0]!.errorCode).toBe('OAU-106');
    expect(again.body.error_description).toBe('Invalid authorization code');
  });

  it('rejects a wrong PKCE verifier and an expired code', async () => {
    const first = await freshCode();
    const wrong = await token(sim, {
      grant_type: 'authorization_code',
      code: first.code,
      redirect_uri: CLIENT.redirectUri,
      code_verifier: 'x'.repeat(43),
    });
    expect(wrong.status).toBe(400);
    expect(wrong.body.error).toBe('invalid_grant');

    const second = await freshCode();
    sim.advanceClock(61_000);
    const late = await token(sim, {
      grant_type: 'authorization_code',
      code: second.code,
      redirect_uri: CLIENT.redirectUri,
      code_verifier: second.verifier,
    });
    expect(late.status).toBe(400);
    expect(late.body.errors[0]!.errorCode).toBe('OAU-108');
  });

  it('requires client authentication and a matching redirect URI', async () => {
    const { code, verifier } = await freshCode();
    const fields = {
      grant_type: 'authorization_code',
      code,
      redirect_uri: CLIENT.redirectUri,
      code_verifier: verifier,
    };
    const none = await token(sim, fields, null);
    expect(none.status).toBe(401);
    expect(none.body.error).toBe('invalid_client');
    expect(none.body.errors[0]!.errorCode).toBe('OAU-123');
    const badSecret = await token(
      sim,
      fields,
      `Basic ${Buffer.from(`${CLIENT.clientId}:nope`).toString('base64')}`,
    );
    expect(badSecret.status).toBe(401);
    const otherRedirect = await token(sim, { ...fields, redirect_uri: 'http://localhost/other' });
    expect(otherRedirect.status).toBe(400);
    expect(otherRedirect.body.errors[0]!.errorCode).toBe('OAU-109');
  });

  it('clamps access_token_ttl to [600, 3600] instead of rejecting it (the SDK sends -1 after a 401)', async () => {
    const session = await codeGrant(sim);
    const minus = await token(sim, {
      grant_type: 'refresh_token',
      refresh_token: session.refresh_token,
      access_token_ttl: '-1',
      refresh_token_ttl: '604800',
    });
    expect(minus.status).toBe(200);
    expect(minus.body.expires_in).toBe(600);
    const huge = await token(sim, {
      grant_type: 'refresh_token',
      refresh_token: minus.body.refresh_token,
      access_token_ttl: '99999',
    });
    expect(huge.body.expires_in).toBe(3600);
  });

  it('recovers the SDK from an expired access token: 401, refresh, retry', async () => {
    const platform = await signIn(sim, '101');
    sim.advanceClock(3601_000);
    const res = await platform.get('/restapi/v1.0/account/~');
    expect(res.status).toBe(200);
    const data = await platform.auth().data();
    // The SDK asked for access_token_ttl=-1 after the 401; the simulator clamped it to 600.
    expect(Number(data.expires_in)).toBe(600);
  });

  it('answers a dead access token with 401 and a RingCentral body', async () => {
    const session = await codeGrant(sim);
    sim.advanceClock(3600_000);
    const expired = await apiStatus(sim, session.access_token);
    expect(expired.status).toBe(401);
    expect(expired.body.errors[0]!.errorCode).toBe('OAU-128');
    expect(expired.body.message).toBe('Access token expired');
    const unknown = await apiStatus(sim, 'not-a-token');
    expect(unknown.status).toBe(401);
    expect(unknown.body.errors[0]!.errorCode).toBe('OAU-213');
  });

  it('lets a public app authenticate with client_id in the body', async () => {
    const pub = await startSim({
      clients: [{ clientId: 'public-app', clientSecret: '', redirectUris: ['http://localhost/cb'] }],
      accounts: [{ seed: 3, extensions: 2, days: 0 }],
    });
    try {
      const platform = newSdk(pub, {
        clientId: 'public-app',
        clientSecret: '',
        redirectUri: 'http://localhost/cb',
      }).platform();
      const url = platform.loginUrl({ state: 'p', usePKCE: true });
      const { location } = await consent(pub, url, '101');
      await platform.login({
        code: location.searchParams.get('code')!,
        code_verifier: platform.codeVerifier,
      });
      expect((await platform.get('/restapi/v1.0/account/~')).status).toBe(200);
    } finally {
      await pub.close();
    }
  });
});

describe('refresh-token rotation', () => {
  it('rotates both tokens and kills the old access token at once', async () => {
    const platform = await signIn(sim, '101');
    const before = await platform.auth().data();
    await platform.refresh();
    const after = await platform.auth().data();
    expect(after.access_token).not.toBe(before.access_token);
    expect(after.refresh_token).not.toBe(before.refresh_token);
    const old = await apiStatus(sim, before.access_token!);
    expect(old.status).toBe(401);
    expect(old.body.errors[0]!.errorCode).toBe('OAU-129');
    expect((await apiStatus(sim, after.access_token!)).status).toBe(200);
  });

  it('returns the same new pair for the old refresh token until the new access token is used + 10 s', async () => {
    const first = await codeGrant(sim);
    const rotated = await token(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(rotated.status).toBe(200);

    // Unused new token: the old refresh token replays the same pair.
    const replay = await token(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(replay.status).toBe(200);
    expect(replay.body.access_token).toBe(rotated.body.access_token);
    expect(replay.body.refresh_token).toBe(rotated.body.refresh_token);

    expect((await apiStatus(sim, rotated.body.access_token)).status).toBe(200); // first use
    sim.advanceClock(9_000);
    const stillGrace = await token(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(stillGrace.body.access_token).toBe(rotated.body.access_token);

    sim.advanceClock(1_500);
    const dead = await token(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(dead.status).toBe(400);
    expect(dead.body.error).toBe('invalid_grant');
    expect(dead.body.error_description).toBeTruthy();

    // The rotated refresh token keeps working.
    const next = await token(sim, { grant_type: 'refresh_token', refresh_token: rotated.body.refresh_token });
    expect(next.status).toBe(200);
  });

  it('keeps the old refresh token for 60 minutes when the new access token is never used', async () => {
    const first = await codeGrant(sim);
    const rotated = await token(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    sim.advanceClock(59 * 60_000);
    const replay = await token(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(replay.body.access_token).toBe(rotated.body.access_token);
    sim.advanceClock(2 * 60_000);
    const dead = await token(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(dead.status).toBe(400);
    expect(dead.body.error).toBe('invalid_grant');
  });

  it('surfaces invalid_grant through the SDK with a meaningful message', async () => {
    const platform = await signIn(sim, '101');
    const data = await platform.auth().data();
    await platform.refresh();
    await platform.get('/restapi/v1.0/account/~'); // uses the new access token
    sim.advanceClock(11_000);
    const other = newSdk(sim).platform();
    await other.auth().setData({ ...data, expire_time: 0 });
    const { status, body, error } = await apiError(other.refresh());
    expect(status).toBe(400);
    expect(body.error).toBe('invalid_grant');
    expect(error.message).toBe('Refresh token has already been used');
  });

  it('expires the refresh token after 7 days', async () => {
    const first = await codeGrant(sim);
    sim.advanceClock(604_801_000);
    const dead = await token(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token });
    expect(dead.status).toBe(400);
    expect(dead.body.error).toBe('invalid_grant');
  });
});

describe('revocation and sessions', () => {
  it('ends the whole session on revoke: access and refresh tokens both die', async () => {
    const platform = await signIn(sim, '101');
    const data = await platform.auth().data();
    await platform.logout(); // revokes the access token
    expect((await apiStatus(sim, data.access_token!)).status).toBe(401);
    const refresh = await token(sim, { grant_type: 'refresh_token', refresh_token: data.refresh_token! });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('ends every session of an account through the revokeTokens fault', async () => {
    const first = await codeGrant(sim);
    const { revokedSessions } = sim.setFaults({ revokeTokens: sim.accounts()[0]!.accountId });
    expect(revokedSessions).toBeGreaterThan(0);
    expect((await apiStatus(sim, first.access_token)).status).toBe(401);
    expect(
      (await token(sim, { grant_type: 'refresh_token', refresh_token: first.refresh_token })).status,
    ).toBe(400);
  });

  it('keeps at most five live sessions per user and app, ending the oldest', async () => {
    const sessions: TokenJson[] = [];
    for (let i = 0; i < 6; i++) sessions.push(await codeGrant(sim, '102'));
    expect((await apiStatus(sim, sessions[0]!.access_token)).status).toBe(401);
    for (const s of sessions.slice(1)) expect((await apiStatus(sim, s.access_token)).status).toBe(200);
  });

  it('keeps two tenants apart: two SDK instances, two accounts, no shared tokens', async () => {
    const [a, b] = sim.accounts();
    const platformA = await signIn(sim, '101'); // a plain number picks the oldest account
    const platformB = await signIn(sim, `${b!.accountId}:101`);
    const dataA = await platformA.auth().data();
    const dataB = await platformB.auth().data();
    expect(dataA.access_token).not.toBe(dataB.access_token);
    const accountA = await getJson<{ id: number }>(platformA, '/restapi/v1.0/account/~');
    const accountB = await getJson<{ id: number; companyName: string }>(platformB, '/restapi/v1.0/account/~');
    expect(String(accountA.id)).toBe(a!.accountId);
    expect(String(accountB.id)).toBe(b!.accountId);
    expect(accountB.companyName).toBe('Second Co');
    // A's token cannot name B's account.
    const cross = await apiError(platformA.get(`/restapi/v1.0/account/${b!.accountId}/extension`));
    expect(cross.status).toBe(404);
    expect(cross.body.errors[0]!.errorCode).toBe('CMN-102');
  });
});
