import pMap from 'p-map';
import type { RcSimAccountSummary } from '../../src/sandbox/ringcentral/index.ts';
import type { JsonObject } from '../../src/store/types.ts';
import { connectDestination, signInWithRingCentral } from '../../src/tenants/install.ts';
import { BrowserFlow } from '../../test/support/browser-flow.ts';
import type { TestStack } from '../../test/support/stack.ts';

/**
 * Installs tenants the way the web callbacks do, minus the browser session: the product starts each
 * authorization (PKCE), the simulator's consent form is posted as the admin would, and the product
 * exchanges the code and installs the tenant (which schedules its hourly job, first run due now).
 */
export interface Onboarded {
  tenantId: string;
  /** The Dropbox account the tenant archives into. */
  email: string;
}

function codeFrom(callback: URL, state: string): string {
  const code = callback.searchParams.get('code');
  if (!code || callback.searchParams.get('state') !== state)
    throw new Error('the consent redirect did not carry the state and a code');
  return code;
}

export async function onboardTenant(
  stack: TestStack,
  account: RcSimAccountSummary,
  options: { email?: string; settings?: JsonObject } = {},
): Promise<Onboarded> {
  const { store, connections, scheduler, subscriptions } = stack.services;
  const deps = { store, connections, scheduler, subscriptions };
  const browser = new BrowserFlow(stack);
  const email = options.email ?? `archive-${account.accountId}@bench.example`;

  const rc = connections.provider('ringcentral').flow;
  const dbx = connections.provider('dropbox').flow;
  const rcStart = await rc.start();
  const rcCallback = await browser.consent(new URL(rcStart.url), {
    login: account.adminLogin,
    decision: 'allow',
  });
  const rcAuth = await rc.finish(codeFrom(rcCallback, rcStart.state), rcStart.verifier);
  const { tenant } = await signInWithRingCentral(deps, rcAuth);
  // Settings before Dropbox: connecting it makes the tenant active and its first run due.
  if (options.settings) await store.updateTenant(tenant.id, { settings: options.settings });

  const dbxStart = await dbx.start();
  const dbxCallback = await browser.consent(new URL(dbxStart.url), { account: email, decision: 'allow' });
  const dbxAuth = await dbx.finish(codeFrom(dbxCallback, dbxStart.state), dbxStart.verifier);
  await connectDestination(deps, tenant.id, dbxAuth, `ringcentral:${rcAuth.user.extensionId}`);
  return { tenantId: tenant.id, email };
}

/** Many tenants, a few at a time (each sign-in is a handful of requests to both simulators). */
export function onboardMany(
  stack: TestStack,
  accounts: readonly RcSimAccountSummary[],
  options: { settings?: JsonObject; concurrency?: number } = {},
): Promise<Onboarded[]> {
  return pMap(accounts, (account) => onboardTenant(stack, account, { settings: options.settings }), {
    concurrency: options.concurrency ?? 8,
  });
}
