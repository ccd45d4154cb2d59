import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startDemo } from '../support/demo.ts';
import { REPO_ROOT, type Spawned } from '../support/processes.ts';

/**
 * A new admin's whole first visit in a real browser, against the product as `npm run demo` runs it
 * (web, worker, embedded database and both simulators in one process): install, connect both
 * providers, watch the first backup, change settings, back up now, sign out and back in.
 * A screenshot of every page lands in test-artifacts/e2e/.
 */
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e');

describe('first visit in a browser', () => {
  let demo: Spawned;
  let browser: Browser;
  let page: Page;
  let base: string;
  let shot = 0;
  const cspViolations: string[] = [];
  const screenshot = async (name: string) => {
    shot += 1;
    await page.screenshot({
      path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-${name}.png`),
      fullPage: true,
    });
  };

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    ({ demo, base } = await startDemo({ extensions: 4, days: 3 }));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    // The pages must satisfy their own Content-Security-Policy: any refusal shows up here.
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy/i.test(message.text()))
        cspViolations.push(message.text());
    });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    demo?.child.kill('SIGTERM');
    await demo?.exited();
  });

  it('installs, connects both, backs up, changes settings, signs out and back in', async () => {
    await page.goto(base);
    expect(await page.textContent('h1')).toContain('Keep every call');
    await screenshot('install-page');

    await page.getByRole('link', { name: 'Connect RingCentral' }).first().click();
    await page.waitForSelector('input[name="login"]');
    await screenshot('ringcentral-consent');
    await page.fill('input[name="login"]', '101');
    await page.click('button[value="allow"]');
    await page.waitForURL(`${base}/dashboard`);
    expect(await page.textContent('body')).toContain('Now connect where the archive should go');
    await screenshot('dashboard-before-dropbox');

    await page.click('[data-testid="connect-dropbox"]');
    await page.waitForSelector('input[name="account"]');
    await screenshot('dropbox-consent');
    await page.fill('input[name="account"]', 'owner@example.com');
    await page.click('button[value="allow"]');
    await page.waitForURL(`${base}/dashboard`);
    expect(await page.textContent('[data-testid="dropbox-account"]')).toBe('owner@example.com');
    await screenshot('dashboard-connected');

    // The first backup starts by itself; the page follows it and shows the totals when done.
    await expect
      .poll(
        async () => {
          await page.reload();
          return (await page.textContent('main')) ?? '';
        },
        { timeout: 90_000, interval: 1_000 },
      )
      .toMatch(/Last run: succeeded[\s\S]*Call recordings/);
    await screenshot('dashboard-after-first-backup');
    // The capacity panel: inflow, what the connected users can download, backlog, loss, advice.
    const capacity = page.locator('[data-testid="capacity-panel"]');
    expect(await capacity.textContent()).toMatch(
      /Recordings a day[\s\S]*Downloads a day[\s\S]*Backlog[\s\S]*Projected loss/,
    );
    expect(await page.textContent('[data-testid="capacity-advice"]')).toMatch(/keep up|To lose nothing/);
    shot += 1;
    await capacity.screenshot({
      path: join(ARTIFACTS, `${String(shot).padStart(2, '0')}-capacity-panel.png`),
    });

    await page.click('text=Browse folders');
    expect(await page.locator('[data-testid="folders"] tbody tr').count()).toBeGreaterThan(0);
    await screenshot('browse-root');

    await page.goto(`${base}/settings`);
    await page.fill('#lookbackHours', '72');
    await page.fill('#fileTemplate', '{date}_{time}_{direction}_{id}');
    await expect
      .poll(() => page.textContent('[data-testid="example-path"]'), { timeout: 5_000 })
      .toMatch(/_inbound_1662272004\.mp3$/);
    await screenshot('settings-editing');
    await page.click('button:has-text("Save settings")');
    await page.waitForURL(`${base}/settings?saved=1`);
    expect(await page.inputValue('#lookbackHours')).toBe('72');
    await screenshot('settings-saved');

    await page.goto(`${base}/dashboard`);
    await page.click('button:has-text("Back up now")');
    await page.waitForURL(`${base}/dashboard`);
    expect(await page.textContent('body')).toContain('Backup started');
    await screenshot('back-up-now');

    await page.goto(`${base}/archive-log`);
    expect(await page.locator('[data-testid="archive-log"] tbody tr').count()).toBeGreaterThan(5);
    await screenshot('archive-log');

    await page.click('button:has-text("Sign out")');
    await page.waitForURL(`${base}/`);
    await page.goto(`${base}/dashboard`);
    expect(page.url()).toBe(`${base}/?signin=required`);
    await page.getByText('Sign in with RingCentral to continue.').waitFor();
    await screenshot('signed-out');

    await page.getByRole('link', { name: 'Sign in with RingCentral' }).first().click();
    await page.waitForSelector('input[name="login"]');
    await page.fill('input[name="login"]', '101');
    await page.click('button[value="allow"]');
    await page.waitForURL(`${base}/dashboard`);
    expect(await page.textContent('[data-testid="dropbox-account"]')).toBe('owner@example.com');
    await screenshot('signed-in-again');
    expect(cspViolations).toEqual([]);
  }, 180_000);
});
