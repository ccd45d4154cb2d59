import {
  BIG_FLEET_COMPANIES,
  BIG_FLEET_LATENCY_MS,
  BIG_FLEET_POLL_SECONDS,
  bigFleetCycle,
} from '../support/big-fleet.ts';
import { figure } from '../support/figures.ts';
import { HOUR_MS, minutes, seconds } from '../support/scale.ts';
import type { Scenario } from '../support/scenario.ts';

/**
 * Past one worker: 10,000 companies' runs on two worker processes, one hourly cycle well under the
 * hour (support/big-fleet.ts). Its own scenario because it takes most of an hour to set up and run.
 */
export const bigFleet: Scenario = {
  name: 'big-fleet',
  async run() {
    const big = await bigFleetCycle();
    const note =
      `${BIG_FLEET_COMPANIES} companies (2 extensions each, installed through the OAuth flows in ` +
      `${minutes(big.onboardingMs)}), each with an hour's delta of a recorded call and an SMS; ` +
      `${BIG_FLEET_LATENCY_MS} ms latency on every API call; all runs due at once, two worker processes ` +
      `(WORKER_CONCURRENCY 20, JOB_POLL_SECONDS ${BIG_FLEET_POLL_SECONDS}); each company's first run ` +
      `(extensions, the weekly mailbox check and the delta: at least an hourly run's work); cycle ` +
      `${seconds(big.cycle.wallMs)}, ${big.cycle.runs} runs (${big.cycle.unsuccessful} not succeeded) of ` +
      `${seconds(big.cycle.meanRunMs)} on average, items ${JSON.stringify(big.cycle.kinds)}; workers peaked at ` +
      `${big.cycle.workerPeaksBytes.map((b) => (b / 1e6).toFixed(0)).join(' and ')} MB and used ` +
      `${big.cycle.workerCpuSeconds.map((c) => ((c / big.cycle.wallMs) * 100_000).toFixed(0)).join('% and ')}% of a core; ` +
      `database transactions per run ${(big.cycle.transactions / big.cycle.runs).toFixed(1)}; ` +
      `the workers, the simulators and PostgreSQL share this machine's cores`;
    return [
      figure('big-fleet', {
        metric: `hourly cycle time, ${BIG_FLEET_COMPANIES} companies, two workers`,
        value: big.cycle.wallMs / 60_000,
        unit: 'min',
        target: 'well under 60 min',
        ceiling: { value: 60, what: 'the hour' },
        pass: big.cycle.wallMs < HOUR_MS / 2 && big.cycle.unsuccessful === 0,
        note,
      }),
    ];
  },
};
