import { DEFAULT_RATE_LIMITS } from '../../src/lib/rate-limiter.ts';
import { total } from '../support/api-calls.ts';
import { createArchiver } from '../support/archiver.ts';
import { startBenchStack } from '../support/bench-stack.ts';
import { figure } from '../support/figures.ts';
import { onboardTenant } from '../support/onboard.ts';
import { compressedTime, seconds } from '../support/scale.ts';
import type { Scenario } from '../support/scenario.ts';

/**
 * A backlog of 1,000 recordings on one tenant. Recordings are Heavy requests (10 per window per
 * user by default), so the archiver can at best take ten per window: how close does it come, with
 * no 429, and how few Dropbox commit calls does it spend on the small files?
 */
const RECORDINGS = 1_000;
const SCALE = compressedTime(1);
/** About 200 ms of real round trip, compressed like the window. */
const LATENCY_MS = 3;

export const ceiling: Scenario = {
  name: 'ceiling',
  async run() {
    const heavy = DEFAULT_RATE_LIMITS.Heavy;
    // The backlog is one run's work: the time box (45 compressed minutes) would cut it into
    // three hourly runs, which is the schedule's business, not the rate limiter's.
    const stack = await startBenchStack({
      scale: SCALE,
      latencyMs: LATENCY_MS,
      env: { RUN_TIME_BOX_MINUTES: '45' },
    });
    try {
      const sizes = Array.from({ length: RECORDINGS }, (_, i) => 8_000 + ((i * 7_919) % 56_000));
      const account = stack.rc.createAccount({
        seed: 61,
        extensions: 3,
        days: 1,
        callsPerExtensionPerDay: 2,
        recordedShare: 0,
        messagesPerExtensionPerDay: 0,
        extraRecordings: sizes,
      });
      const tenant = await onboardTenant(stack, account);
      stack.rc.resetStats();
      await stack.dbx.resetStats();

      const started = performance.now();
      const { run } = await createArchiver(stack).run(tenant.tenantId);
      const elapsedMs = performance.now() - started;

      const kinds = run.stats.kinds as Record<string, { items: number }>;
      const archived = kinds.recording?.items ?? 0;
      const rc = stack.rc.stats(tenant.tenantId);
      const dbx = (await stack.dbx.stats(tenant.email)).accounts[0]!;
      const windows = elapsedMs / (SCALE.windowSeconds * 1000);
      const perWindow = archived / windows;
      const rateLimited = total(rc.rateLimited);
      const commitsPer100 = (dbx.commitCalls / dbx.filesCommitted) * 100;
      const note =
        `${SCALE.label}; ${LATENCY_MS} ms latency; ${archived} of ${RECORDINGS} recordings (8–64 KB) ` +
        `archived in one run of ${seconds(elapsedMs)} = ${windows.toFixed(1)} windows, ` +
        `${rc.requests.Heavy} Heavy requests in all (call log pages included); ` +
        `${dbx.filesCommitted} files committed with ${dbx.commitCalls} commit calls`;
      return [
        figure('ceiling', {
          metric: 'recordings archived per window ÷ Heavy limit',
          value: perWindow / heavy,
          target: '>= 0.95',
          ceiling: { value: 1, what: `${heavy} Heavy requests per window` },
          pass: perWindow / heavy >= 0.95 && archived === RECORDINGS,
          note,
        }),
        figure('ceiling', {
          metric: '429 answers',
          value: rateLimited,
          target: '= 0',
          ceiling: { value: total(rc.requests), what: 'requests sent' },
          pass: rateLimited === 0,
          note,
        }),
        figure('ceiling', {
          metric: 'Dropbox commit calls per 100 small files',
          value: commitsPer100,
          target: '<= 2',
          ceiling: { value: 1, what: 'one commit per 100 files' },
          pass: commitsPer100 <= 2,
          note,
        }),
      ];
    } finally {
      await stack.close();
    }
  },
};
