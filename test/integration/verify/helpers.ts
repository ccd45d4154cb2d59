import { expect } from 'vitest';
import { reconciliationFolder } from '../../../src/archive/verify/compare.ts';
import { verifyTenant, type VerifyOutcome } from '../../../src/archive/verify/verify-tenant.ts';
import type { VerifyReport } from '../../../src/archive/verify/types.ts';
import type { LedgerEntry } from '../../../src/store/types.ts';
import { verifyDeps } from '../../../src/runtime/verify/deps.ts';
import { allLedger, checkArchive, type ArchiveCheck } from '../../support/archive-check.ts';
import { runArchive } from '../../support/archive-run.ts';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/** A small account, onboarded and archived completely: what every verification test starts from. */
export async function archivedStack(
  email: string,
  seed: number,
  env: Record<string, string> = {},
): Promise<{ stack: TestStack; tenantId: string }> {
  const stack = await startStack({
    clockFromRc: true,
    env,
    rc: {
      rateLimitWindowSeconds: 1,
      limits: { Heavy: 200, Medium: 400, Light: 500 },
      accounts: [
        {
          seed,
          extensions: 3,
          days: 3,
          callsPerExtensionPerDay: 3,
          recordedShare: 0.6,
          messagesPerExtensionPerDay: 2,
          messageMix: { VoiceMail: 2, Fax: 2, SMS: 2 },
          recordingSizeRange: [1_000, 4_000],
          voicemailSizeRange: [1_000, 3_000],
        },
      ],
    },
  });
  const tenantId = stack.rc.accounts()[0]!.accountId;
  const browser = new BrowserFlow(stack);
  expect((await browser.signInWithRingCentral()).status).toBe(303);
  expect((await browser.connectDropbox(email)).status).toBe(303);
  let outcome = await runArchive(stack, tenantId);
  for (let i = 0; i < 3 && outcome.outcome === 'finished' && outcome.moreWork; i += 1)
    outcome = await runArchive(stack, tenantId);
  expect(outcome).toMatchObject({ outcome: 'finished', status: 'succeeded', moreWork: false });
  return { stack, tenantId };
}

export async function runVerify(stack: TestStack, tenantId: string): Promise<VerifyOutcome> {
  return verifyTenant(tenantId, verifyDeps(stack.services), { workerId: 'test-verifier' });
}

/** A finished verification's report (fails the test otherwise). */
export async function verified(stack: TestStack, tenantId: string): Promise<VerifyReport> {
  const outcome = await runVerify(stack, tenantId);
  if (outcome.outcome !== 'finished' || !outcome.report)
    throw new Error(`verification did not finish: ${JSON.stringify(outcome)}`);
  return outcome.report;
}

/** The archive check with the reconciliation reports set aside (they are not archived items). */
export async function checkWithoutReports(
  stack: TestStack,
  tenantId: string,
  email: string,
): Promise<ArchiveCheck> {
  const tenant = (await stack.services.store.getTenant(tenantId))!;
  const reports = `${reconciliationFolder(tenant.companyName).toLowerCase()}/`;
  const check = await checkArchive(stack, tenantId, email);
  return { ...check, unexpected: check.unexpected.filter((p) => !p.startsWith(reports)) };
}

/** Ledger entries of a kind, with or without an attachment id, in a stable order. */
export async function entries(
  stack: TestStack,
  tenantId: string,
  match: (e: LedgerEntry) => boolean,
): Promise<LedgerEntry[]> {
  return (await allLedger(stack, tenantId)).filter(match).sort((a, b) => (a.path < b.path ? -1 : 1));
}

/** The bytes of a file in the Dropbox simulator, read through the tenant's own connection. */
export async function readDropbox(stack: TestStack, tenantId: string, path: string): Promise<string> {
  const client = stack.services.connections.provider('dropbox').access(tenantId);
  const { result } = await client.call((dbx) => dbx.filesDownload({ path }));
  return (result as unknown as { fileBinary: Buffer }).fileBinary.toString('utf8');
}
