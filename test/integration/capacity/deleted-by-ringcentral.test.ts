/**
 * Order under pressure: when the download budget cannot keep up, the recordings RingCentral will
 * delete next (the oldest) go first, and every recording RingCentral's 100,000-recording cap (here
 * scaled to 30) removes before the archive could copy it is in the archive log as "deleted by
 * RingCentral before it could be archived" and in the run's figures.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runArchive } from '../../support/archive-run.ts';
import type { BrowserFlow } from '../../support/browser-flow.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const CAP = 30;
let stack: TestStack;
let tenantId: string;
let admin: BrowserFlow;

beforeAll(async () => {
  stack = await startStack({
    clockFromRc: true,
    // A run may work 6 s: at 2 Heavy requests a second it copies a dozen of the 30 recordings.
    env: { RUN_TIME_BOX_MINUTES: '0.1', RINGCENTRAL_RECORDING_CAP: String(CAP) },
    rc: {
      rateLimitWindowSeconds: 1,
      limits: { Heavy: 2, Medium: 400, Light: 500 },
      accounts: [
        {
          seed: 808,
          extensions: 2,
          days: 1,
          callsPerExtensionPerDay: 0,
          messagesPerExtensionPerDay: 0,
          extraRecordings: Array.from({ length: CAP }, () => 2_000),
          recordingCap: CAP,
          lateRecordingShare: 0,
        },
      ],
    },
  });
  ({ tenantId, browser: admin } = await onboardTenant(stack, { email: 'pressure@example.com' }));
}, 60_000);
afterAll(async () => stack?.close());

const archivedRecordings = async () =>
  new Set(
    (await stack.services.store.listLedger(tenantId, { kind: 'recording', limit: 1000 })).items.map(
      (e) => e.sourceId,
    ),
  );
const recordingsByAge = async () =>
  (await stack.rc.inventory(tenantId, { sha256: false })).callLog
    .filter((c) => c.recording)
    .sort((a, b) => Date.parse(a.startTime) - Date.parse(b.startTime))
    .map((c) => c.recording!.id);

describe('a company whose recordings outrun the download budget', () => {
  it('copies the recordings RingCentral deletes next first, and remembers the rest as waiting', async () => {
    const oldestFirst = await recordingsByAge();
    expect(oldestFirst).toHaveLength(CAP);
    await runArchive(stack, tenantId);
    const archived = await archivedRecordings();
    expect(archived.size).toBeGreaterThan(3);
    expect(archived.size).toBeLessThan(CAP);
    // Exactly the oldest ones: those the cap drops first.
    expect([...archived].sort()).toEqual(oldestFirst.slice(0, archived.size).sort());
    const waiting = (await stack.services.store.listOutstanding(tenantId, { status: 'pending', limit: 1000 }))
      .items;
    expect(waiting.map((o) => o.sourceId).sort()).toEqual(oldestFirst.slice(archived.size).sort());
    for (const o of waiting) expect(o.lastError).toMatch(/^Waiting for its turn/);
    const run = (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
    expect(run.timeBoxed).toBe(true);
    // The forecast knows the backlog it left.
    expect((run.stats.capacity as { atRisk: number }).atRisk).toBeGreaterThanOrEqual(CAP - archived.size);
  }, 60_000);

  it('reports each recording the cap removed before its turn, in the archive log and the run figures', async () => {
    const archivedBefore = await archivedRecordings();
    // New calls push the account past its cap: RingCentral drops its oldest recordings, some of
    // them copied already, some still waiting.
    const extra = archivedBefore.size + 5;
    stack.rc.addActivity({ accountId: tenantId, recordedCalls: extra });
    stack.rc.advanceClock(60_000);
    const dropped = stack.rc.droppedRecordings(tenantId).map((d) => d.id);
    expect(dropped).toHaveLength(extra);
    const lost = dropped.filter((id) => !archivedBefore.has(id));
    expect(lost).toHaveLength(5);

    // Runs go on (each time-boxed) until nothing waits any more.
    const runsBefore = (await stack.services.store.listRuns(tenantId, { limit: 100 })).items.length;
    for (let i = 0; i < 6; i += 1) {
      await runArchive(stack, tenantId);
      const pending = await stack.services.store.listOutstanding(tenantId, { status: 'pending', limit: 1 });
      if (pending.items.length === 0) break;
    }
    const skipped = (await stack.services.store.listOutstanding(tenantId, { status: 'skipped', limit: 1000 }))
      .items;
    expect(skipped.map((o) => o.sourceId).sort()).toEqual([...lost].sort());
    for (const o of skipped) expect(o.lastError).toBe('Deleted by RingCentral before it could be archived.');
    const runs = (await stack.services.store.listRuns(tenantId, { limit: 100 })).items;
    const later = runs.slice(0, runs.length - runsBefore);
    const reported = (r: (typeof runs)[number]) => Number(r.stats.deletedByRingCentral ?? 0);
    expect(later.reduce((n, r) => n + reported(r), 0)).toBe(5);
    const deletedErrors = later
      .flatMap((r) => r.errors)
      .filter((e) => e.reason === 'Deleted by RingCentral before it could be archived.');
    expect(deletedErrors.map((e) => e.sourceId).sort()).toEqual([...lost].sort());
    const run = later.find((r) => reported(r) > 0)!;
    // Nothing was asked of RingCentral for them: the call log no longer lists them.
    const archived = await archivedRecordings();
    for (const id of lost) expect(archived.has(id)).toBe(false);

    // The archive log and the run page say so.
    const log = await admin.agent.get('/archive-log?status=skipped').expect(200);
    for (const id of lost) expect(log.text).toContain(id);
    expect(log.text).toContain('Deleted by RingCentral before it could be archived.');
    const page = await admin.agent.get(`/runs/${run.id}`).expect(200);
    expect(page.text).toMatch(
      new RegExp(
        `${reported(run)} recording\\(s\\) were\\s+deleted by RingCentral before they could be archived`,
      ),
    );
  }, 60_000);
});
