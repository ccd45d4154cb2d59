import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summaryLines } from '../../../src/archive/verify/summary.ts';
import { VERIFY_COMPANY_JOB, VERIFY_JOB } from '../../../src/jobs/agenda.ts';
import type { Run } from '../../../src/store/types.ts';
import { defineDailyVerify } from '../../../src/runtime/verify/daily-job.ts';
import { TEST_CREDENTIALS, TEST_TOKEN_KEY } from '../../support/config.ts';
import { spawnNode } from '../../support/processes.ts';
import type { TestStack } from '../../support/stack.ts';
import { archivedStack, checkWithoutReports, entries, runVerify } from './helpers.ts';

const EMAIL = 'verify-command@acme.example';

/** `node src/main.ts verify` as an operator runs it, and the audit log's hash chain. */
describe('the verify command and the audit chain', () => {
  let stack: TestStack;
  let tenantId: string;

  beforeAll(async () => {
    ({ stack, tenantId } = await archivedStack(EMAIL, 909, { JOB_POLL_SECONDS: '0.2' }));
  }, 120_000);
  afterAll(async () => stack?.close());

  /** Runs the command against this stack's database and simulators; resolves with its exit code. */
  async function verifyCommand(...args: string[]): Promise<{ code: number | null; output: string }> {
    const child = spawnNode('src/main.ts', ['verify', ...args], {
      NODE_ENV: 'test',
      LOG_LEVEL: 'silent',
      DATABASE_URL: stack.database.url,
      BASE_URL: stack.baseUrl,
      RINGCENTRAL_SERVER: stack.rc.url,
      DROPBOX_SIMULATOR_URL: stack.dbx.url,
      SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
      TOKEN_KEYS: `t1:${TEST_TOKEN_KEY}`,
      ...TEST_CREDENTIALS,
    });
    const code = await child.exited();
    return { code, output: child.output() };
  }

  it('exits 0 on a clean archive and says so', async () => {
    const { code, output } = await verifyCommand(tenantId);
    expect(output).toContain(`tenant ${tenantId}`);
    expect(output).toMatch(/Missing: 0\n/);
    expect(output).toContain('hash chain intact');
    expect(code).toBe(0);
  }, 60_000);

  it('exits non-zero after a file was deleted from Dropbox, and puts it back', async () => {
    const [recording] = await entries(stack, tenantId, (e) => e.kind === 'recording');
    await stack.dbx.deleteFile(EMAIL, recording!.path);
    const { code, output } = await verifyCommand(tenantId);
    expect(output).toContain(`missing ${recording!.path}: repaired.`);
    expect(code).toBe(1);
    const check = await checkWithoutReports(stack, tenantId, EMAIL);
    expect(check).toMatchObject({ missing: [], mismatched: [], unexpected: [] });

    // Without a tenant id it verifies every active tenant: this one, whole again.
    const all = await verifyCommand();
    expect(all.output).toMatch(/Missing: 0\n/);
    expect(all.code).toBe(0);
  }, 60_000);

  it('exits non-zero for a tenant it does not know', async () => {
    const { code, output } = await verifyCommand('no-such-tenant');
    expect(output).toContain('Tenant no-such-tenant not verified: tenant not found.');
    expect(code).toBe(3);
  }, 60_000);

  it('verifies every active tenant from the daily job, skipping one whose archive run holds it', async () => {
    const { store, agenda } = stack.services;
    const verifyRuns = async (): Promise<Run[]> =>
      (await store.listRuns(tenantId, { limit: 100 })).items.filter((r) => r.trigger === 'verify');
    // The daily job queues one job per company; each is removed once done.
    const jobDone = async (since: Date) => {
      for (let i = 0; i < 200; i += 1) {
        const { jobs } = await agenda.queryJobs({ name: VERIFY_JOB, limit: 1 });
        const finished = jobs[0]?.lastFinishedAt;
        const queued = (await agenda.queryJobs({ name: VERIFY_COMPANY_JOB })).jobs.length;
        if (finished && new Date(finished) >= since && queued === 0) return;
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      throw new Error('the daily verification job did not finish');
    };
    defineDailyVerify(stack.services);
    await agenda.start();

    const before = (await verifyRuns()).length;
    const lease = (await store.acquireRunLease(tenantId, 'an archive run', 60_000))!;
    let asked = new Date();
    await agenda.now(VERIFY_JOB);
    await jobDone(asked);
    expect(await verifyRuns()).toHaveLength(before);
    await store.releaseRunLease(tenantId, lease.token);

    asked = new Date();
    await agenda.now(VERIFY_JOB);
    await jobDone(asked);
    const runs = await verifyRuns();
    expect(runs).toHaveLength(before + 1);
    expect(runs[0]).toMatchObject({ status: 'succeeded', stats: { counts: { missing: 0, altered: 0 } } });
  }, 60_000);

  it('finds an audit entry changed in the database and names it', async () => {
    const before = await stack.services.store.listAudit(tenantId);
    expect(before.length).toBeGreaterThanOrEqual(3);
    const db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
    try {
      const { rowCount } = await db.query(
        `UPDATE audit_log SET details = '{"changed": "by hand"}'::jsonb WHERE tenant_id = $1 AND seq = 2`,
        [tenantId],
      );
      expect(rowCount).toBe(1);
    } finally {
      await db.end();
    }

    const outcome = await runVerify(stack, tenantId);
    expect(outcome).toMatchObject({ outcome: 'finished', status: 'partial' });
    if (outcome.outcome !== 'finished') return;
    expect(outcome.report!.auditChain).toEqual({
      ok: false,
      entries: before.length, // checked before this verification appends its own entry
      brokenAtSeq: 2,
      reason: 'content does not match its hash',
    });
    expect(summaryLines(outcome.report!).join('\n')).toContain('hash chain BROKEN at entry 2');
    const run = (await stack.services.store.getRun(tenantId, outcome.runId))!;
    expect(run.stats.auditChain).toMatchObject({ ok: false, brokenAtSeq: 2 });

    const { code, output } = await verifyCommand(tenantId);
    expect(output).toContain('hash chain BROKEN at entry 2');
    expect(code).toBe(1);
  }, 60_000);
});
