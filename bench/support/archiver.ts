import { setTimeout as sleep } from 'node:timers/promises';
import { type ArchiveOutcome, type TenantWork } from '../../src/archive/run.ts';
import { earlyRunDeps, fullRun } from '../../src/runtime/push.ts';
import { archiveDeps, archiveWork } from '../../src/runtime/worker.ts';
import type { Run } from '../../src/store/types.ts';
import type { TestStack } from '../../test/support/stack.ts';
import { REAL_TIME, type TimeScale } from './scale.ts';

/**
 * Runs tenants' archive jobs in this process exactly as a worker's hourly job does (a full run:
 * archiveTenant with the worker's own dependencies, then the settling of the dirty-stream marks
 * notifications left), with one pipeline for the life of the stack, as a worker process has: each
 * tenant's rate limiter carries over from one run to the next. `work` is that pipeline, for an
 * early-run worker in the same process to share.
 */
export interface Archiver {
  readonly work: TenantWork;
  /**
   * One run. While an early run holds the company, it waits as the worker's job would (the lease's
   * time, compressed by `scale`) and tries again; `waits` says how often.
   */
  run(tenantId: string): Promise<{ outcome: ArchiveOutcome; run: Run; waits: number }>;
}

export function createArchiver(stack: TestStack, scale: TimeScale = REAL_TIME): Archiver {
  const { services } = stack;
  const work = archiveWork(services);
  const early = earlyRunDeps(services, archiveDeps(services, work));
  return {
    work,
    async run(tenantId) {
      // A bound on the waiting only so that a stuck lease fails the scenario instead of hanging it.
      const deadline = performance.now() + 5 * 60_000;
      for (let waits = 0; ; waits++) {
        const outcome = await fullRun(services, early, tenantId, { trigger: 'bench', workerId: 'bench' });
        if (outcome.outcome === 'busy' && performance.now() < deadline) {
          await sleep(outcome.retryAfterMs / scale.factor);
          continue;
        }
        if (outcome.outcome !== 'finished')
          throw new Error(`run of ${tenantId} did not happen: ${JSON.stringify(outcome)}`);
        const run = await services.store.getRun(tenantId, outcome.runId);
        if (!run) throw new Error(`run ${outcome.runId} vanished`);
        return { outcome, run, waits };
      }
    },
  };
}
