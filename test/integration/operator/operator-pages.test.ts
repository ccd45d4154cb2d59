import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '../../../src/web/app.ts';
import { runArchive } from '../../support/archive-run.ts';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const PASSWORD = 'operator-password-for-these-tests';
const basic = (password: string, user = 'operator') =>
  `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

/**
 * The operator pages: HTTP Basic with OPERATOR_PASSWORD in front of a page listing every company's
 * health and of Agendash over the app's own job table; tenant admins cannot get in.
 */
describe('operator pages', () => {
  let stack: TestStack;
  let active: string;
  let waiting: string;
  let admin: BrowserFlow;

  beforeAll(async () => {
    stack = await startStack({
      clockFromRc: true,
      env: { OPERATOR_PASSWORD: PASSWORD },
      rc: {
        rateLimitWindowSeconds: 1,
        accounts: [
          { seed: 7, extensions: 3, days: 1 },
          { seed: 8, extensions: 2, days: 1 },
        ],
      },
    });
    const [first, second] = stack.rc.accounts();
    active = first!.accountId;
    waiting = second!.accountId;
    admin = new BrowserFlow(stack);
    expect((await admin.signInWithRingCentral(first!.adminLogin)).status).toBe(303);
    expect((await admin.connectDropbox('ops-archive@example.com')).status).toBe(303);
    expect(await runArchive(stack, active)).toMatchObject({ outcome: 'finished', status: 'succeeded' });
    // The second company signed in but never connected Dropbox: it waits for the admin.
    expect((await new BrowserFlow(stack).signInWithRingCentral(second!.adminLogin)).status).toBe(303);
  }, 120_000);
  afterAll(async () => stack?.close());

  it('asks for the operator password, refuses a wrong one, and sets no session cookie', async () => {
    const anonymous = await request(stack.app).get('/admin').expect(401);
    expect(anonymous.headers['www-authenticate']).toBe(
      'Basic realm="Call Archive operators", charset="UTF-8"',
    );
    expect(anonymous.headers['set-cookie']).toBeUndefined();
    await request(stack.app).get('/admin').set('Authorization', basic('wrong-password-entirely')).expect(401);
    await request(stack.app)
      .get('/admin/jobs/api')
      .set('Authorization', basic(`${PASSWORD}x`))
      .expect(401);
    await request(stack.app).get('/admin').set('Authorization', 'Bearer whatever').expect(401);
  });

  it('lists every company with status, last success, backlog, risk, space and next run', async () => {
    const res = await request(stack.app).get('/admin').set('Authorization', basic(PASSWORD)).expect(200);
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.headers['cache-control']).toBe('no-store');
    const { store } = stack.services;
    const rows = res.text.split('data-testid="tenant-row"').slice(1);
    expect(rows).toHaveLength(2);
    // The company waiting for a reconnect comes first, with the reason in words.
    const [first, second] = rows;
    expect(first).toContain(`data-tenant="${waiting}"`);
    expect(first).toContain('needs reconnect');
    expect(first).toContain((await store.getTenant(waiting))!.statusReason!);
    expect(first).toContain('none recently');
    expect(second).toContain(`data-tenant="${active}"`);
    expect(second).toContain((await store.getTenant(active))!.companyName);
    expect(second).toMatch(/succeeded, less than a minute ago/);
    expect(second).toMatch(/<td>less than a minute ago<\/td>/); // last success
    expect(second).toMatch(/\d+ waiting/);
    expect(second).toMatch(/of 2\.0 GB/); // the simulator's default Dropbox allocation
    expect(res.text).toContain('2 companies');
    expect(res.text).toContain('href="/admin/jobs/"');
  });

  it('serves Agendash under /admin/jobs with the strict CSP, and its API lists the tenants’ jobs', async () => {
    const auth = basic(PASSWORD);
    await request(stack.app)
      .get('/admin/jobs')
      .set('Authorization', auth)
      .expect(301)
      .expect('Location', '/admin/jobs/');
    const page = await request(stack.app).get('/admin/jobs/').set('Authorization', auth).expect(200);
    expect(page.text).toContain('<div id="app"></div>');
    const csp = page.headers['content-security-policy'] as string;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toMatch(/style-src 'self'(;|$)/);
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain("frame-ancestors 'none'");
    const script = /src="\.\/(assets\/[^"]+\.js)"/.exec(page.text)![1]!;
    await request(stack.app).get(`/admin/jobs/${script}`).set('Authorization', auth).expect(200);
    await request(stack.app).get(`/admin/jobs/${script}`).expect(401);

    const api = await request(stack.app)
      .get('/admin/jobs/api?job=archive-tenant')
      .set('Authorization', auth)
      .expect(200);
    const tenants = (api.body as { jobs: Array<{ job: { data: { tenantId: string } } }> }).jobs.map(
      (j) => j.job.data.tenantId,
    );
    expect(tenants).toContain(active);
    expect(api.body.overview[0]).toMatchObject({ displayName: 'All Jobs' });
    // The web process runs no jobs: its processor figures are empty but answered, not a 500.
    const stats = await request(stack.app)
      .get('/admin/jobs/api/stats')
      .set('Authorization', auth)
      .expect(200);
    expect(stats.body).toMatchObject({ runningJobs: 0, backend: { name: 'postgres' } });
    expect(stats.body.totalQueueSizeDB).toEqual(expect.any(Number));
  });

  it('refuses job changes that do not come from its own pages', async () => {
    const auth = basic(PASSWORD);
    const { jobs } = await stack.services.agenda.queryJobs({ name: 'archive-tenant' });
    const ids = jobs.map((j) => String(j._id));
    // A cross-site form cannot send JSON, and a browser marks where a request came from.
    await request(stack.app)
      .post('/admin/jobs/api/jobs/delete')
      .set('Authorization', auth)
      .type('form')
      .send({ jobIds: ids[0] })
      .expect(403);
    await request(stack.app)
      .post('/admin/jobs/api/jobs/delete')
      .set('Authorization', auth)
      .set('Origin', 'https://evil.example')
      .send({ jobIds: ids })
      .expect(403);
    expect((await stack.services.agenda.queryJobs({ name: 'archive-tenant' })).jobs).toHaveLength(ids.length);
  });

  it('does not let a signed-in company admin in', async () => {
    await admin.agent.get('/dashboard').expect(200);
    await admin.agent.get('/admin').expect(401);
    await admin.agent.get('/admin/jobs/api').expect(401);
  });

  it('is not there at all without OPERATOR_PASSWORD', async () => {
    const app = createApp({
      ...stack.services,
      redis: stack.redis,
      config: { ...stack.services.config, OPERATOR_PASSWORD: undefined },
    });
    await request(app).get('/admin').set('Authorization', basic(PASSWORD)).expect(404);
    await request(app).get('/admin/jobs/').set('Authorization', basic(PASSWORD)).expect(404);
  });

  it('limits wrong passwords per client, not the requests of a signed-in operator', async () => {
    const app = createApp({
      ...stack.services,
      redis: stack.redis,
      config: {
        ...stack.services.config,
        AUTH_RATE_LIMIT_PER_MINUTE: 5,
        SESSION_PREFIX: `${stack.services.config.SESSION_PREFIX}operator-limit:`,
      },
    });
    for (let i = 0; i < 8; i += 1)
      await request(app).get('/admin/jobs/api').set('Authorization', basic(PASSWORD)).expect(200);
    const statuses: number[] = [];
    for (let i = 0; i < 8; i += 1)
      statuses.push(
        (
          await request(app)
            .get('/admin')
            .set('Authorization', basic(`nope-${i}`))
        ).status,
      );
    expect(statuses.slice(0, 5)).toEqual([401, 401, 401, 401, 401]);
    expect(statuses.slice(5)).toEqual([429, 429, 429]);
    await request(app).get('/admin').set('Authorization', basic(PASSWORD)).expect(429);
  });
});
