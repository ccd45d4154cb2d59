import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JsonObject } from '../../../src/store/types.ts';
import type { BrowserFlow } from '../../support/browser-flow.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * Tenant isolation on every route that names a resource, and bad input on every route that takes
 * any: a clear 4xx, nothing stored, nothing half-changed.
 */
describe('tenant isolation and bad input', () => {
  let stack: TestStack;
  let a: { tenantId: string; browser: BrowserFlow };
  let b: { tenantId: string; browser: BrowserFlow };
  let runOfB: string;

  beforeAll(async () => {
    stack = await startStack({
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' },
      rc: {
        limits: { Auth: 100 },
        accounts: [
          { seed: 71, extensions: 3, days: 1, companyName: 'Tenant A' },
          { seed: 72, extensions: 3, days: 1, companyName: 'Tenant B' },
        ],
      },
    });
    a = await onboardTenant(stack, { accountIndex: 0, email: 'a@example.com' });
    b = await onboardTenant(stack, { accountIndex: 1, email: 'b@example.com' });
    const { store } = stack.services;
    runOfB = (await store.startRun({ tenantId: b.tenantId, trigger: 'test' })).id;
    await store.saveOutstanding({
      tenantId: b.tenantId,
      kind: 'recording',
      sourceId: 'rec-of-b',
      attachmentId: '',
      status: 'failed',
      attempts: 6,
      lastError: 'boom',
      nextAttemptAt: null,
      descriptor: { path: '/Tenant B/secret-recording.mp3' },
    });
  }, 120_000);
  afterAll(async () => stack?.close());

  const settingsOf = async (tenantId: string) => (await stack.services.store.getTenant(tenantId))!.settings;

  it("gives tenant A a 404 for tenant B's resources and never shows B's data", async () => {
    await a.browser.agent.get(`/runs/${runOfB}`).expect(404);
    const token = await a.browser.csrfToken();
    await a.browser.agent
      .post('/archive-log/retry')
      .type('form')
      .send({ _csrf: token, kind: 'recording', sourceId: 'rec-of-b', attachmentId: '' })
      .expect(404);
    expect(
      (
        await stack.services.store.getOutstanding(b.tenantId, {
          kind: 'recording',
          sourceId: 'rec-of-b',
          attachmentId: '',
        })
      )?.status,
    ).toBe('failed');

    for (const path of [
      '/dashboard',
      '/runs',
      '/archive-log?status=failed',
      '/archive-log.csv?status=failed',
      '/archive/browse',
      '/search',
      '/access-log',
      '/settings',
    ]) {
      const res = await a.browser.agent.get(path).expect(200);
      expect(res.text, path).not.toContain('Tenant B');
      expect(res.text, path).not.toContain('rec-of-b');
      expect(res.text, path).not.toContain('b@example.com');
    }
    // B sees its own item.
    expect((await b.browser.agent.get('/archive-log?status=failed').expect(200)).text).toContain('rec-of-b');
  });

  it('answers malformed OAuth callbacks with 400 and stores nothing', async () => {
    const before = await stack.services.store.listTenants();
    const anonymous = request.agent(stack.app);
    for (const query of [
      '',
      '?code=',
      '?state=',
      `?code=x&state=${'s'.repeat(5000)}`,
      '?error=access_denied&error_description=%3Cscript%3E',
      '?code[]=a&code[]=b&state=x',
      '?code=%ZZ&state=%ZZ',
    ]) {
      const res = await anonymous.get(`/connect/ringcentral/callback${query}`);
      expect(res.status, query).toBe(400);
      expect(res.text).not.toContain('<script>');
    }
    await a.browser.agent.get('/connect/dropbox/callback?code=abc&state=nope').expect(400);
    expect((await stack.services.store.listTenants()).length).toBe(before.length);
  });

  it('refuses invalid or oversized settings with a clear 400 and changes nothing', async () => {
    const before = await settingsOf(a.tenantId);
    const token = await a.browser.csrfToken('/settings');
    const valid = {
      _csrf: token,
      callLog: 'on',
      recordings: 'on',
      extensionsMode: 'all',
      folderTemplate: '{company}/{yyyy}/{type}',
      fileTemplate: '{date}_{id}',
      timezone: 'UTC',
      lookbackHours: '48',
    };
    const cases: Array<[Record<string, string>, RegExp]> = [
      [{ folderTemplate: '{company}/<bad>|name' }, /folder/i],
      [{ folderTemplate: '../{company}' }, /\.\./],
      [{ folderTemplate: '/{company}/{yyyy}' }, /absolute|start/i],
      [{ fileTemplate: '{date}' }, /\{id\}/],
      [{ folderTemplate: `{company}/${'x'.repeat(10_000)}` }, /300|long/i],
      [{ lookbackHours: '9999' }, /168/],
      [{ lookbackHours: 'abc' }, /whole number|number/i],
      [{ timezone: 'Mars/Olympus' }, /time zone/i],
      [{ backfillFrom: '2999-01-01' }, /future/i],
      [{ backfillFrom: '2026-02-30' }, /date|day/i],
      [
        { backfillFrom: '0001-01-01' },
        /before anything RingCentral still holds.*12 months.*Choose \d{4}-\d{2}-\d{2}/,
      ],
      [
        {
          extensionsMode: 'include',
          extensionIds: Array.from({ length: 1000 }, (_, i) => String(i + 1)).join(','),
        },
        /500/,
      ],
      [{ callLog: '', recordings: '' }, /pause|at least/i],
    ];
    for (const [change, message] of cases) {
      const body = { ...valid, ...change };
      for (const key of Object.keys(change))
        if (change[key] === '') delete (body as Record<string, string>)[key];
      const res = await a.browser.agent.post('/settings').type('form').send(body);
      expect(res.status, JSON.stringify(change).slice(0, 80)).toBe(400);
      expect(res.text, JSON.stringify(change).slice(0, 80)).toMatch(message);
      expect(res.text).toContain('Nothing was saved');
      expect(await settingsOf(a.tenantId)).toEqual(before);
    }
  });

  it('refuses invalid bodies with a 4xx and half-changes nothing', async () => {
    const token = await a.browser.csrfToken();
    const before = (await stack.services.store.getTenant(a.tenantId)) as unknown as JsonObject;
    // Oversized form body.
    const huge = await a.browser.agent
      .post('/settings')
      .type('form')
      .send({ _csrf: token, folderTemplate: 'x'.repeat(100_000) });
    expect(huge.status).toBe(413);
    // Too many fields.
    const fields = Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`f${i}`, 'x']));
    expect(
      (
        await a.browser.agent
          .post('/settings')
          .type('form')
          .send({ _csrf: token, ...fields })
      ).status,
    ).toBeGreaterThanOrEqual(400);
    // Retry without the item's key, with an unknown kind filter, uninstall without confirming.
    await a.browser.agent.post('/archive-log/retry').type('form').send({ _csrf: token }).expect(400);
    await a.browser.agent.get('/archive-log?kind=bogus').expect(400);
    await a.browser.agent.get('/runs/not-a-number').expect(404);
    const uninstall = await a.browser.agent
      .post('/uninstall')
      .type('form')
      .send({ _csrf: token, confirm: 'yes' });
    expect(uninstall.status).toBe(400);
    expect(uninstall.text).toMatch(/Type (&quot;|")uninstall(&quot;|") to confirm/);
    expect((await stack.services.store.getTenant(a.tenantId)) as unknown as JsonObject).toEqual(before);
    expect(await stack.services.store.getConnection(a.tenantId, 'dropbox')).not.toBeNull();
    // JSON where a form is expected is not understood as settings: nothing changes.
    const json = await a.browser.agent
      .post('/settings')
      .set('Content-Type', 'application/json')
      .send('{"_csrf":"x","lookbackHours":1}');
    expect(json.status).toBe(403);
    expect((await stack.services.store.getTenant(a.tenantId)) as unknown as JsonObject).toEqual(before);
  });
});
