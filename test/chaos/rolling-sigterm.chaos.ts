import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RcAccountSpec } from '../../src/sandbox/ringcentral/index.ts';
import type { Run } from '../../src/store/types.ts';
import { allLedger, checkArchive, expectComplete } from '../support/archive-check.ts';
import { onboardTenant } from '../support/onboard.ts';
import { spawnNode, type Spawned } from '../support/processes.ts';
import { productEnv } from '../support/product-env.ts';
import { startStack, type TestStack } from '../support/stack.ts';

/**
 * Fault suite, case 2: two worker processes (`node src/main.ts worker`) share three tenants'
 * long backfills while one of them is sent SIGTERM every few seconds and replaced, as a rolling
 * deploy does. No tenant's runs may overlap, no item may be archived twice (nor sent to Dropbox
 * twice), and the backfills must get done.
 */

const SIGTERM_EVERY_MS = 5_000;
const DEADLINE_MS = 240_000;

const spec = (seed: number): RcAccountSpec => ({
  seed,
  extensions: 8,
  days: 21,
  callsPerExtensionPerDay: 3,
  recordedShare: 0.4,
  messagesPerExtensionPerDay: 1,
  recordingSizeRange: [20_000, 120_000],
  voicemailSizeRange: [5_000, 20_000],
  lateRecordingShare: 0,
});

interface Tenant {
  tenantId: string;
  email: string;
}

const sum = (values: number[]) => values.reduce((a, b) => a + b, 0);

describe('fault suite 2: two workers with rolling SIGTERMs through a long backfill', () => {
  let stack: TestStack;
  const tenants: Tenant[] = [];
  const workers: Spawned[] = [];
  const retired: Spawned[] = [];

  const startWorker = async () => {
    const worker = spawnNode(
      'src/main.ts',
      ['worker'],
      productEnv(stack, { SHUTDOWN_GRACE_SECONDS: '10', WORKER_CONCURRENCY: '5', LOG_LEVEL: 'info' }),
    );
    workers.push(worker);
    // SIGTERM before the worker is up would only test the default signal action.
    await worker.waitFor(/worker started/, 30_000);
  };
  const runsOf = async (t: Tenant): Promise<Run[]> =>
    (await stack.services.store.listRuns(t.tenantId, { limit: 1000 })).items;
  const isDone = async (t: Tenant) => {
    const runs = await runsOf(t);
    if (!runs.some((r) => r.status === 'succeeded')) return false;
    return (await checkArchive(stack, t.tenantId, t.email)).missing.length === 0;
  };

  beforeAll(async () => {
    stack = await startStack({
      rc: {
        rateLimitWindowSeconds: 1,
        // Heavy paces the recordings: each backfill takes tens of seconds.
        limits: { Heavy: 5, Medium: 400, Light: 500 },
        accounts: [spec(201), spec(202), spec(203)],
      },
    });
    for (const [i] of stack.rc.accounts().entries()) {
      const email = `rolling-${i}@sigterm.example`;
      tenants.push({ email, ...(await onboardTenant(stack, { accountIndex: i, email })) });
    }
  }, 120_000);

  afterAll(async () => {
    for (const w of [...workers, ...retired]) w.child.kill('SIGKILL');
    await Promise.all([...workers, ...retired].map((w) => w.exited()));
    await stack?.close();
  });

  it('keeps every tenant to one run at a time, archives each item once, and finishes the backfills', async () => {
    const started = Date.now();
    await Promise.all([startWorker(), startWorker()]);
    let sigterms = 0;
    while (Date.now() - started < DEADLINE_MS) {
      await new Promise((r) => setTimeout(r, SIGTERM_EVERY_MS));
      if ((await Promise.all(tenants.map(isDone))).every(Boolean)) break;
      // The older worker goes, gracefully; a new one takes its place.
      const leaving = workers.shift()!;
      retired.push(leaving);
      leaving.child.kill('SIGTERM');
      sigterms += 1;
      await startWorker();
      expect(await leaving.exited(), leaving.output()).toBe(0);
    }
    const elapsed = Date.now() - started;
    for (const t of tenants) expect(await isDone(t)).toBe(true);
    expect(sigterms).toBeGreaterThanOrEqual(4);

    let interrupted = 0;
    for (const t of tenants) {
      const runs = await runsOf(t);
      // One run at a time: each starts after the one before it finished; none is left running.
      const sorted = [...runs].sort((x, y) => x.startedAt.getTime() - y.startedAt.getTime());
      for (const run of sorted) expect(run.finishedAt, JSON.stringify(run)).toBeInstanceOf(Date);
      for (let i = 1; i < sorted.length; i += 1)
        expect(sorted[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(sorted[i - 1]!.finishedAt!.getTime());
      interrupted += runs.filter((r) => r.status === 'interrupted').length;

      // Each item archived by exactly one run: the runs' own counts add up to the ledger.
      const ledger = (await allLedger(stack, t.tenantId)).filter((e) => e.kind !== 'report');
      const byRuns = sum(
        runs.map((r) =>
          sum(Object.values((r.stats.kinds ?? {}) as Record<string, { items: number }>).map((k) => k.items)),
        ),
      );
      expect(byRuns).toBe(ledger.length);

      // Nothing sent to Dropbox twice: every upload session Dropbox saw became a committed file.
      const dropbox = (await stack.dbx.stats(t.email)).accounts[0]!;
      const sessions = dropbox.calls['files/upload_session/start'] ?? 0;
      const committedByRuns = sum(
        runs.map((r) => Number((r.stats.destination as Record<string, number>)?.filesCommitted ?? 0)),
      );
      expect(sessions).toBe(committedByRuns);

      const check = expectComplete(await checkArchive(stack, t.tenantId, t.email));
      console.log(
        `tenant ${t.tenantId}: ${check.expected} items checked (${check.binaries} binaries) over ${runs.length} runs ` +
          `(${runs.filter((r) => r.status === 'interrupted').length} stopped by SIGTERM); each archived once, ` +
          `${sessions} upload sessions for ${committedByRuns} committed files; none lost or duplicated`,
      );
    }
    expect(interrupted).toBeGreaterThanOrEqual(3);
    console.log(`${sigterms} rolling SIGTERMs over ${Math.round(elapsed / 1000)} s`);
  });
});
