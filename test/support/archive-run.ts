import { archiveTenant, type ArchiveOutcome } from '../../src/archive/run.ts';
import { archiveDeps, archiveWork } from '../../src/runtime/worker.ts';
import type { TestStack } from './stack.ts';

/** One archive run of a tenant, exactly as the worker's job runs it (minus Agenda). */
export function runArchive(stack: TestStack, tenantId: string, trigger = 'test'): Promise<ArchiveOutcome> {
  const { services } = stack;
  return archiveTenant(tenantId, archiveDeps(services, archiveWork(services)), {
    trigger,
    workerId: 'test-worker',
  });
}
