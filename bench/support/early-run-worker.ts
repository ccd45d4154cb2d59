import { setTimeout as sleep } from 'node:timers/promises';
import { ARCHIVE_JOB } from '../../src/jobs/agenda.ts';
import type { Worker } from '../../src/jobs/worker.ts';
import { startWorkerProcess } from '../../src/runtime/worker.ts';
import type { TestStack } from '../../test/support/stack.ts';
import type { Archiver } from './archiver.ts';

/**
 * The worker of a benchmark with notifications on: the product's own worker (Agenda, the run
 * lease, the early-run jobs that notifications schedule), in this process and sharing the
 * archiver's pipeline (one rate limiter per company, as in one worker process). The benchmark
 * keeps the hourly schedule itself, compressed, so the tenants' hourly jobs are taken out of the
 * job table first: this worker runs only what notifications bring forward.
 */
export async function startEarlyRunWorker(
  stack: TestStack,
  archiver: Archiver,
  tenantIds: readonly string[],
): Promise<Worker> {
  for (const tenantId of tenantIds)
    await stack.services.agenda.cancel({ name: ARCHIVE_JOB, data: { tenantId } });
  return startWorkerProcess(stack.services, archiver.work);
}

/** Waits until no stream of the tenants is marked dirty any more (every early run is done). */
export async function settled(
  stack: TestStack,
  tenantIds: readonly string[],
  timeoutMs: number,
): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  for (;;) {
    const marks = await Promise.all(tenantIds.map((id) => stack.services.store.listDirtyStreams(id)));
    if (marks.every((m) => m.length === 0)) return;
    if (performance.now() > deadline)
      throw new Error(`dirty streams left after ${timeoutMs} ms: ${JSON.stringify(marks.flat())}`);
    await sleep(100);
  }
}
