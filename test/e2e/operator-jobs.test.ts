import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BrowserFlow } from '../support/browser-flow.ts';
import { REPO_ROOT } from '../support/processes.ts';
import { startStack, type TestStack } from '../support/stack.ts';

const PASSWORD = 'operator-password-for-the-browser';
const ARTIFACTS = join(REPO_ROOT, 'test-artifacts', 'e2e');
const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * The operator pages in a real browser: Agendash at /admin/jobs renders its job list under the
 * app's strict Content-Security-Policy (no inline script or style allowed), and so does /admin.
 */
describe('operator pages in a browser', () => {
  let stack: TestStack;
  let server: Server;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    await mkdir(ARTIFACTS, { recursive: true });
    stack = await startStack({ env: { OPERATOR_PASSWORD: PASSWORD } });
    const admin = new BrowserFlow(stack);
    await admin.signInWithRingCentral();
    await admin.connectDropbox('browser-ops@example.com');
    server = createServer(stack.app);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
  }, 90_000);
  afterAll(async () => {
    await browser?.close();
    await new Promise((resolve) => server?.close(resolve));
    await stack?.close();
  });

  it('shows the job list and the company list with no CSP refusal', async () => {
    const context = await browser.newContext({
      httpCredentials: { username: 'operator', password: PASSWORD },
      viewport: { width: 1280, height: 900 },
    });
    const page = await context.newPage();
    const refusals: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error' && /Content Security Policy|Refused to/i.test(message.text()))
        refusals.push(message.text());
    });

    await page.goto(`${base}/admin/jobs`);
    expect(page.url()).toBe(`${base}/admin/jobs/`);
    await page.getByText('archive-tenant').first().waitFor({ timeout: 15_000 });
    // The stylesheet applied: without it the button keeps the browser's grey (or no) background.
    const background = await page.evaluate<string>(
      `getComputedStyle([...document.querySelectorAll('button')].find((b) => b.textContent.includes('New Job'))).backgroundColor`,
    );
    expect(background).toMatch(/^rgb\(/);
    expect(background).not.toBe('rgb(239, 239, 239)');
    await page.screenshot({ path: join(ARTIFACTS, 'operator-jobs.png'), fullPage: true });

    await page.goto(`${base}/admin`);
    expect(await page.textContent('h1')).toBe('All companies');
    await page.screenshot({ path: join(ARTIFACTS, 'operator-companies.png'), fullPage: true });

    expect(refusals).toEqual([]);
    await context.close();
  });
});
