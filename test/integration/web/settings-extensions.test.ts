import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { knownExtensions } from '../../../src/archive/extension-list.ts';
import { hasMailbox } from '../../../src/archive/sources/extensions.ts';
import { runArchive } from '../../support/archive-run.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * The settings page lists the extensions the last run saw, kept in the store: it shows them while
 * RingCentral is failing every request (a busy run, an outage), never falls back to "type the ids
 * by hand", and before any run has listed them it asks RingCentral in the background.
 */
describe('the extension list on the settings page', () => {
  let stack: TestStack;

  beforeAll(async () => {
    stack = await startStack({
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' },
      rc: {
        limits: { Auth: 100 },
        accounts: [
          { seed: 31, extensions: 6, days: 1 },
          { seed: 32, extensions: 4, days: 1 },
        ],
      },
    });
  }, 60_000);
  afterAll(async () => stack?.close());

  /** The ids a page should offer: every extension with a mailbox, and every user. */
  const choosable = async (tenantId: string) =>
    (await stack.rc.inventory(tenantId, { sha256: false })).extensions
      .filter((e) => hasMailbox(e.type) || e.type === 'User')
      .map((e) => e.id)
      .sort();
  const offered = (html: string) =>
    [...html.matchAll(/name="extensionIds" value="([^"]+)"/g)].map((m) => m[1]!).sort();

  it('before any run: says the list is on its way and reads it in the background', async () => {
    const { tenantId, browser } = await onboardTenant(stack, { accountIndex: 1, email: 'b@example.com' });
    expect(await knownExtensions(stack.services.store, tenantId)).toBeNull();
    const first = await browser.agent.get('/settings').expect(200);
    expect(first.text).toContain('data-testid="extensions-pending"');
    expect(first.text).not.toContain('<textarea id="extensionIds"');
    await expect
      .poll(async () => (await knownExtensions(stack.services.store, tenantId))?.map((e) => e.id).sort(), {
        timeout: 15_000,
      })
      .toEqual(await choosable(tenantId));
    const later = await browser.agent.get('/settings').expect(200);
    expect(offered(later.text)).toEqual(await choosable(tenantId));
  });

  it('after a run: shows the list that run saw while RingCentral answers every request with an error', async () => {
    const { tenantId, browser } = await onboardTenant(stack, { accountIndex: 0, email: 'a@example.com' });
    expect((await runArchive(stack, tenantId)).outcome).toBe('finished');
    const kept = await knownExtensions(stack.services.store, tenantId);
    expect(kept?.map((e) => e.id).sort()).toEqual(await choosable(tenantId));

    stack.rc.setFaults({ errorRate: 1, errorStatus: 503 });
    try {
      const page = await browser.agent.get('/settings').expect(200);
      expect(offered(page.text)).toEqual(await choosable(tenantId));
      for (const extension of kept!) expect(page.text).toContain(`${extension.extensionNumber} — `);
      expect(page.text).not.toContain('data-testid="extensions-pending"');
      expect(page.text).not.toContain('<textarea id="extensionIds"');
    } finally {
      stack.rc.setFaults({ errorRate: 0 });
    }
  });
});
