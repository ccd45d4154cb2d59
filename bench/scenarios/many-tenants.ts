import { addHourlyDelta, fleet, FLEET_LATENCY_MS, FLEET_TENANTS, oneWorkerCycle } from '../support/fleet.ts';
import { BIG_FLEET_POLL_SECONDS } from '../support/big-fleet.ts';
import { runDailyVerification } from '../support/daily-verify.ts';
import { figure } from '../support/figures.ts';
import { costOfRuns, spread } from '../support/sample-runs.ts';
import { HOUR_MS, minutes, seconds } from '../support/scale.ts';
import type { Scenario } from '../support/scenario.ts';

/**
 * 1,000 tenants with a small delta each, 50 ms of latency on every RingCentral and Dropbox call,
 * one worker process: one hourly cycle must take well under an hour. The database cost of a
 * tenant-run is counted exactly on a sample run in this process (the store's query counter).
 * Then past one worker: the daily verification of those 1,000 fanned out over two workers (each
 * must do at least 40 %). The 10,000 companies on two workers are their own scenario (big-fleet).
 */
const SAMPLE = 20;

export const manyTenants: Scenario = {
  name: 'many-tenants',
  async run(shared) {
    const f = await fleet(shared);
    const cycle = await oneWorkerCycle(shared);
    const sample = f.tenants.slice(0, SAMPLE).map((t) => t.tenantId);
    addHourlyDelta(f, sample);
    const costs = await costOfRuns(f.stack, sample);
    const queries = spread(costs.map((c) => c.queries));

    const tenantsPerMinute = FLEET_TENANTS / (cycle.wallMs / 60_000);
    const cpuShare = cycle.workerCpuSeconds[0]! / (cycle.wallMs / 1000);
    const note =
      `real time (60 s windows), ${FLEET_LATENCY_MS} ms latency on every API call; ${FLEET_TENANTS} tenants ` +
      `of 5 extensions, each with a delta of 2 calls (1 recorded), 1 voicemail, 1 SMS; all jobs due at once; ` +
      `one worker as the Procfile starts it, with the default WORKER_CONCURRENCY 20 and JOB_POLL_SECONDS 5 ` +
      `(the job system starts at most 20 runs per poll, so 4 tenants a second bound the cycle); ` +
      `cycle ${seconds(cycle.wallMs)}, ${cycle.runs} runs (${cycle.unsuccessful} not succeeded) of ` +
      `${seconds(cycle.meanRunMs)} on average, items ${JSON.stringify(cycle.kinds)}; the worker used ` +
      `${(cpuShare * 100).toFixed(0)}% of a core and peaked at ${(cycle.workerPeaksBytes[0]! / 1e6).toFixed(0)} MB; ` +
      `database transactions of all processes (job system included) per tenant-run: ` +
      `${(cycle.transactions / cycle.runs).toFixed(1)}; store queries counted on ${SAMPLE} sample runs in-process ` +
      `(min ${queries.min}, max ${queries.max}); onboarding ${minutes(f.onboardingMs)}, first runs ${seconds(f.firstCycle.wallMs)} with two workers`;
    // The daily verification of the same fleet, fanned out over two workers.
    const verification = await runDailyVerification(f.stack, FLEET_TENANTS, {
      workers: 2,
      env: { JOB_POLL_SECONDS: String(BIG_FLEET_POLL_SECONDS) },
    });
    const least = Math.min(...verification.perWorker) / Math.max(1, verification.runs);
    const verifyNote =
      `${FLEET_TENANTS} companies of the fleet above (archives of ${JSON.stringify(cycle.kinds)} in all), ` +
      `${FLEET_LATENCY_MS} ms latency; the daily job queued one verification per company and two worker ` +
      `processes (JOB_POLL_SECONDS ${BIG_FLEET_POLL_SECONDS}, 2 verifications at once each) took them: ` +
      `${verification.perWorker.join(' and ')} companies, ${verification.runs} verification runs ` +
      `(${verification.unsuccessful} not succeeded) in ${seconds(verification.wallMs)}`;

    return [
      figure('many-tenants', {
        metric: `daily verification of ${FLEET_TENANTS} companies, smaller share of one of two workers`,
        value: least,
        target: '>= 0.4',
        ceiling: { value: 0.5, what: 'an even split' },
        pass: least >= 0.4 && verification.runs >= FLEET_TENANTS && verification.unsuccessful === 0,
        note: verifyNote,
      }),
      figure('many-tenants', {
        metric: `daily verification of ${FLEET_TENANTS} companies, two workers`,
        value: verification.wallMs / 60_000,
        unit: 'min',
        target: 'reported',
        ceiling: { value: 24 * 60, what: 'the day' },
        note: verifyNote,
      }),
      figure('many-tenants', {
        metric: 'hourly cycle time, one worker',
        value: cycle.wallMs / 60_000,
        unit: 'min',
        target: 'well under 60 min',
        ceiling: { value: 60, what: 'the hour' },
        pass: cycle.wallMs < HOUR_MS / 2 && cycle.unsuccessful === 0,
        note,
      }),
      figure('many-tenants', {
        metric: 'tenants per minute, one worker',
        value: tenantsPerMinute,
        target: 'reported',
        ceiling: { value: FLEET_TENANTS / 60, what: 'tenants per minute to fill the hour' },
        note,
      }),
      figure('many-tenants', {
        metric: 'store queries per tenant-run',
        value: queries.mean,
        target: 'stated',
        ceiling: null,
        note,
      }),
    ];
  },
};
