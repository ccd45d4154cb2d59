import { RATE_GROUPS } from '../../src/lib/rate-limiter.ts';
import { messagesOnUsers } from '../support/activity.ts';
import { budgetOf, difference, requestsOf, total } from '../support/api-calls.ts';
import { createArchiver } from '../support/archiver.ts';
import { startBenchStack } from '../support/bench-stack.ts';
import { coverageOf } from '../support/coverage.ts';
import { figure, type Figure } from '../support/figures.ts';
import { onboardTenant } from '../support/onboard.ts';
import { compressedTime, HOUR_MS, minutes, standsFor } from '../support/scale.ts';
import type { Scenario } from '../support/scenario.ts';

/**
 * A tenant with 2,000 extensions, every one a user with a mailbox: one hourly run must cover every
 * mailbox (some read directly in rotation, the rest through the message-store export, see
 * mailbox-plan.ts) and archive every message that arrived in the hour, inside every rate-limit
 * group's budget.
 */
const EXTENSIONS = 2_000;
/** New messages in the hour, one each on as many users, plus recorded calls. */
const NEW_MESSAGES = 400;
const NEW_RECORDINGS = 40;
const SCALE = compressedTime(1);
const LATENCY_MS = 3;

export const manyExtensions: Scenario = {
  name: 'many-extensions',
  async run() {
    const stack = await startBenchStack({ scale: SCALE, latencyMs: LATENCY_MS });
    try {
      const account = stack.rc.createAccount({
        seed: 2_000,
        extensions: EXTENSIONS,
        // Every extension a user with a mailbox: the most mailboxes 2,000 extensions can have.
        extensionTypes: Array.from({ length: EXTENSIONS }, () => 'User' as const),
        days: 1,
        callsPerExtensionPerDay: 1,
        recordedShare: 0.05,
        messagesPerExtensionPerDay: 0.2,
        recordingSizeRange: [8_000, 64_000],
        voicemailSizeRange: [8_000, 48_000],
      });
      // The backfill starts with the generated history, so that the first run brings every
      // stream (the message export's too) up to date, as a year of history would in a few runs.
      const backfillFrom = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
      const tenant = await onboardTenant(stack, account, { settings: { backfillFrom } });
      const archiver = createArchiver(stack);
      // The first run archives the day of history and sets every cursor: the steady state.
      const first = await archiver.run(tenant.tenantId);

      const activity = messagesOnUsers(stack.rc, tenant.tenantId, {
        extensions: EXTENSIONS,
        count: NEW_MESSAGES,
        recordedCalls: NEW_RECORDINGS,
        recordingSize: 20_000,
      });
      const before = requestsOf(stack.rc, tenant.tenantId);
      const started = performance.now();
      const { outcome, run } = await archiver.run(tenant.tenantId);
      const wallMs = performance.now() - started;
      const after = requestsOf(stack.rc, tenant.tenantId);
      const calls = difference(after.requests, before.requests);
      const rateLimited = after.rateLimited - before.rateLimited;
      const coverage = await coverageOf(stack, tenant.tenantId, activity);
      const missing = coverage.missingMessages.length + coverage.missingRecordings.length;
      const items = coverage.messages + coverage.recordings;
      const realMs = standsFor(SCALE, wallMs);

      const note =
        `${SCALE.label}; ${LATENCY_MS} ms latency; ${EXTENSIONS} extensions with a mailbox each ` +
        `(${calls.Light} read directly with one Light call each, the others through one export); after a first run ` +
        `(${first.run.status}, ${minutes(standsFor(SCALE, (first.run.stats.durationMs as number) ?? 0))}), ` +
        `${coverage.messages} new messages on as many users and ${coverage.recordings} recorded calls; ` +
        `the hourly run took ${minutes(realMs)} (status ${run.status}, more work: ${outcome.outcome === 'finished' && outcome.moreWork}); ` +
        `product's own count of its calls: ${JSON.stringify(run.stats.apiCalls)}`;
      const figures: Figure[] = [
        figure('many-extensions', {
          metric: 'new messages and recordings archived by the hourly run',
          value: (items - missing) / items,
          target: '= 1 (all)',
          ceiling: { value: 1, what: 'all new items' },
          pass: missing === 0,
          note,
        }),
        figure('many-extensions', {
          metric: 'hourly run time',
          value: realMs / 60_000,
          unit: 'min',
          target: '< 60 min',
          ceiling: { value: 60, what: 'the hour' },
          pass: realMs < HOUR_MS && !run.timeBoxed,
          note,
        }),
        figure('many-extensions', {
          metric: '429 answers',
          value: rateLimited,
          target: '= 0',
          ceiling: { value: total(calls), what: 'requests of the run' },
          pass: rateLimited === 0,
          note,
        }),
      ];
      for (const group of RATE_GROUPS)
        figures.push(
          figure('many-extensions', {
            metric: `API calls per run, ${group}`,
            value: calls[group],
            target: 'reported',
            ceiling: { value: budgetOf(group, HOUR_MS), what: `${group} budget of an hour` },
            note,
          }),
        );
      return figures;
    } finally {
      await stack.close();
    }
  },
};
