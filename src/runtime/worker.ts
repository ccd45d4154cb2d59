import { archiveTenant, type TenantWork } from '../archive/run.ts';
import { startWorker, type Worker } from '../jobs/worker.ts';
import type { Services } from './services.ts';

/** A worker process: runs due archive jobs until told to stop. */
export async function startWorkerProcess(
  services: Services,
  work: TenantWork,
  options: { leaseTtlMs?: number } = {},
): Promise<Worker> {
  const { store, logger, clock, metrics, config } = services;
  // Runs left "running" by a worker that died are over: mark them so the history tells the truth.
  const interrupted = await store.interruptStaleRuns(new Date(clock.now() - services.lockLifetimeMs));
  if (interrupted > 0) logger.warn({ interrupted }, 'marked runs of a stopped worker as interrupted');
  return startWorker(services.agenda, {
    workerId: services.processId,
    concurrency: config.WORKER_CONCURRENCY,
    lockLifetimeMs: services.lockLifetimeMs,
    logger,
    archive: (tenantId, runOptions) =>
      archiveTenant(
        tenantId,
        {
          store,
          logger,
          clock,
          metrics,
          work,
          timeBoxMs: services.timeBoxMs,
          leaseTtlMs: options.leaseTtlMs,
        },
        runOptions,
      ),
  });
}
