import { Dropbox, DropboxAuth } from 'dropbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorFetch } from '../../../src/destinations/dropbox/simulator-fetch.ts';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import { APP, dropboxError, raw, REDIRECT_URI, startSim } from './helpers.ts';

let sim: DropboxSim;
let simFetch: typeof fetch;
beforeAll(async () => {
  sim = await startSim();
  simFetch = simulatorFetch(sim.url);
});
afterAll(() => sim.close());

const SCOPES = ['account_info.read', 'files.content.write', 'files.content.read', 'files.metadata.read'];

/** An SDK client holding only an access token, so it cannot refresh its way around an expiry. */
const withToken = (accessToken: string): Dropbox =>
  new Dropbox({ accessToken, accessTokenExpiresAt: new Date(Date.now() + 10 * 3600_000), fetch: simFetch });

/** The hidden fields of the consent form, unescaped, as a browser would submit them. */
function hiddenFields(html: string): URLSearchParams {
  const form = new URLSearchParams();
  const unescape = (s: string) =>
    s
      .replace(/&quot;/g, '"')
      .replace(/&#39;/g, "'")
      .replace(/&lt;/g, '<')
      .replace(/&gt;/g, '>')
      .replace(/&amp;/g, '&');
  for (const match of html.matchAll(/<input type="hidden" name="([^"]*)" value="([^"]*)">/g)) {
    form.append(unescape(match[1]!), unescape(match[2]!));
  }
  return form;
}

/** Opens the SDK's authorize URL, submits the consent form and returns the redirect's query. */
async function consent(
  authorizeUrl: string,
  account: string,
  decision: 'allow' | 'deny',
): Promise<URLSearchParams> {
  const page = await simFetch(authorizeUrl);
  expect(page.status).toBe(200);
  expect(page.headers.get('content-type')).toMatch(/^text\/html/);
  const form = hiddenFields(await page.text());
  form.set('account', account);
  form.set('decision', decision);
  const answer = await fetch(`${sim.url}/oauth2/authorize`, {
    method: 'POST',
    body: form,
    redirect: 'manual',
  });
  expect(answer.status).toBe(302);
  const location = new URL(answer.headers.get('location')!);
  expect(`${location.origin}${location.pathname}`).toBe(REDIRECT_URI);
  return location.searchParams;
}

async function tokenCall(
  params: Record<string, string>,
  init: { basic?: [string, string]; inQuery?: boolean } = {},
) {
  const query = init.inQuery ? `?${new URLSearchParams(params).toString()}` : '';
  const headers: Record<string, string> = { 'Content-Type': 'application/x-www-form-urlencoded' };
  if (init.basic) headers.Authorization = `Basic ${Buffer.from(init.basic.join(':')).toString('base64')}`;
  const res = await raw(sim, `/oauth2/token${query}`, {
    method: 'POST',
    headers,
    body: init.inQuery ? '' : new URLSearchParams(params).toString(),
  });
  return {
    status: res.status,
    type: res.headers.get('content-type'),
    body: (await res.json()) as Record<string, unknown>,
  };
}

describe('authorization code flow', () => {
  it('runs the SDK PKCE flow through the consent page and gets working offline tokens', async () => {
    const auth = new DropboxAuth({ clientId: APP.appKey, fetch: simFetch });
    const url = await auth.getAuthenticationUrl(
      REDIRECT_URI,
      'st8 with space',
      'code',
      'offline',
      SCOPES,
      'none',
      true,
    );
    // The SDK leaves values unencoded (the scope list keeps its raw spaces); the simulator copes.
    expect(url).toContain(`scope=${SCOPES.join(' ')}`);
    const query = await consent(url, 'Jane.Doe@Example.com', 'allow');
    expect(query.get('state')).toBe('st8 with space');
    const code = query.get('code')!;

    const exchanged = await auth.getAccessTokenFromCode(REDIRECT_URI, code);
    const tokens = exchanged.result as Record<string, unknown>;
    expect(tokens).toMatchObject({ token_type: 'bearer', expires_in: 14400, scope: SCOPES.join(' ') });
    expect(tokens.access_token).toMatch(/^sl\./);
    expect(tokens.refresh_token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(tokens.account_id).toMatch(/^dbid:.{35}$/);
    expect(tokens.uid).toMatch(/^\d+$/);

    const dbx = withToken(tokens.access_token as string);
    const me = await dbx.usersGetCurrentAccount();
    expect(me.result).toMatchObject({ account_id: tokens.account_id, email: 'jane.doe@example.com' });
    expect(me.result.name.display_name).toBe('Jane Doe');

    // Single use: the same code again is refused exactly as Dropbox words it.
    const again = await dropboxError(auth.getAccessTokenFromCode(REDIRECT_URI, code));
    expect(again.status).toBe(400);
    expect(again.error).toEqual({
      error: 'invalid_grant',
      error_description: "code doesn't exist or has expired",
    });
  });

  it('refuses a wrong PKCE verifier', async () => {
    const auth = new DropboxAuth({ clientId: APP.appKey, fetch: simFetch });
    const url = await auth.getAuthenticationUrl(
      REDIRECT_URI,
      's',
      'code',
      'offline',
      undefined,
      'none',
      true,
    );
    const code = (await consent(url, 'pkce@example.com', 'allow')).get('code')!;
    auth.setCodeVerifier('x'.repeat(64));
    const e = await dropboxError(auth.getAccessTokenFromCode(REDIRECT_URI, code));
    expect(e.status).toBe(400);
    expect(e.error).toEqual({ error: 'invalid_grant', error_description: 'invalid code verifier' });
  });

  it('redirects with access_denied and the state when the user denies', async () => {
    const auth = new DropboxAuth({ clientId: APP.appKey, fetch: simFetch });
    const url = await auth.getAuthenticationUrl(REDIRECT_URI, 'deny-state', 'code', 'offline');
    const query = await consent(url, 'nobody@example.com', 'deny');
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('error_description')).toMatch(/chose not to give your app access/);
    expect(query.get('state')).toBe('deny-state');
    expect(query.has('code')).toBe(false);
  });

  it('also takes the consent answer posted to the authorize URL itself, query string kept', async () => {
    const auth = new DropboxAuth({ clientId: APP.appKey, fetch: simFetch });
    const url = new URL(await auth.getAuthenticationUrl(REDIRECT_URI, 'posted', 'code', 'offline'));
    const answer = await fetch(`${sim.url}/oauth2/authorize${url.search}`, {
      method: 'POST',
      body: new URLSearchParams({ account: 'poster@example.com', decision: 'allow' }),
      redirect: 'manual',
    });
    expect(answer.status).toBe(302);
    const query = new URL(answer.headers.get('location')!).searchParams;
    expect(query.get('state')).toBe('posted');
    expect(query.get('code')).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('serves /1/oauth2/authorize and /1/oauth2/token as aliases, as Dropbox does for older clients', async () => {
    const auth = new DropboxAuth({ clientId: APP.appKey, fetch: simFetch });
    const sdkUrl = new URL(await auth.getAuthenticationUrl(REDIRECT_URI, 'v1-state', 'code', 'offline'));
    // What rclone opens: the v1 authorize path, answered with the same consent page.
    const page = await raw(sim, `/1/oauth2/authorize${sdkUrl.search}`);
    expect(page.status).toBe(200);
    const form = hiddenFields(await page.text());
    expect(form.get('state')).toBe('v1-state');
    form.set('account', 'rclone@example.com');
    form.set('decision', 'allow');
    const answer = await raw(sim, `/1/oauth2/authorize`, { method: 'POST', body: form, redirect: 'manual' });
    expect(answer.status).toBe(302);
    const query = new URL(answer.headers.get('location')!).searchParams;
    expect(query.get('state')).toBe('v1-state');
    const res = await raw(sim, '/1/oauth2/token', {
      method: 'POST',
      headers: {
        'Content-Type': 'application/x-www-form-urlencoded',
        Authorization: `Basic ${Buffer.from(`${APP.appKey}:${APP.appSecret}`).toString('base64')}`,
      },
      body: new URLSearchParams({
        grant_type: 'authorization_code',
        code: query.get('code')!,
        redirect_uri: REDIRECT_URI,
      }).toString(),
    });
    expect(res.status).toBe(200);
    const tokens = (await res.json()) as { access_token: string; refresh_token: string };
    const account = await withToken(tokens.access_token).usersGetCurrentAccount();
    expect(account.result.email).toBe('rclone@example.com');
    const refreshed = await raw(sim, '/1/oauth2/token', {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'refresh_token',
        refresh_token: tokens.refresh_token,
        client_id: APP.appKey,
        client_secret: APP.appSecret,
      }).toString(),
    });
    expect(refreshed.status).toBe(200);
  });

  it('shows an error page, not a redirect, for an unregistered redirect URI or app', async () => {
    const bad = await raw(
      sim,
      `/oauth2/authorize?response_type=code&client_id=${APP.appKey}&redirect_uri=http://evil.test/cb`,
    );
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('Invalid redirect_uri');
    const unknown = await raw(
      sim,
      `/oauth2/authorize?response_type=code&client_id=nope&redirect_uri=${REDIRECT_URI}`,
    );
    expect(unknown.status).toBe(400);
  });

  it('escapes what it echoes into the consent page', async () => {
    const page = await raw(
      sim,
      `/oauth2/authorize?response_type=code&client_id=${APP.appKey}&state=${encodeURIComponent('"><script>x</script>')}`,
    );
    const html = await page.text();
    expect(html).not.toContain('<script>x');
    expect(html).toContain('&quot;&gt;&lt;script&gt;');
  });

  it('expires codes after ten minutes of simulator time and checks the redirect URI', async () => {
    const auth = new DropboxAuth({ clientId: APP.appKey, clientSecret: APP.appSecret, fetch: simFetch });
    const url = await auth.getAuthenticationUrl(REDIRECT_URI, 's', 'code', 'online');
    const first = (await consent(url, 'late@example.com', 'allow')).get('code')!;
    const mismatch = await dropboxError(auth.getAccessTokenFromCode('http://localhost:3000/other', first));
    expect(mismatch.error).toEqual({ error: 'invalid_grant', error_description: 'redirect_uri mismatch' });
    await sim.advanceClock(10 * 60 * 1000 + 1);
    const late = await dropboxError(auth.getAccessTokenFromCode(REDIRECT_URI, first));
    expect(late.error).toMatchObject({ error: 'invalid_grant' });
  });
});

describe('token endpoint', () => {
  async function codeFor(email: string, accessType: 'offline' | 'online'): Promise<string> {
    const auth = new DropboxAuth({ clientId: APP.appKey, fetch: simFetch });
    const url = await auth.getAuthenticationUrl(REDIRECT_URI, 'x', 'code', accessType);
    return (await consent(url, email, 'allow')).get('code')!;
  }

  it('accepts a form body with HTTP Basic client credentials', async () => {
    const code = await codeFor('basic@example.com', 'offline');
    const res = await tokenCall(
      { grant_type: 'authorization_code', code, redirect_uri: REDIRECT_URI },
      { basic: [APP.appKey, APP.appSecret] },
    );
    expect(res.status).toBe(200);
    expect(res.type).toBe('application/json');
    expect(res.body).toMatchObject({ token_type: 'bearer', expires_in: 14400 });
    expect(res.body.refresh_token).toBeTypeOf('string');

    const refreshed = await tokenCall(
      { grant_type: 'refresh_token', refresh_token: res.body.refresh_token as string },
      { basic: [APP.appKey, APP.appSecret] },
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.access_token).not.toBe(res.body.access_token);
    expect(refreshed.body).not.toHaveProperty('refresh_token');
  });

  it('accepts parameters in the query string with an empty body, as the SDK sends them', async () => {
    const code = await codeFor('query@example.com', 'online');
    const res = await tokenCall(
      {
        grant_type: 'authorization_code',
        code,
        client_id: APP.appKey,
        client_secret: APP.appSecret,
        redirect_uri: REDIRECT_URI,
      },
      { inQuery: true },
    );
    expect(res.status).toBe(200);
    // token_access_type=online: no refresh token.
    expect(res.body).not.toHaveProperty('refresh_token');
  });

  it('answers bad credentials and grants with Dropbox error bodies', async () => {
    const badSecret = await tokenCall(
      { grant_type: 'refresh_token', refresh_token: 'r'.repeat(64) },
      { basic: [APP.appKey, 'wrong'] },
    );
    expect(badSecret).toMatchObject({
      status: 400,
      body: { error: 'invalid_client: Invalid client_id or client_secret' },
    });
    const malformed = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: 'short',
      client_id: APP.appKey,
      client_secret: APP.appSecret,
    });
    expect(malformed.body).toEqual({
      error: 'invalid_grant',
      error_description: 'refresh token is malformed',
    });
    const unknown = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: 'r'.repeat(64),
      client_id: APP.appKey,
      client_secret: APP.appSecret,
    });
    expect(unknown.body).toEqual({
      error: 'invalid_grant',
      error_description: 'refresh token is invalid or revoked',
    });
    const noSecret = await tokenCall({
      grant_type: 'authorization_code',
      code: 'whatever',
      client_id: APP.appKey,
    });
    expect(noSecret.body).toMatchObject({ error: 'invalid_grant' });
    const grant = await tokenCall({
      grant_type: 'password',
      client_id: APP.appKey,
      client_secret: APP.appSecret,
    });
    expect(grant.body).toMatchObject({ error: 'unsupported_grant_type' });
  });

  it('lets the SDK refresh by itself: a new access token, the same refresh token', async () => {
    const tokens = await sim.issueTokens('sdk-refresh@example.com');
    const auth = new DropboxAuth({
      accessToken: tokens.access_token as string,
      refreshToken: tokens.refresh_token as string,
      clientId: APP.appKey,
      clientSecret: APP.appSecret,
      accessTokenExpiresAt: new Date(Date.now() - 1000),
      fetch: simFetch,
    });
    const dbx = new Dropbox({ auth });
    await dbx.usersGetSpaceUsage();
    expect(auth.getAccessToken()).not.toBe(tokens.access_token);
    expect(auth.getRefreshToken()).toBe(tokens.refresh_token);
    const stats = await sim.stats('sdk-refresh@example.com');
    expect(stats.accounts[0]!.calls['oauth2/token']).toBe(1);
  });
});

describe('access tokens', () => {
  it('revoke disables the access token (401) and its refresh token (invalid_grant)', async () => {
    const tokens = await sim.issueTokens('revoke@example.com');
    const sibling = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: APP.appKey,
      client_secret: APP.appSecret,
    });
    const dbx = withToken(tokens.access_token as string);
    await dbx.authTokenRevoke();

    const e = await dropboxError(dbx.usersGetCurrentAccount());
    expect(e.status).toBe(401);
    expect(e.error.error).toEqual({ '.tag': 'invalid_access_token' });
    expect(e.error.error_summary).toMatch(/^invalid_access_token\/\.{0,3}$/);
    expect(e.headers.get('www-authenticate')).toBe('Bearer realm="Dropbox-API"');

    // Every access token of the grant dies with it, not only the one that called revoke.
    const siblingClient = withToken(sibling.body.access_token as string);
    expect((await dropboxError(siblingClient.usersGetSpaceUsage())).status).toBe(401);

    const refresh = await tokenCall({
      grant_type: 'refresh_token',
      refresh_token: tokens.refresh_token as string,
      client_id: APP.appKey,
      client_secret: APP.appSecret,
    });
    expect(refresh).toMatchObject({
      status: 400,
      body: { error: 'invalid_grant', error_description: 'refresh token is invalid or revoked' },
    });
  });

  it('expires access tokens after four hours of simulator time with expired_access_token', async () => {
    const tokens = await sim.issueTokens('expiry@example.com');
    // No refresh token given, so the SDK cannot hide the expiry by refreshing first.
    const dbx = withToken(tokens.access_token as string);
    await dbx.usersGetSpaceUsage();
    await sim.advanceClock(14_400 * 1000);
    const e = await dropboxError(dbx.usersGetSpaceUsage());
    expect(e.status).toBe(401);
    expect(e.error.error).toEqual({ '.tag': 'expired_access_token' });
    expect(e.headers.get('www-authenticate')).toBe('Bearer realm="Dropbox-API"');
  });

  it('answers a missing scope with 401 missing_scope naming the scope', async () => {
    const tokens = await sim.issueTokens('scoped@example.com', { scopes: ['files.metadata.read'] });
    const dbx = withToken(tokens.access_token as string);
    const e = await dropboxError(dbx.filesUpload({ path: '/x.txt', contents: 'x' }));
    expect(e.status).toBe(401);
    expect(e.error.error).toEqual({ '.tag': 'missing_scope', required_scope: 'files.content.write' });
  });

  it('answers malformed authorization with 400 plain text', async () => {
    const noHeader = await raw(sim, '/2/users/get_space_usage', { method: 'POST' });
    expect(noHeader.status).toBe(400);
    expect(noHeader.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(await noHeader.text()).toBe(
      'Error in call to API function "users/get_space_usage": Must provide HTTP header "Authorization" or URL parameter "authorization".',
    );
    const garbled = await raw(sim, '/2/users/get_space_usage', {
      method: 'POST',
      headers: { Authorization: 'Bearer nope' },
    });
    expect(await garbled.text()).toBe(
      'Error in call to API function "users/get_space_usage": The given OAuth 2 access token is malformed.',
    );
    expect(garbled.headers.get('x-dropbox-request-id')).toMatch(/^[0-9a-f]{32}$/);
  });

  it('revokeTokens(email) ends every grant of the account, as unlinking the app does', async () => {
    const tokens = await sim.issueTokens('unlink@example.com');
    expect(await sim.revokeTokens('unlink@example.com')).toEqual({ revoked: 1 });
    const dbx = withToken(tokens.access_token as string);
    expect((await dropboxError(dbx.usersGetSpaceUsage())).status).toBe(401);
  });

  it('refuses a route sent to the wrong Dropbox host', async () => {
    const tokens = await sim.issueTokens('host@example.com');
    const res = await raw(sim, '/2/users/get_space_usage', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${tokens.access_token as string}`,
        'x-sim-host': 'content.dropboxapi.com',
      },
    });
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('served from host api.dropboxapi.com');
  });
});
