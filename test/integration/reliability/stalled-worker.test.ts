import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RcAccountSpec } from '../../../src/sandbox/ringcentral/index.ts';
import { checkArchive, expectComplete } from '../../support/archive-check.ts';
import { archiveChild, finishes } from '../../support/archive-child-run.ts';
import { snapshotArchive } from '../../support/archive-snapshot.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * Fault suite: the run lease fences. Worker A stops (SIGSTOP) right after Dropbox committed a file
 * and before its ledger row, and stays stopped past its lease; worker B takes the company and
 * archives everything. A, resumed with SIGCONT, goes on where it was: every write it then tries
 * (that ledger row, the others in flight, cursors, its run row) is refused by the store, so the
 * store is exactly as B left it, and the archive has every item once.
 */

const EMAIL = 'archive@stall.example';
const SPEC: RcAccountSpec = {
  seed: 4242,
  extensions: 3,
  days: 2,
  callsPerExtensionPerDay: 4,
  recordedShare: 0.5,
  messagesPerExtensionPerDay: 2,
  recordingSizeRange: [2_000, 20_000],
  voicemailSizeRange: [2_000, 8_000],
  lateRecordingShare: 0,
};

/** The state letter of a process in /proc (T: stopped). */
const processState = (pid: number) => readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.[0];

describe('fault suite: a worker stalled past its lease writes nothing once another holds the company', () => {
  let stack: TestStack;
  let tenantId: string;

  beforeAll(async () => {
    stack = await startStack({
      rc: { rateLimitWindowSeconds: 1, limits: { Heavy: 100, Medium: 400, Light: 500 }, accounts: [SPEC] },
    });
    ({ tenantId } = await onboardTenant(stack, { email: EMAIL }));
  }, 60_000);

  afterAll(async () => {
    await stack?.close();
  });

  it('SIGSTOP past the lease, another worker takes over, SIGCONT: nothing written, nothing lost or doubled', async () => {
    const { store } = stack.services;
    const stalled = archiveChild(stack, tenantId, {
      ARCHIVER_CRASH_AT: 'after-dropbox-commit:3',
      ARCHIVER_CRASH_SIGNAL: 'SIGSTOP',
      LEASE_TTL_MS: '1500',
      // One run: resumed, it must not start another (that one would rightly take the lease).
      MAX_RUNS: '1',
    });
    try {
      await stalled.waitFor(/crash point after-dropbox-commit reached \(3\): stopping/, 60_000);
      const pid = stalled.child.pid!;
      expect(processState(pid)).toBe('T');
      const [staleRun] = (await store.listRuns(tenantId)).items;
      expect(staleRun?.status).toBe('running');

      // B waits out A's lease (1.5 s), then archives the whole account.
      const taker = archiveChild(stack, tenantId);
      await finishes(taker);
      expect(processState(pid)).toBe('T');
      const before = await snapshotArchive(stack, tenantId, EMAIL);
      const storeBefore = {
        ledger: (await store.listLedger(tenantId, { limit: 1000 })).items,
        cursors: await store.listCursors(tenantId),
        runs: (await store.listRuns(tenantId)).items,
        outstanding: await store.countOutstanding(tenantId),
      };
      // B found A's run "running" while holding the company: it is marked interrupted.
      expect(storeBefore.runs.find((r) => r.id === staleRun!.id)?.status).toBe('interrupted');
      expectComplete(await checkArchive(stack, tenantId, EMAIL));

      stalled.child.kill('SIGCONT');
      expect(await stalled.exited(), stalled.output()).toBe(0);
      // A ran on: its run ended, stopped by the refused writes, and it took no new lease.
      expect(stalled.output()).toMatch(/^run \{"outcome":"finished".*"status":"(failed|interrupted)"/m);
      expect(stalled.output()).toMatch(/^done$/m);

      // The store is exactly as B left it: A's ledger rows, cursors and run record were all refused.
      expect({
        ledger: (await store.listLedger(tenantId, { limit: 1000 })).items,
        cursors: await store.listCursors(tenantId),
        runs: (await store.listRuns(tenantId)).items,
        outstanding: await store.countOutstanding(tenantId),
      }).toEqual(storeBefore);
      expect(await snapshotArchive(stack, tenantId, EMAIL)).toEqual(before);
      const check = expectComplete(await checkArchive(stack, tenantId, EMAIL));
      console.log(
        `stalled worker resumed after the takeover: ${storeBefore.ledger.length} ledger rows and ` +
          `${storeBefore.cursors.length} cursors unchanged, ${check.expected} items each archived once`,
      );
    } finally {
      if (stalled.child.exitCode === null) {
        stalled.child.kill('SIGCONT');
        stalled.child.kill('SIGKILL');
      }
    }
  }, 120_000);
});
