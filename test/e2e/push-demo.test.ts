import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, startDemo } from '../support/demo.ts';
import { REPO_ROOT, type Spawned } from '../support/processes.ts';

/**
 * Push notifications in `npm run demo`: once a company is connected, an SMS added through the
 * RingCentral simulator reaches the simulated Dropbox within two minutes without anyone clicking
 * anything — the simulator notifies the demo's webhook, an early run archives the message — and the
 * dashboard shows the notifications live with the last one's time. Screenshots in test-artifacts/e2e/.
 */
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e');

interface DropboxFiles {
  accounts: Array<{ email: string; files: Array<{ path_display: string }> }>;
}

describe('an SMS reaches Dropbox by notification in the demo', () => {
  let demo: Spawned;
  let browser: Browser;
  let page: Page;
  let base: string;
  let rcSim: string;
  let dbxSim: string;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    ({ demo, base, rcSim, dbxSim } = await startDemo({ extensions: 3, days: 1 }));
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  }, 90_000);

  afterAll(async () => {
    await browser?.close();
    demo?.child.kill('SIGTERM');
    await demo?.exited();
  });

  const dashboardText = async () => {
    await page.reload();
    return (await page.textContent('main')) ?? '';
  };

  it('archives a new SMS within two minutes, with no click', async () => {
    await page.goto(base);
    await page.getByRole('link', { name: 'Connect RingCentral' }).first().click();
    await page.fill('input[name="login"]', '101');
    await page.click('button[value="allow"]');
    await page.waitForURL(`${base}/dashboard`);
    await page.click('[data-testid="connect-dropbox"]');
    await page.fill('input[name="account"]', 'push@example.com');
    await page.click('button[value="allow"]');
    await page.waitForURL(`${base}/dashboard`);
    // The first backup subscribes the company to RingCentral's notifications.
    await expect
      .poll(dashboardText, { timeout: 90_000, interval: 1_000 })
      .toMatch(/Last run: succeeded[\s\S]*Notifications live[\s\S]*Last notification: none yet/);
    await page.screenshot({ path: join(ARTIFACTS, 'push-1-live.png'), fullPage: true });

    const added = (await (
      await fetch(`${rcSim}/__sim/activity`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ extensionNumber: '102', sms: 1 }),
      })
    ).json()) as { messages: Array<{ id: string }> };
    const messageId = added.messages[0]!.id;
    const addedAt = Date.now();

    // Nothing is clicked from here on: the page is only reloaded to watch.
    const inDropbox = async () => {
      const files = (await (await fetch(`${dbxSim}/__sim/files`)).json()) as DropboxFiles;
      return files.accounts
        .flatMap((a) => a.files)
        .some((f) => f.path_display.includes('/SMS/') && f.path_display.includes(messageId));
    };
    await expect.poll(inDropbox, { timeout: 120_000, interval: 500 }).toBe(true);
    const seconds = (Date.now() - addedAt) / 1000;
    expect(seconds).toBeLessThan(120);

    const text = await dashboardText();
    expect(text).toMatch(/Notifications live/);
    expect(text).not.toMatch(/Last notification: none yet/);
    expect(text).toMatch(/notification/); // the early run is listed among the recent runs
    await page.screenshot({ path: join(ARTIFACTS, 'push-2-sms-archived.png'), fullPage: true });
    await page.goto(`${base}/search`);
    expect(await page.locator(`[data-testid="search-results"] a[href$="-${messageId}"]`).count()).toBe(1);
    await page.screenshot({ path: join(ARTIFACTS, 'push-3-search.png'), fullPage: true });
  }, 240_000);
});
