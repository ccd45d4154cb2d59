import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { manualClock } from '../../../src/lib/clock.ts';
import { createApp } from '../../../src/web/app.ts';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const sessionIdOf = (cookies: string[] | string | undefined): string | null => {
  const list = Array.isArray(cookies) ? cookies : cookies ? [cookies] : [];
  const raw = list.find((c) => c.startsWith('archiver.sid='));
  if (!raw) return null;
  // Signed cookie: s:<id>.<signature>
  return decodeURIComponent(raw.split(';')[0]!.split('=')[1]!).replace(/^s:/, '').split('.')[0]!;
};

describe('OAuth callbacks, sessions and CSRF', () => {
  let stack: TestStack;
  const clock = manualClock(Date.now());
  let prefix: string;

  beforeAll(async () => {
    stack = await startStack({
      clock,
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' },
      rc: {
        // Many sign-ins in a short test: RingCentral's Auth group allows 5 a minute per user.
        limits: { Auth: 500 },
        accounts: [
          { seed: 7, extensions: 5, days: 1 },
          { seed: 8, extensions: 5, days: 1 },
        ],
      },
    });
    prefix = stack.services.config.SESSION_PREFIX;
  });
  afterAll(async () => stack?.close());

  const tenantCount = async () => (await stack.services.store.listTenants()).length;
  const redisKeys = async () => stack.redis.keys(`${prefix}*`);

  it('refuses a forged, missing, replayed or cross-provider state with 400 and stores nothing', async () => {
    const browser = new BrowserFlow(stack);
    const authorize = await browser.start('/connect/ringcentral');
    const callback = await browser.consent(authorize, { login: '101', decision: 'allow' });
    const code = callback.searchParams.get('code')!;
    const state = callback.searchParams.get('state')!;

    const forged = await browser.agent.get(`/connect/ringcentral/callback?code=${code}&state=forged-state`);
    expect(forged.status).toBe(400);
    expect(forged.text).toContain('unknown, already used, or from another browser');
    const missing = await browser.agent.get(`/connect/ringcentral/callback?code=${code}`);
    expect(missing.status).toBe(400);

    // A state issued for Dropbox cannot finish a RingCentral sign-in (cross-provider).
    const signedIn = new BrowserFlow(stack);
    expect((await signedIn.signInWithRingCentral()).status).toBe(303);
    const tenantsAfterSignIn = await tenantCount();
    const dropboxAuthorize = await signedIn.start('/connect/dropbox');
    const dropboxState = dropboxAuthorize.searchParams.get('state')!;
    const crossed = await signedIn.agent.get(
      `/connect/ringcentral/callback?code=${code}&state=${dropboxState}`,
    );
    expect(crossed.status).toBe(400);
    expect(crossed.text).toContain('belongs to a different service');

    // Forged and missing attempts consume nothing; the real callback works once, and its replay fails.
    const first = await browser.callback(callback);
    expect(first.status).toBe(303);
    const replay = await browser.agent.get(`/connect/ringcentral/callback?code=${code}&state=${state}`);
    expect(replay.status).toBe(400);
    expect(await tenantCount()).toBe(tenantsAfterSignIn);
  });

  it('fails a code exchanged without its PKCE verifier', async () => {
    const browser = new BrowserFlow(stack);
    const authorize = await browser.start('/connect/ringcentral');
    const callback = await browser.consent(authorize, { login: '101', decision: 'allow' });
    // Exchange the code at the token endpoint as an attacker holding the code but not the verifier.
    const body = new URLSearchParams({
      grant_type: 'authorization_code',
      code: callback.searchParams.get('code')!,
      redirect_uri: `${stack.baseUrl}/connect/ringcentral/callback`,
    });
    const basic = Buffer.from(
      `${stack.services.config.RINGCENTRAL_CLIENT_ID}:${stack.services.config.RINGCENTRAL_CLIENT_SECRET}`,
    ).toString('base64');
    const res = await fetch(`${stack.rc.url}/restapi/oauth/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${basic}`, 'content-type': 'application/x-www-form-urlencoded' },
      body,
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: string }).error).toBe('invalid_grant');
    // Same through the app: a session whose verifier does not match cannot finish.
    const other = new BrowserFlow(stack);
    const otherAuthorize = await other.start('/connect/ringcentral');
    const wrongPair = await other.agent.get(
      `/connect/ringcentral/callback?code=${callback.searchParams.get('code')}&state=${otherAuthorize.searchParams.get('state')}`,
    );
    expect(wrongPair.status).toBe(400);
  });

  it('refuses a non-admin with an explanation and stores nothing', async () => {
    const before = await tenantCount();
    const inventory = await stack.rc.inventory(stack.rc.accounts()[1]!.accountId, { sha256: false });
    const nonAdmin = inventory.extensions.find((e) => !e.admin && e.type === 'User');
    expect(nonAdmin).toBeDefined();
    const browser = new BrowserFlow(stack);
    const authorize = await browser.start('/connect/ringcentral');
    const res = await browser.callback(
      await browser.consent(authorize, {
        login: `${inventory.accountId}:${nonAdmin!.extensionNumber}`,
        decision: 'allow',
      }),
    );
    expect(res.status).toBe(403);
    expect(res.text).toContain('An administrator is needed');
    expect(res.text).toContain('Super Admin');
    expect(await tenantCount()).toBe(before);
    expect(await stack.services.store.getTenant(inventory.accountId)).toBeNull();
  });

  it('waits out a short RingCentral rate limit during sign-in, and says to try again when RingCentral is down, storing nothing', async () => {
    const [first, second] = stack.rc.accounts();
    const limitedBefore = stack.rc.stats(first!.accountId).rateLimited.Light;
    stack.rc.setFaults({ rateLimitStorm: { group: 'Light', count: 2, retryAfterSeconds: 1 } });
    const patient = new BrowserFlow(stack);
    expect((await patient.signInWithRingCentral(first!.adminLogin)).status).toBe(303);
    expect(stack.rc.stats(first!.accountId).rateLimited.Light - limitedBefore).toBe(2);

    stack.rc.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      const before = await tenantCount();
      const refused = await new BrowserFlow(stack).signInWithRingCentral(second!.adminLogin);
      expect(refused.status).toBe(503);
      // RingCentral's own Retry-After on its 503 (1 s in the simulator) is passed on to the browser.
      expect(refused.headers['retry-after']).toBe('1');
      expect(refused.text).toContain('RingCentral is busy or not answering right now. Nothing was changed');
      expect(refused.text).not.toContain('did not accept the authorization');
      expect(await tenantCount()).toBe(before);
      expect(await stack.services.store.getTenant(second!.accountId)).toBeNull();
    } finally {
      stack.rc.setFaults({ reset: true });
    }
  });

  it('changes the session id at sign-in and removes the session from Redis at sign-out', async () => {
    const browser = new BrowserFlow(stack);
    const start = await browser.agent.get('/connect/ringcentral').expect(302);
    const before = sessionIdOf(start.headers['set-cookie']);
    expect(before).toBeTruthy();
    expect(await stack.redis.exists(`${prefix}${before}`)).toBe(1);
    const authorize = new URL(start.headers.location as string);
    const res = await browser.callback(await browser.consent(authorize, { login: '101', decision: 'allow' }));
    const after = sessionIdOf(res.headers['set-cookie']);
    expect(after).toBeTruthy();
    expect(after).not.toBe(before);
    expect(await stack.redis.exists(`${prefix}${before}`)).toBe(0);
    expect(await stack.redis.exists(`${prefix}${after}`)).toBe(1);

    const token = await browser.csrfToken();
    await browser.agent.post('/signout').type('form').send({ _csrf: token }).expect(303);
    expect(await stack.redis.exists(`${prefix}${after}`)).toBe(0);
    await browser.agent.get('/dashboard').expect(303).expect('location', '/?signin=required');
  });

  it('answers a POST without a valid CSRF token, or from another site, with 403', async () => {
    const browser = new BrowserFlow(stack);
    await browser.signInWithRingCentral();
    await browser.agent.post('/dashboard/run-now').type('form').send({}).expect(403);
    await browser.agent.post('/dashboard/run-now').type('form').send({ _csrf: 'wrong' }).expect(403);
    const token = await browser.csrfToken();
    await browser.agent
      .post('/dashboard/run-now')
      .set('Origin', 'https://evil.example')
      .type('form')
      .send({ _csrf: token })
      .expect(403);
    await browser.agent
      .post('/dashboard/run-now')
      .set('Sec-Fetch-Site', 'cross-site')
      .type('form')
      .send({ _csrf: token })
      .expect(403);
    await browser.agent.post('/connect/dropbox/disconnect').type('form').send({}).expect(403);
    await browser.agent.post('/uninstall').type('form').send({ confirm: 'uninstall' }).expect(403);
    await browser.agent.post('/signout').type('form').send({}).expect(403);
    expect(await stack.services.store.getTenant(stack.rc.accounts()[0]!.accountId)).not.toBeNull();
    await browser.agent.post('/dashboard/run-now').type('form').send({ _csrf: token }).expect(303);
  });

  it('expires a session after 30 idle minutes and after 12 hours however busy', async () => {
    const idle = new BrowserFlow(stack);
    await idle.signInWithRingCentral();
    await idle.agent.get('/dashboard').expect(200);
    clock.advance(29 * 60_000);
    await idle.agent.get('/dashboard').expect(200);
    clock.advance(31 * 60_000);
    await idle.agent.get('/dashboard').expect(303).expect('location', '/?signin=ended');
    const told = await idle.agent.get('/?signin=ended').expect(200);
    expect(told.text).toContain('Your session ended. Sign in again to continue.');

    const busy = new BrowserFlow(stack);
    await busy.signInWithRingCentral();
    for (let hour = 0; hour < 12; hour += 1) {
      for (let step = 0; step < 3; step += 1) {
        clock.advance(20 * 60_000);
        await busy.agent.get('/dashboard').expect(200);
      }
    }
    clock.advance(20 * 60_000);
    await busy.agent.get('/dashboard').expect(303);
  });

  it('keeps sessions in Redis under the configured prefix', async () => {
    const browser = new BrowserFlow(stack);
    await browser.signInWithRingCentral();
    const keys = await redisKeys();
    expect(keys.length).toBeGreaterThan(0);
    expect(keys.every((k) => k.startsWith(prefix))).toBe(true);
  });

  it('serves every registered provider from one route, and nothing else', async () => {
    const anonymous = new BrowserFlow(stack);
    await anonymous.agent.get('/connect/nope').expect(404);
    await anonymous.agent.get('/connect/nope/callback?code=x&state=y').expect(404);
    await anonymous.agent.get('/connect/ringcentral?purpose=nope').expect(404);
    // Connecting a destination is for a signed-in admin; only the RingCentral sign-in starts without.
    await anonymous.agent.get('/connect/dropbox').expect(303).expect('location', '/?signin=required');

    const admin = new BrowserFlow(stack);
    expect((await admin.signInWithRingCentral('101')).status).toBe(303);
    const tenantId = stack.rc.accounts()[0]!.accountId;
    expect((await admin.connectDropbox('registry@example.com')).status).toBe(303);
    expect((await stack.services.store.getTenant(tenantId))?.status).toBe('active');

    const token = await admin.csrfToken();
    // The source is not disconnected this way (uninstall does that); a destination is.
    await admin.agent.post('/connect/ringcentral/disconnect').type('form').send({ _csrf: token }).expect(404);
    const res = await admin.agent
      .post('/connect/dropbox/disconnect')
      .type('form')
      .send({ _csrf: token })
      .expect(303);
    expect(res.headers.location).toBe('/dashboard');
    expect(await stack.services.store.getConnection(tenantId, 'dropbox')).toBeNull();
    const tenant = await stack.services.store.getTenant(tenantId);
    expect(tenant).toMatchObject({
      status: 'needs_reconnect',
      statusReason: 'Connect Dropbox to start backups.',
    });
    const audit = await stack.services.store.listAudit(tenantId);
    expect(audit.map((a) => a.action)).toEqual(
      expect.arrayContaining(['dropbox.connected', 'dropbox.disconnected']),
    );
    expect((await admin.agent.get('/dashboard').expect(200)).text).toContain('Dropbox disconnected');
  });

  it('limits sign-in attempts per client', async () => {
    const app = createApp({
      ...stack.services,
      redis: stack.redis,
      config: {
        ...stack.services.config,
        AUTH_RATE_LIMIT_PER_MINUTE: 20,
        SESSION_PREFIX: `${prefix}limit-test:`,
      },
    });
    const agent = request.agent(app);
    const statuses: number[] = [];
    for (let i = 0; i < 25; i += 1) statuses.push((await agent.get('/connect/ringcentral')).status);
    expect(statuses.filter((s) => s === 302).length).toBeLessThanOrEqual(20);
    expect(statuses).toContain(429);
  });
});
