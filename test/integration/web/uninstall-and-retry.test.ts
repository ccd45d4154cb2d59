import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callsCsv } from '../../../src/archive/report-csv.ts';
import type { RingCentralTokens } from '../../../src/connections/index.ts';
import type { DropboxTokens } from '../../../src/connections/index.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

describe('retrying failed items and uninstalling', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' }, rc: { limits: { Auth: 100 } } });
  }, 60_000);
  afterAll(async () => stack?.close());

  it('puts a failed item back in line for the next backup, which starts now', async () => {
    const { tenantId, browser } = await onboardTenant(stack, { email: 'retry@example.com' });
    const key = { kind: 'fax', sourceId: 'm-1', attachmentId: 'a-1' };
    await stack.services.store.saveOutstanding({
      tenantId,
      ...key,
      status: 'failed',
      attempts: 6,
      lastError: 'Dropbox answered 500 six times',
      nextAttemptAt: null,
      descriptor: { path: '/x/fax.pdf' },
    });
    const page = await browser.agent.get('/archive-log?status=failed').expect(200);
    expect(page.text).toContain('Dropbox answered 500 six times');
    expect(page.text).toContain('>Retry<');
    const token = await browser.csrfToken('/archive-log?status=failed');
    await browser.agent
      .post('/archive-log/retry')
      .type('form')
      .send({ _csrf: token, ...key })
      .expect(303);
    const item = await stack.services.store.getOutstanding(tenantId, key);
    expect(item).toMatchObject({ status: 'pending' });
    expect(item!.nextAttemptAt!.getTime()).toBeLessThanOrEqual(Date.now());
    expect((await stack.services.scheduler.status(tenantId))?.nextRunAt?.getTime()).toBeLessThanOrEqual(
      Date.now(),
    );
    const csv = await browser.agent.get('/archive-log.csv?status=pending').expect(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toContain('pending,fax,m-1,a-1');
  });

  it('defuses spreadsheet formulas in the archive-log download exactly as the daily CSV files do', async () => {
    const { tenantId, browser } = await onboardTenant(stack, { email: 'formulas@example.com' });
    // Text from outside: a reason quoting a caller's name, a path built from a phone number.
    const hostile = ['=HYPERLINK("http://evil.example","x")', '+15551230000', '-2+3', '@SUM(A1)'];
    for (const [i, text] of hostile.entries())
      await stack.services.store.saveOutstanding({
        tenantId,
        kind: 'fax',
        sourceId: `f-${i}`,
        attachmentId: '',
        status: 'failed',
        attempts: 6,
        lastError: text,
        nextAttemptAt: null,
        descriptor: { path: text },
      });
    const res = await browser.agent.get('/archive-log.csv?status=failed').expect(200);
    // UTF-8 with a byte-order mark and CRLF, as the daily files.
    expect(res.text.startsWith('\uFEFFstatus,')).toBe(true);
    expect(res.text).toContain('\r\n');
    const rows = parse<Record<string, string>>(res.text, { bom: true, columns: true });
    const daily = parse<Record<string, string>>(
      callsCsv(
        hostile.map((text, i) => ({
          start: '2026-01-01T00:00:00Z',
          durationSeconds: 1,
          direction: 'Inbound',
          from: text,
          to: '',
          extension: '',
          result: '',
          type: '',
          recordingPath: '',
          callId: String(i),
        })),
      ),
      { bom: true, columns: true },
    );
    for (const [i, text] of hostile.entries()) {
      const row = rows.find((r) => r.source_id === `f-${i}`)!;
      expect(row.reason).toBe(`'${text}`);
      expect(row.path).toBe(`'${text}`);
      expect(row.reason).toBe(daily.find((r) => r['Call ID'] === String(i))!.From);
    }
  });

  it('revokes both authorizations, deletes tokens, settings and the job, and keeps the audit trail', async () => {
    const { tenantId, browser } = await onboardTenant(stack, {
      accountIndex: 0,
      email: 'leaving@example.com',
    });
    const { store, connections } = stack.services;
    const rc = connections.vault.open<RingCentralTokens>(
      tenantId,
      'ringcentral',
      (await store.getConnection(tenantId, 'ringcentral'))!.tokenCiphertext,
    );
    const dbx = connections.vault.open<DropboxTokens>(
      tenantId,
      'dropbox',
      (await store.getConnection(tenantId, 'dropbox'))!.tokenCiphertext,
    );
    expect(await stack.services.scheduler.status(tenantId)).not.toBeNull();

    const token = await browser.csrfToken('/uninstall');
    await browser.agent
      .post('/uninstall')
      .type('form')
      .send({ _csrf: token, confirm: 'uninstall' })
      .expect(303);

    expect(await store.getTenant(tenantId)).toBeNull();
    expect(await store.getConnection(tenantId, 'ringcentral')).toBeNull();
    expect(await store.getConnection(tenantId, 'dropbox')).toBeNull();
    expect(await stack.services.scheduler.status(tenantId)).toBeNull();
    expect((await store.listAudit(tenantId)).map((e) => e.action)).toContain('tenant.uninstalled');
    // The tokens are dead at both providers.
    const rcAnswer = await fetch(`${stack.rc.url}/restapi/v1.0/account/~`, {
      headers: { authorization: `Bearer ${rc.access_token}` },
    });
    expect(rcAnswer.status).toBe(401);
    const dbxAnswer = await fetch(`${stack.dbx.url}/2/users/get_current_account`, {
      method: 'POST',
      headers: { authorization: `Bearer ${dbx.access_token}` },
    });
    expect(dbxAnswer.status).toBe(401);
    // The session is gone too.
    await browser.agent.get('/dashboard').expect(303);
  });
});
