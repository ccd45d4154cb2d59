import { archiveTenant, type ArchiveOutcome } from '../../src/archive/run.ts';
import { archiveDeps, archiveWork } from '../../src/runtime/worker.ts';
import type { Run } from '../../src/store/types.ts';
import type { TestStack } from '../../test/support/stack.ts';

/**
 * Runs tenants' archive jobs in this process exactly as a worker's job does (archiveTenant with the
 * worker's own dependencies), with one pipeline for the life of the stack, as a worker process
 * has: each tenant's rate limiter carries over from one run to the next.
 */
export interface Archiver {
  run(tenantId: string): Promise<{ outcome: ArchiveOutcome; run: Run }>;
}

export function createArchiver(stack: TestStack): Archiver {
  const { services } = stack;
  const deps = archiveDeps(services, archiveWork(services));
  return {
    async run(tenantId) {
      const outcome = await archiveTenant(tenantId, deps, { trigger: 'bench', workerId: 'bench' });
      if (outcome.outcome !== 'finished')
        throw new Error(`run of ${tenantId} did not happen: ${JSON.stringify(outcome)}`);
      const run = await services.store.getRun(tenantId, outcome.runId);
      if (!run) throw new Error(`run ${outcome.runId} vanished`);
      return { outcome, run };
    },
  };
}
