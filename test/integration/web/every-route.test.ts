import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserFlow } from '../../support/browser-flow.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { registeredRoutes, type RegisteredRoute } from '../../support/routes.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const OPERATOR_PASSWORD = 'operator-password-for-tests';

/**
 * Every registered route (found by walking the app's router, so a new route is covered the day it
 * is added), asked anonymously, signed in, and with bodies missing: no 500 anywhere, company data
 * only behind sign-in, nothing stored for visitors, nothing cached, a clear 400 for a bad form.
 */
describe('every route', () => {
  let stack: TestStack;
  let admin: { tenantId: string; browser: BrowserFlow };
  let routes: RegisteredRoute[];

  /** Answer anonymous visitors themselves, on purpose; everything else is a company's data. */
  const PUBLIC = [
    '/', // the start page
    '/healthz',
    '/readyz',
    '/metrics', // open in development and tests; see the metrics test for production
    '/connect/ringcentral', // starts the sign-in
    '/connect/ringcentral/callback', // ends it
  ];
  const isPublicPath = (path: string) => PUBLIC.includes(path);
  /** Operators sign in with HTTP Basic, not a session. */
  const isOperator = (r: RegisteredRoute) => r.pattern === '/admin' || r.pattern.startsWith('/admin/');
  const isPublic = (r: RegisteredRoute) => isPublicPath(r.path) || isOperator(r);
  /**
   * Not pages or forms: RingCentral's push notifications (JSON, no session, no CSRF token; each
   * authenticated by its subscription's Verification-Token, see test/integration/push/).
   */
  const MACHINE = ['/webhooks/ringcentral'];
  /** POST routes that take no fields: a valid CSRF token is all they need. */
  const BODILESS = [
    '/dashboard/run-now',
    '/settings/notifications/test',
    '/connect/:provider/disconnect',
    '/settings/ringcentral-users/:extensionId/remove', // the user is in the path
    '/signout',
  ];

  beforeAll(async () => {
    stack = await startStack({
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '10000', OPERATOR_PASSWORD },
      rc: { limits: { Auth: 100 }, accounts: [{ seed: 81, extensions: 3, days: 1, companyName: 'Walk Co' }] },
    });
    admin = await onboardTenant(stack, { email: 'walk@example.com' });
    routes = registeredRoutes(stack.app, {
      provider: stack.services.connections.all().map((p) => p.id),
    });
  }, 120_000);
  afterAll(async () => stack?.close());

  it('finds the routes it walks', () => {
    const patterns = routes.map((r) => `${r.method} ${r.pattern}`);
    for (const known of [
      'get /archive-log.csv',
      'get /runs/:id',
      'get /connect/:provider',
      'post /uninstall',
      'get /admin/jobs/api',
    ])
      expect(patterns).toContain(known);
  });

  it('sends anonymous visitors of company data to sign in, and never answers 500', async () => {
    const problems: string[] = [];
    // A provider connected with a form (an SFTP server) has no OAuth callback to guard.
    const formCallbacks = new Set(
      stack.services.connections
        .all()
        .filter((p) => p.flow.kind === 'form')
        .map((p) => `/connect/${p.id}/callback`),
    );
    for (const route of routes.filter((r) => r.method === 'get')) {
      const res = await request(stack.app).get(route.path);
      if (res.status === 404 && formCallbacks.has(route.path)) continue;
      const where = `GET ${route.path} → ${res.status} ${String(res.headers.location ?? '')}`;
      if (res.status >= 500) problems.push(where);
      else if (
        !isPublic(route) &&
        (res.status !== 303 || !/^\/\?signin=required$/.test(String(res.headers.location)))
      )
        problems.push(where);
      else if (isOperator(route) && res.status !== 401) problems.push(where);
    }
    for (const route of routes.filter((r) => r.method !== 'get')) {
      const res = await request(stack.app)[route.method](route.path);
      if (res.status >= 500 || res.status < 400)
        problems.push(`${route.method} ${route.path} → ${res.status}`);
    }
    expect(problems).toEqual([]);
    // The page it is sent to says why.
    const landing = await request(stack.app).get('/?signin=required').expect(200);
    expect(landing.text).toContain('Sign in with RingCentral to continue.');
  });

  it('stores no session for 300 cookieless visits, nor for any anonymous page', async () => {
    const before = new Set(await stack.redis.keys(`${stack.services.config.SESSION_PREFIX}*`));
    let cookies = 0;
    const anonymousPages = routes.filter((r) => r.method === 'get' && r.path !== '/connect/ringcentral');
    for (let i = 0; i < 300; i += 1) {
      const res = await request(stack.app).get('/dashboard').expect(303);
      if (res.headers['set-cookie']) cookies += 1;
    }
    for (const route of anonymousPages) {
      const res = await request(stack.app).get(route.path);
      if (res.headers['set-cookie']) cookies += 1;
    }
    expect(cookies).toBe(0);
    const after = await stack.redis.keys(`${stack.services.config.SESSION_PREFIX}*`);
    expect(after.filter((k) => !before.has(k))).toEqual([]);
    // Starting a sign-in does keep something (the OAuth state), and only then.
    const start = await request(stack.app).get('/connect/ringcentral').expect(302);
    expect(start.headers['set-cookie']).toBeDefined();
  });

  it('marks every page and download sent to a signed-in browser no-store', async () => {
    const problems: string[] = [];
    const signedIn = routes.filter(
      (r) => r.method === 'get' && !isOperator(r) && !['/healthz', '/readyz', '/metrics'].includes(r.path),
    );
    for (const route of signedIn) {
      const res = await admin.browser.agent.get(route.path);
      if (res.status >= 500 || !/\bno-store\b/.test(String(res.headers['cache-control'])))
        problems.push(
          `GET ${route.path} → ${res.status} cache-control: ${String(res.headers['cache-control'])}`,
        );
    }
    expect(problems).toEqual([]);
    const csv = await admin.browser.agent.get('/archive-log.csv').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.headers['cache-control']).toBe('no-store');
  });

  it('answers every form route sent no body, or a body it does not read, with a clear 400', async () => {
    const token = await admin.browser.csrfToken();
    const forms = routes.filter(
      (r) =>
        r.method === 'post' && !isOperator(r) && !BODILESS.includes(r.pattern) && !MACHINE.includes(r.path),
    );
    expect(forms.map((r) => r.pattern)).toEqual(
      expect.arrayContaining(['/uninstall', '/archive-log/retry', '/settings/notifications', '/settings']),
    );
    const problems: string[] = [];
    for (const route of forms)
      for (const [label, send] of [
        ['no body', (r: request.Test) => r],
        [
          'JSON',
          (r: request.Test) => r.set('Content-Type', 'application/json').send('{"confirm":"uninstall"}'),
        ],
        [
          'a field twice',
          (r: request.Test) => r.type('form').send('confirm=uninstall&confirm=uninstall&action=add'),
        ],
      ] as const) {
        const res = await send(admin.browser.agent.post(route.path).set('X-CSRF-Token', token));
        const text = res.text.replace(/<[^>]+>/g, ' ');
        // A parameter value that names nothing (a provider with no form) is simply not there.
        if (res.status === 404 && route.pattern.includes(':')) continue;
        if (res.status !== 400 || !/(incomplete|Choose|Type|Fill in|not|Enter)[^.]*\./.test(text))
          problems.push(`POST ${route.path} with ${label} → ${res.status}`);
      }
    expect(problems).toEqual([]);
    const empty = (path: string) => admin.browser.agent.post(path).set('X-CSRF-Token', token);
    expect((await empty('/uninstall').expect(400)).text).toContain('The form arrived incomplete');
    expect((await empty('/archive-log/retry').expect(400)).text).toContain(
      'That retry request was incomplete.',
    );
    expect((await empty('/settings/notifications').expect(400)).text).toContain(
      'Choose to add or remove a recipient.',
    );
    const tenant = await stack.services.store.getTenant(admin.tenantId);
    expect(tenant?.status).toBe('active');

    // The actions that take no fields do what they say with the token alone; sign-out last.
    const actions = routes
      .filter((r) => r.method === 'post' && BODILESS.includes(r.pattern))
      .sort((a, b) => Number(a.path === '/signout') - Number(b.path === '/signout'));
    const answers = [];
    for (const route of actions) answers.push(`${route.path} ${(await empty(route.path)).status}`);
    expect(answers).toEqual(
      expect.arrayContaining([
        '/dashboard/run-now 303',
        '/settings/notifications/test 303',
        '/connect/dropbox/disconnect 303',
        '/signout 303',
      ]),
    );
    expect(answers.filter((a) => !/ (303|404)$/.test(a))).toEqual([]);
  });
});
