import { RATE_GROUPS } from '../../src/lib/rate-limiter.ts';
import { budgetOf } from '../support/api-calls.ts';
import { createArchiver } from '../support/archiver.ts';
import { startBenchStack } from '../support/bench-stack.ts';
import { figure, type Figure } from '../support/figures.ts';
import { onboardMany } from '../support/onboard.ts';
import { costOfRuns, spread } from '../support/sample-runs.ts';
import { compressedTime, HOUR_MS } from '../support/scale.ts';
import type { Scenario } from '../support/scenario.ts';

/**
 * What an hourly run costs when nothing changed: RingCentral calls per rate-limit group and store
 * queries, per tenant, counted exactly (one run at a time in this process) on tenants like the
 * many-tenants fleet's, with one to seven days of archived history, after their first run. The
 * counts do not depend on the scale of time, so the windows are compressed to keep it short.
 */
const TENANTS = 20;
const EXTENSIONS = 5;
const SCALE = compressedTime(1);
const historyDays = (i: number) => 1 + (i % 4) * 2;

export const idleRun: Scenario = {
  name: 'idle-run',
  async run() {
    const stack = await startBenchStack({ scale: SCALE });
    try {
      const accounts = Array.from({ length: TENANTS }, (_, i) =>
        stack.rc.createAccount({
          seed: 30_000 + i,
          extensions: EXTENSIONS,
          days: historyDays(i),
          callsPerExtensionPerDay: 2,
          recordedShare: 0.2,
          messagesPerExtensionPerDay: 1,
          recordingSizeRange: [8_000, 32_000],
          voicemailSizeRange: [8_000, 24_000],
        }),
      );
      const backfillFrom = new Date(Date.now() - 8 * 86_400_000).toISOString().slice(0, 10);
      const ids = (await onboardMany(stack, accounts, { settings: { backfillFrom } })).map((t) => t.tenantId);
      const archiver = createArchiver(stack);
      for (const id of ids) await archiver.run(id);

      const costs = await costOfRuns(stack, ids);
      const queries = spread(costs.map((c) => c.queries));
      const queriesWith = (days: number) =>
        spread(costs.filter((_, i) => historyDays(i) === days).map((c) => c.queries)).mean;
      const calls = Object.fromEntries(
        RATE_GROUPS.map((group) => [group, spread(costs.map((c) => c.calls[group]))]),
      );
      const note =
        `${TENANTS} tenants of ${EXTENSIONS} extensions with 1 to 7 days of history, each archived once, then run ` +
        `again with nothing new (every run ${[...new Set(costs.map((c) => c.status))].join('/')}); ` +
        `the idle run lists extensions (Medium), reads the call log from the cursor minus the 48 h lookback ` +
        `(Heavy) and each mailbox (Light), re-reads what is archived and writes nothing but its cursors; ` +
        `per tenant-run (min–max): ${RATE_GROUPS.map((g) => `${g} ${calls[g]!.min}–${calls[g]!.max}`).join(', ')}, ` +
        `store queries ${queries.min}–${queries.max} (mean ${queriesWith(1).toFixed(1)} with a day of history, ` +
        `${queriesWith(7).toFixed(1)} with a week)`;
      const figures: Figure[] = RATE_GROUPS.map((group) =>
        figure('idle-run', {
          metric: `API calls per idle tenant-run, ${group}`,
          value: calls[group]!.mean,
          target: 'small constant',
          ceiling: { value: budgetOf(group, HOUR_MS), what: `${group} budget of an hour` },
          pass: calls[group]!.max === calls[group]!.min,
          note,
        }),
      );
      figures.push(
        figure('idle-run', {
          metric: 'store queries per idle tenant-run',
          value: queries.mean,
          target: 'small, not growing with history',
          ceiling: null,
          // Constant: it varies with what lies in the 48 h lookback (days with report rows per
          // mailbox), not with how much is archived: a week of history costs what a day does.
          pass: queriesWith(7) <= queriesWith(1) * 1.25,
          note,
        }),
      );
      return figures;
    } finally {
      await stack.close();
    }
  },
};
