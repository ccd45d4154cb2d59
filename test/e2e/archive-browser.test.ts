import { createHash } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../src/sandbox/ringcentral/inventory.ts';
import { runArchive } from '../support/archive-run.ts';
import { REPO_ROOT } from '../support/processes.ts';
import { startStack, type TestStack } from '../support/stack.ts';

/**
 * The archive in a real browser (Chromium), against the product on a local port with both
 * simulators: a phone number taken from the simulator's data finds its call, its recording plays
 * (the audio element learns a duration, and the bytes behind the link it was sent to are the
 * simulator's), a fax and an MMS picture display, browsing from the root reaches a file, and the
 * dashboard's charts are drawn. Screenshots land in test-artifacts/e2e/.
 */
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
/** The parts of the page's elements read here (the tests compile without the DOM's types). */
interface Audio {
  play(): Promise<void>;
  duration: number;
}
interface Picture {
  complete: boolean;
  naturalWidth: number;
}
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the archive in a browser', () => {
  let stack: TestStack;
  let browser: Browser;
  let page: Page;
  let inventory: Inventory;
  const cspViolations: string[] = [];
  const screenshot = (name: string) =>
    page.screenshot({ path: join(ARTIFACTS, `archive-${name}.png`), fullPage: true });

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startStack({
      listen: true,
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 200, Medium: 400, Light: 500 },
        accounts: [
          {
            seed: 4242,
            extensions: 3,
            days: 2,
            callsPerExtensionPerDay: 4,
            recordedShare: 0.6,
            messagesPerExtensionPerDay: 4,
            recordingSizeRange: [40_000, 120_000],
          },
        ],
      },
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--headless=new',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--autoplay-policy=no-user-gesture-required',
      ],
    });
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
        cspViolations.push(message.text());
    });
    // Install as an admin would: sign in with RingCentral, connect Dropbox, then one backup.
    await page.goto(`${stack.baseUrl}/connect/ringcentral`);
    await page.fill('input[name="login"]', '101');
    await page.click('button[value="allow"]');
    await page.waitForURL(`${stack.baseUrl}/dashboard`);
    await page.click('[data-testid="connect-dropbox"]');
    await page.fill('input[name="account"]', 'browser@example.com');
    await page.click('button[value="allow"]');
    await page.waitForURL(`${stack.baseUrl}/dashboard`);
    const tenantId = stack.rc.accounts()[0]!.accountId;
    expect(await runArchive(stack, tenantId)).toMatchObject({ outcome: 'finished', status: 'succeeded' });
    inventory = await stack.rc.inventory(tenantId);
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('finds a call by a number from the simulator and plays its recording from the link', async () => {
    const call = inventory.callLog.find(
      (c) => c.recording && c.from && c.from.replace(/\D/g, '').length >= 10,
    )!;
    expect(call).toBeDefined();
    const national = call.from!.replace(/\D/g, '').slice(-10);
    await page.goto(`${stack.baseUrl}/search`);
    await page.fill(
      'input[name="q"]',
      `(${national.slice(0, 3)}) ${national.slice(3, 6)}-${national.slice(6)}`,
    );
    await page.click('button:has-text("Search")');
    await page.waitForURL(/\/search\?q=/);
    const result = page.locator(`a[href="/items/call-${call.id}"]`);
    expect(await result.count()).toBe(1);
    await screenshot('1-search');

    await result.click();
    await page.waitForURL(`${stack.baseUrl}/items/call-${call.id}`);
    const links: string[] = [];
    page.on('response', (response) => {
      if (/\/items\/[^/]+\/content/.test(response.url()) && response.status() === 302)
        links.push(response.headers().location!);
    });
    const player = page.locator('audio[data-testid="player"]');
    await player.evaluate((audio) => (audio as unknown as Audio).play().catch(() => undefined));
    await expect
      .poll(() => player.evaluate((audio) => (audio as unknown as Audio).duration), { timeout: 15_000 })
      .toBeGreaterThan(0);
    await screenshot('2-playing');
    expect(links.length).toBeGreaterThan(0);
    expect(links[0]).toMatch(/\/cd\/0\/get\//);
    const bytes = new Uint8Array(await (await fetch(links[0]!)).arrayBuffer());
    expect(sha256(bytes)).toBe(call.recording!.sha256);

    await page.goto(`${stack.baseUrl}/access-log`);
    expect(
      await page.locator(`[data-testid="access-log"] a[href="/items/call-${call.id}"]`).count(),
    ).toBeGreaterThan(0);
    await screenshot('3-access-log');
  }, 60_000);

  it('shows a fax and an MMS picture', async () => {
    const fax = inventory.messages.find((m) => m.type === 'Fax')!;
    const mms = inventory.messages.find((m) => m.attachments.some((a) => a.type === 'MmsAttachment'))!;
    expect(fax && mms).toBeTruthy();

    const documents: Array<{ type: string; status: number }> = [];
    page.on('response', (response) => {
      if (/\/cd\/0\/get\//.test(response.url()))
        documents.push({ type: response.headers()['content-type'] ?? '', status: response.status() });
    });
    await page.goto(`${stack.baseUrl}/items/fax-${fax.id}`);
    const frame = page.locator('iframe[data-testid="document"]');
    expect(await frame.count()).toBeGreaterThan(0);
    await expect
      .poll(() => documents.some((d) => d.type === 'application/pdf' && d.status === 200))
      .toBe(true);
    expect((await frame.first().boundingBox())!.height).toBeGreaterThan(200);
    // The PDF viewer draws its pages a moment after the bytes arrive: let the screenshot show them.
    await page.waitForTimeout(2_000);
    await screenshot('4-fax');

    await page.goto(`${stack.baseUrl}/items/mms-${mms.id}`);
    const picture = page.locator('img[data-testid="picture"]').first();
    await expect
      .poll(
        () =>
          picture.evaluate((img) =>
            (img as unknown as Picture).complete ? (img as unknown as Picture).naturalWidth : 0,
          ),
        {
          timeout: 10_000,
        },
      )
      .toBeGreaterThan(0);
    await screenshot('5-mms');
  }, 60_000);

  it('browses from the root to a file', async () => {
    await page.goto(`${stack.baseUrl}/archive/browse`);
    await screenshot('6-browse-root');
    for (
      let depth = 0;
      depth < 10 && (await page.locator('[data-testid="files"] tbody tr').count()) === 0;
      depth += 1
    ) {
      await page.locator('[data-testid="folders"] tbody a').first().click();
      await page.waitForLoadState();
    }
    const open = page.locator('[data-testid="files"] tbody a', { hasText: /^(Open|Play)$/ }).first();
    expect(await open.count()).toBe(1);
    expect(await page.locator('[data-testid="breadcrumbs"] a').count()).toBeGreaterThan(3);
    await screenshot('7-browse-files');
    const response = await page.context().request.get(`${stack.baseUrl}${await open.getAttribute('href')}`, {
      maxRedirects: 0,
    });
    expect(response.status()).toBe(302);
    expect((await fetch(response.headers().location!)).status).toBe(200);
  }, 60_000);

  it('draws the charts on the dashboard', async () => {
    await page.goto(`${stack.baseUrl}/dashboard`);
    const perDay = page.locator('svg[data-testid="chart-per-day"]');
    expect(await perDay.locator('rect').count()).toBeGreaterThan(0);
    expect((await perDay.boundingBox())!.width).toBeGreaterThan(300);
    const bar = await perDay.locator('rect').first().boundingBox();
    expect(bar!.height).toBeGreaterThan(0);
    const backlog = page.locator('svg[data-testid="chart-backlog"] polyline');
    expect(await backlog.count()).toBe(2);
    await page
      .locator('[data-testid="charts"]')
      .screenshot({ path: join(ARTIFACTS, 'archive-8-charts.png') });
    expect(cspViolations).toEqual([]);
  }, 30_000);
});
