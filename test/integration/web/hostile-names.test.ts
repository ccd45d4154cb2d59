import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EXTENSION_LIST } from '../../../src/archive/extension-list.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';
import type { BrowserFlow } from '../../support/browser-flow.ts';

const OPERATOR_PASSWORD = 'operator-password-for-tests';
/** Bidirectional overrides, isolates, marks, C0 and C1 controls: none may reach a page. */
const HIDDEN = /[\u202a-\u202e\u2066-\u2069\u200e\u200f]|(?![\t\n\r])\p{Cc}/u;

/**
 * Names from RingCentral (the company's, an extension's) are shown without their control and
 * bidirectional-override characters: "Acme‮exe.pdf" cannot turn the text around it backwards.
 */
describe('hostile names on pages', () => {
  let stack: TestStack;
  let tenantId: string;
  let browser: BrowserFlow;
  const company = 'Acme\u202Efdp.exe\u202C Co\u0007\u0085\u2066 Ltd\u2069\u200E\u200F';
  const shown = 'Acmefdp.exe Co Ltd';

  beforeAll(async () => {
    stack = await startStack({
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000', OPERATOR_PASSWORD },
      rc: { limits: { Auth: 100 }, accounts: [{ seed: 41, extensions: 2, days: 1, companyName: company }] },
    });
    ({ tenantId, browser } = await onboardTenant(stack, { email: 'names@example.com' }));
  }, 60_000);
  afterAll(async () => stack?.close());

  it('keeps the name as RingCentral gave it, and shows it cleaned in the dashboard heading', async () => {
    expect((await stack.services.store.getTenant(tenantId))?.companyName).toBe(company);
    const page = await browser.agent.get('/dashboard').expect(200);
    expect(page.text).toContain(`<h1>${shown}</h1>`);
    expect(page.text).not.toMatch(HIDDEN);
  });

  it('shows an extension name cleaned on the settings page', async () => {
    const current = await EXTENSION_LIST.read(stack.services.store, tenantId);
    await EXTENSION_LIST.write(stack.services.store, tenantId, current, {
      extensions: [
        {
          id: '901',
          extensionNumber: '901',
          name: 'Jane\u202Egnp.exe\u202C\u0001 Doe\u009B',
          type: 'User',
          hasMailbox: true,
        },
      ],
    });
    const page = await browser.agent.get('/settings').expect(200);
    expect(page.text).toContain('901 — Janegnp.exe Doe');
    expect(page.text).not.toMatch(HIDDEN);
  });

  it('shows the name cleaned on the operator page', async () => {
    const auth = `Basic ${Buffer.from(`op:${OPERATOR_PASSWORD}`).toString('base64')}`;
    const page = await browser.agent.get('/admin').set('Authorization', auth).expect(200);
    expect(page.text).toContain(shown);
    expect(page.text).not.toMatch(HIDDEN);
  });
});
