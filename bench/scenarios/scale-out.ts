import { runCycle } from '../support/cycle.ts';
import { addHourlyDelta, fleet, FLEET_TENANTS, oneWorkerCycle } from '../support/fleet.ts';
import { figure } from '../support/figures.ts';
import { seconds } from '../support/scale.ts';
import type { Scenario } from '../support/scenario.ts';

/** The many-tenants cycle again with two worker processes sharing the Agenda jobs. */
export const scaleOut: Scenario = {
  name: 'scale-out',
  async run(shared) {
    const f = await fleet(shared);
    const one = await oneWorkerCycle(shared);
    addHourlyDelta(f);
    const two = await runCycle(
      f.stack,
      f.tenants.map((t) => t.tenantId),
      { workers: 2 },
    );
    const ratio = two.wallMs / one.wallMs;
    const note =
      `${FLEET_TENANTS} tenants, the same delta each cycle; one worker ${seconds(one.wallMs)}, ` +
      `two workers ${seconds(two.wallMs)} (${two.runs} runs, ${two.unsuccessful} not succeeded, ` +
      `${two.workerCpuSeconds.map((s) => `${((s / (two.wallMs / 1000)) * 100).toFixed(0)}%`).join(' and ')} of a core); ` +
      `each worker starts at most 20 runs per 5 s poll (the defaults), which bounds both cycles; ` +
      `both workers, the simulators and PostgreSQL share this machine's cores`;
    return [
      figure('scale-out', {
        metric: 'cycle time two workers ÷ one worker',
        value: ratio,
        target: '<= 0.6',
        ceiling: { value: 0.5, what: 'perfect halving' },
        pass: ratio <= 0.6 && two.unsuccessful === 0,
        note,
      }),
    ];
  },
};
