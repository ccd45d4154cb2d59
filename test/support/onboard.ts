import { expect } from 'vitest';
import { BrowserFlow } from './browser-flow.ts';
import type { TestStack } from './stack.ts';

/**
 * Installs the archiver for one RingCentral account of the simulator, as its admin would: sign in
 * with RingCentral, then connect a Dropbox account. Returns the tenant id (the RingCentral account
 * id) and the signed-in browser.
 */
export async function onboardTenant(
  stack: TestStack,
  options: { accountIndex?: number; email: string },
): Promise<{ tenantId: string; browser: BrowserFlow }> {
  const account = stack.rc.accounts()[options.accountIndex ?? 0];
  if (!account) throw new Error(`the simulator has no account ${options.accountIndex ?? 0}`);
  const browser = new BrowserFlow(stack);
  expect((await browser.signInWithRingCentral(account.adminLogin)).status).toBe(303);
  expect((await browser.connectDropbox(options.email)).status).toBe(303);
  const tenant = await stack.services.store.getTenant(account.accountId);
  expect(tenant?.status).toBe('active');
  return { tenantId: account.accountId, browser };
}
