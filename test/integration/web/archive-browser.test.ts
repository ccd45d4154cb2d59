import { createHash } from 'node:crypto';
import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger.ts';
import type { Inventory } from '../../../src/sandbox/ringcentral/inventory.ts';
import { runArchive } from '../../support/archive-run.ts';
import type { BrowserFlow } from '../../support/browser-flow.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * The archive in the browser, company by company: search finds a call from any format of its
 * number, playback is a 302 to a short-lived link whose bytes are the recording's, every access is
 * in the access log, and company A can neither find nor open company B's items, even by guessing
 * their ids. The link never reaches the log, the sessions or the database. Archives made before
 * search existed are indexed once by the next run.
 */
const LINK = /\/cd\/0\/get\/|dropboxusercontent/;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('search, playback and browsing, company by company', () => {
  let stack: TestStack;
  let logged = '';
  let a: { tenantId: string; browser: BrowserFlow };
  let b: { tenantId: string; browser: BrowserFlow };
  let inventoryA: Inventory;
  let inventoryB: Inventory;

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    const account = { extensions: 3, days: 2, callsPerExtensionPerDay: 4, recordedShare: 0.6 };
    stack = await startStack({
      logger: createLogger('trace', { destination: sink }),
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' },
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Auth: 100, Heavy: 200, Medium: 400, Light: 500 },
        accounts: [
          { seed: 131, companyName: 'Company A', ...account },
          { seed: 132, companyName: 'Company B', ...account },
        ],
      },
    });
    a = await onboardTenant(stack, { accountIndex: 0, email: 'a@example.com' });
    b = await onboardTenant(stack, { accountIndex: 1, email: 'b@example.com' });
    for (const tenant of [a, b]) expect((await runArchive(stack, tenant.tenantId)).outcome).toBe('finished');
    inventoryA = await stack.rc.inventory(a.tenantId);
    inventoryB = await stack.rc.inventory(b.tenantId);
  }, 180_000);
  afterAll(async () => stack?.close());

  const recordedCall = (inventory: Inventory) =>
    inventory.callLog.find((c) => c.recording && c.from && c.from.replace(/\D/g, '').length >= 10)!;

  it('finds a call by its number in any format, newest first, with counts per kind', async () => {
    const call = recordedCall(inventoryA);
    const digits = call.from!.replace(/\D/g, '');
    const national = digits.slice(-10);
    for (const q of [
      call.from!,
      `+1 (${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`,
      national,
      `${national.slice(3, 6)}-${national.slice(6)}`,
    ]) {
      const res = await a.browser.agent.get(`/search?q=${encodeURIComponent(q)}`).expect(200);
      expect(res.text, q).toContain(`/items/call-${call.id}`);
    }
    const withRecording = await a.browser.agent
      .get(`/search?q=${encodeURIComponent(national)}&kind=call&recording=with`)
      .expect(200);
    expect(withRecording.text).toContain(`/items/call-${call.id}`);
    const without = await a.browser.agent
      .get(`/search?q=${encodeURIComponent(national)}&recording=without`)
      .expect(200);
    expect(without.text).not.toContain(`/items/call-${call.id}`);
    // Everything, newest first, and the count of calls is the company's.
    const all = await a.browser.agent.get('/search?kind=call').expect(200);
    const times = [...all.text.matchAll(/<td>(\d{4}-\d{2}-\d{2} \d{2}:\d{2}) UTC<\/td>/g)].map((m) => m[1]!);
    expect(times.length).toBeGreaterThan(5);
    expect([...times].sort().reverse()).toEqual(times);
    expect(all.text).toMatch(new RegExp(`Call log records ${inventoryA.callLog.length}\\b`));
    await a.browser.agent.get('/search?from=2026-02-30').expect(400);
    await a.browser.agent.get('/search?kind=report').expect(400);
  });

  it('plays a recording through a short-lived link, writes it to the access log, and stores the link nowhere', async () => {
    const call = recordedCall(inventoryA);
    const page = await a.browser.agent.get(`/items/call-${call.id}`).expect(200);
    expect(page.text).toContain('<audio');
    const src = /<audio[^>]*src="([^"]+)"/.exec(page.text)![1]!.replace(/&amp;/g, '&');
    const redirect = await a.browser.agent.get(src).expect(302);
    const location = redirect.headers.location!;
    expect(location).toMatch(LINK);
    expect(location.startsWith(stack.dbx.url)).toBe(true);
    const bytes = new Uint8Array(await (await fetch(location)).arrayBuffer());
    expect(sha256(bytes)).toBe(call.recording!.sha256);
    // A second click asks for a new link.
    expect((await a.browser.agent.get(src).expect(302)).headers.location).not.toBe(location);

    const log = await a.browser.agent.get('/access-log').expect(200);
    expect(log.text).toContain(`/items/call-${call.id}`);
    expect(log.text).toContain('Played');
    const audit = await stack.services.store.listAudit(a.tenantId, {
      newestFirst: true,
      actions: ['item.played'],
    });
    expect(audit[0]?.details).toMatchObject({ item: `call-${call.id}` });

    // Not in the log, the sessions or the database.
    const token = /\/get\/([^/]+)\//.exec(location)![1]!;
    // The request itself is logged (with its 302), the address it was sent to is not.
    expect(logged).toMatch(/"url":"\/items\/call-[^"]+\/content\?file=1&as=play"[^\n]*"statusCode":302/);
    expect(logged).not.toContain(token);
    expect(logged).not.toMatch(LINK);
    const keys = await stack.redis.keys(`${stack.services.config.SESSION_PREFIX}*`);
    expect(keys.length).toBeGreaterThan(0);
    for (const key of keys) {
      const value = (await stack.redis.get(key).catch(() => '')) ?? '';
      expect(value).not.toContain(token);
    }
    const db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
    try {
      const { rows } = await db.query<{ table_name: string }>(
        `SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'`,
      );
      expect(rows.length).toBeGreaterThan(5);
      for (const { table_name } of rows) {
        const found = await db.query(`SELECT 1 FROM "${table_name}" t WHERE t::text LIKE $1 LIMIT 1`, [
          `%${token}%`,
        ]);
        expect(found.rowCount, table_name).toBe(0);
      }
    } finally {
      await db.end();
    }
  });

  it("gives company A nothing of company B's, even with guessed ids", async () => {
    const theirs = recordedCall(inventoryB);
    const ours = new Set(inventoryA.callLog.map((c) => c.from));
    const number = inventoryB.callLog.find(
      (c) => c.from && !ours.has(c.from) && c.from.replace(/\D/g, '').length >= 10,
    )!;
    const search = await a.browser.agent.get(`/search?q=${encodeURIComponent(number.from!)}`).expect(200);
    expect(search.text).not.toContain(number.id);
    expect(search.text).toContain('Nothing found');
    // B finds it.
    expect((await b.browser.agent.get(`/search?q=${encodeURIComponent(number.from!)}`)).text).toContain(
      number.id,
    );
    await a.browser.agent.get(`/items/call-${theirs.id}`).expect(404);
    await a.browser.agent.get(`/items/call-${theirs.id}/content?file=1&as=play`).expect(404);
    await a.browser.agent
      .get(`/archive/file?kind=recording&sourceId=${theirs.recording!.id}&attachmentId=&as=play`)
      .expect(404);
    await a.browser.agent.get(`/archive/browse?path=${encodeURIComponent('/Company B')}`).expect(404);
    for (const id of ['call-', 'call-../../x', 'nope-1', `report-${theirs.id}`])
      await a.browser.agent.get(`/items/${id}`).expect(404);
    const audit = await stack.services.store.listAudit(b.tenantId, {
      actions: ['item.played', 'item.viewed'],
    });
    expect(audit).toEqual([]);
  });

  it('browses from the root, one folder at a time, to a file that opens', async () => {
    let path = '';
    for (let depth = 0; depth < 12; depth += 1) {
      const res = await a.browser.agent
        .get(path ? `/archive/browse?path=${encodeURIComponent(path)}` : '/archive/browse')
        .expect(200);
      expect(res.text).not.toContain('Company B');
      const file = /href="(\/archive\/file\?[^"]+)"/.exec(res.text);
      if (file) {
        const redirect = await a.browser.agent.get(file[1]!.replace(/&amp;/g, '&')).expect(302);
        expect(redirect.headers.location).toMatch(LINK);
        expect((await fetch(redirect.headers.location!)).status).toBe(200);
        return;
      }
      const folder = /href="\/archive\/browse\?path=([^"]+)"/g;
      const links = [...res.text.matchAll(folder)].map((m) => decodeURIComponent(m[1]!));
      const deeper = links.find((l) => l.length > path.length && l.startsWith(path));
      expect(deeper, `a sub-folder of ${path || 'the root'}`).toBeDefined();
      path = deeper!;
    }
    throw new Error('no file reached');
  });

  it('draws the dashboard charts from the runs', async () => {
    const page = (await a.browser.agent.get('/dashboard').expect(200)).text;
    const perDay = /<svg[^>]*data-testid="chart-per-day"[\s\S]*?<\/svg>/.exec(page)![0];
    const bars = [...perDay.matchAll(/<rect [^>]*height="([\d.]+)"[^>]*><title>([^<]+)<\/title>/g)];
    expect(bars.length).toBeGreaterThan(0);
    expect(bars.every(([, h]) => Number(h) > 0)).toBe(true);
    expect(bars.map(([, , title]) => title).join('\n')).toMatch(/Call log records/);
    const backlog = /<svg[^>]*data-testid="chart-backlog"[\s\S]*?<\/svg>/.exec(page)![0];
    expect(backlog).toMatch(/<polyline class="series backlog" points="[\d.]+,[\d.]+/);
    expect(backlog).toMatch(/<polyline class="series capacity" points="[\d.]+,[\d.]+/);
  });

  it('indexes an archive made before search existed, once', async () => {
    const before = await stack.services.store.searchItems(a.tenantId, { limit: 200 });
    expect(before.items.length).toBeGreaterThan(10);
    const db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
    try {
      await db.query('DELETE FROM search_items WHERE tenant_id = $1', [a.tenantId]);
      await db.query(`DELETE FROM tenant_state WHERE tenant_id = $1 AND key = 'search-backfill'`, [
        a.tenantId,
      ]);
    } finally {
      await db.end();
    }
    expect((await stack.services.store.searchItems(a.tenantId, {})).items).toEqual([]);
    expect((await runArchive(stack, a.tenantId)).outcome).toBe('finished');
    const after = await stack.services.store.searchItems(a.tenantId, { limit: 200 });
    expect(after.counts).toEqual(before.counts);
    expect(after.items.map((e) => [e.kind, e.sourceId, e.from, e.hasRecording])).toEqual(
      before.items.map((e) => [e.kind, e.sourceId, e.from, e.hasRecording]),
    );
    expect((await stack.services.store.getState(a.tenantId, 'search-backfill'))?.value).toMatchObject({
      done: true,
    });
  });
});
