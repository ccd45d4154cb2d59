import { setTimeout as sleep } from 'node:timers/promises';
import { startBenchStack } from '../support/bench-stack.ts';
import { figure } from '../support/figures.ts';
import { onboardTenant } from '../support/onboard.ts';
import { archivedOf, finishedRun } from '../support/runs.ts';
import { compressedTime } from '../support/scale.ts';
import type { Scenario } from '../support/scenario.ts';
import { procfileWorkerArgs, startWorkerProcess } from '../support/worker-process.ts';

/**
 * A worker process archives one recording of 50 MB, another of 500 MB: its peak resident memory
 * must stay under 200 MB and not grow with the file (streaming, fixed-size chunks). Each size gets
 * a fresh worker, so each peak (VmHWM) belongs to that size alone; an idle worker gives the
 * baseline.
 */
const MB = 1_000_000;
const SIZES = [50 * MB, 500 * MB];
const LIMIT_BYTES = 200 * MB;
const SCALE = compressedTime(1);

const mb = (bytes: number) => bytes / MB;

export const memory: Scenario = {
  name: 'memory',
  async run() {
    const stack = await startBenchStack({ scale: SCALE });
    try {
      const idle = await startWorkerProcess(stack);
      await sleep(3_000);
      const idlePeak = await idle.peakRssBytes();
      await idle.stop();

      const peaks: number[] = [];
      for (const [i, size] of SIZES.entries()) {
        const account = stack.rc.createAccount({
          seed: 500 + i,
          extensions: 2,
          days: 1,
          callsPerExtensionPerDay: 1,
          recordedShare: 0,
          messagesPerExtensionPerDay: 0,
          extraRecordings: [size],
        });
        const since = new Date();
        // Onboarding makes the first run due; the fresh worker takes it at once.
        const tenant = await onboardTenant(stack, account);
        const worker = await startWorkerProcess(stack);
        try {
          const run = await finishedRun(stack.services.store, tenant.tenantId, since, 300_000);
          const archived = archivedOf(run, 'recording');
          if (run.status !== 'succeeded' || archived.bytes < size)
            throw new Error(`the ${mb(size)} MB recording was not archived: ${JSON.stringify(run.stats)}`);
          peaks.push(await worker.peakRssBytes());
        } finally {
          await worker.stop();
        }
      }

      const [small, large] = peaks as [number, number];
      const note =
        `one fresh worker per size, started as the Procfile starts it (\`node ${(await procfileWorkerArgs()).join(' ')}\`), ` +
        `peak = VmHWM of the worker process; ` +
        `an idle worker peaks at ${mb(idlePeak).toFixed(0)} MB; simulators and database in other processes`;
      const sizeFigure = (size: number, peak: number) =>
        figure('memory', {
          metric: `peak worker RSS, ${mb(size)} MB recording`,
          value: mb(peak),
          unit: 'MB',
          target: '< 200 MB',
          ceiling: { value: mb(LIMIT_BYTES), what: '200 MB limit' },
          pass: peak < LIMIT_BYTES,
          note,
        });
      const growth = large / small;
      return [
        sizeFigure(SIZES[0]!, small),
        sizeFigure(SIZES[1]!, large),
        figure('memory', {
          metric: 'peak RSS 500 MB ÷ peak RSS 50 MB',
          value: growth,
          target: 'within 20% (0.8–1.2)',
          ceiling: { value: 1.2, what: '20% more' },
          pass: growth >= 0.8 && growth <= 1.2,
          note,
        }),
      ];
    } finally {
      await stack.close();
    }
  },
};
