import { setTimeout as sleep } from 'node:timers/promises';
import { allLedger } from '../../test/support/archive-check.ts';
import { userExtensionNumbers } from '../support/activity.ts';
import { createArchiver } from '../support/archiver.ts';
import { startBenchStack } from '../support/bench-stack.ts';
import { figure } from '../support/figures.ts';
import { onboardTenant } from '../support/onboard.ts';
import { compressedTime, standsFor } from '../support/scale.ts';
import type { Scenario } from '../support/scenario.ts';

/**
 * Calls keep ending, recorded, while the tenant's hourly job runs on schedule: how long after a
 * call ends is its recording in Dropbox? The schedule is the worker's: a run every hour from the
 * last run's start, and a run that reports more work comes back a minute later (jobs/worker.ts).
 * Recordings are taken to exist when the call ends (the simulator attaches them at once), so the
 * delay is the archiver's alone.
 */
const SCALE = compressedTime(1);
const HOURS = 3;
const EXTENSIONS = 5;
/** A recorded call ends every 90 real seconds: 40 an hour. */
const CALL_EVERY_MS = 90_000 / SCALE.factor;
const RESUME_AFTER_MS = 60_000 / SCALE.factor;
const LATENCY_MS = 3;

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;

export const timeToArchive: Scenario = {
  name: 'time-to-archive',
  async run() {
    const stack = await startBenchStack({ scale: SCALE, latencyMs: LATENCY_MS });
    try {
      const account = stack.rc.createAccount({
        seed: 4_242,
        extensions: EXTENSIONS,
        days: 1,
        callsPerExtensionPerDay: 2,
        recordedShare: 0.2,
        messagesPerExtensionPerDay: 1,
        recordingSizeRange: [8_000, 32_000],
        voicemailSizeRange: [8_000, 24_000],
      });
      const backfillFrom = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
      const tenant = await onboardTenant(stack, account, { settings: { backfillFrom } });
      const archiver = createArchiver(stack);
      await archiver.run(tenant.tenantId);

      const start = performance.now();
      const end = start + HOURS * SCALE.hourMs;
      const users = userExtensionNumbers(EXTENSIONS);
      const endedAt = new Map<string, number>();
      const calls = setInterval(() => {
        if (performance.now() >= end) return;
        const extensionNumber = users[endedAt.size % users.length]!;
        const at = stack.rc.now();
        const result = stack.rc.addActivity({
          accountId: tenant.tenantId,
          extensionNumber,
          recordedCalls: 1,
          recordingSize: 20_000,
        });
        for (const call of result.calls) if (call.recordingId) endedAt.set(call.recordingId, at);
      }, CALL_EVERY_MS);
      let runs = 0;
      try {
        for (let hour = 1; hour <= HOURS; hour++) {
          await sleep(start + hour * SCALE.hourMs - performance.now());
          let { outcome } = await archiver.run(tenant.tenantId);
          runs += 1;
          while (outcome.outcome === 'finished' && outcome.moreWork) {
            await sleep(RESUME_AFTER_MS);
            ({ outcome } = await archiver.run(tenant.tenantId));
            runs += 1;
          }
        }
      } finally {
        clearInterval(calls);
      }

      const archivedAt = new Map(
        (await allLedger(stack, tenant.tenantId))
          .filter((e) => e.kind === 'recording')
          .map((e) => [e.sourceId, e.archivedAt.getTime()]),
      );
      const delays: number[] = [];
      let missing = 0;
      for (const [id, at] of endedAt) {
        const archived = archivedAt.get(id);
        if (archived === undefined) missing += 1;
        else delays.push(standsFor(SCALE, archived - at) / 60_000);
      }
      delays.sort((a, b) => a - b);
      const p50 = quantile(delays, 0.5);
      const p95 = quantile(delays, 0.95);
      const note =
        `${SCALE.label}; ${LATENCY_MS} ms latency; ${endedAt.size} recorded calls ending evenly over ${HOURS} hours ` +
        `(one every 90 s), ${runs} scheduled runs; ${missing} recordings not archived; ` +
        `slowest ${delays.at(-1)?.toFixed(1)} min; the official Archiver promises "within 24 hours"`;
      return [
        figure('time-to-archive', {
          metric: 'p50 delay, call end → recording in Dropbox',
          value: p50,
          unit: 'min',
          target: 'reported',
          ceiling: { value: 60, what: 'the hourly interval' },
          note,
        }),
        figure('time-to-archive', {
          metric: 'p95 delay, call end → recording in Dropbox',
          value: p95,
          unit: 'min',
          target: '<= 65 min',
          ceiling: { value: 60, what: 'the hourly interval' },
          pass: p95 <= 65 && missing === 0,
          note,
        }),
      ];
    } finally {
      await stack.close();
    }
  },
};
