import { archivePipeline } from '../archive/pipeline.ts';
import type { ArchiveDeps, TenantWork } from '../archive/run.ts';
import { ALERT_SWEEP_JOB } from '../notifications/index.ts';
import { startWorker, type Worker } from '../jobs/worker.ts';
import { isUnreachable, OUTAGE_PATIENCE_MS, patiently } from '../lib/patiently.ts';
import { defineKeepAlive, scheduleKeepAlive } from './keep-alive-job.ts';
import { defineDailyVerify, scheduleDailyVerify } from './verify/daily-job.ts';
import type { Services } from './services.ts';
import { earlyRun, earlyRunDeps, fullRun, subscriptionStep } from './push.ts';
import { tenantAccess } from './tenant-access.ts';

/** The archive pipeline wired to this process's services (keeping the push subscription in step). */
export function archiveWork(services: Services): TenantWork {
  return archivePipeline({
    ...tenantAccess(services),
    keepSubscription: subscriptionStep(services.subscriptions),
  });
}

/** What archiveTenant needs in this process: the worker's jobs and tests' runs share it. */
export function archiveDeps(
  services: Services,
  work: TenantWork,
  options: { leaseTtlMs?: number } = {},
): ArchiveDeps {
  const { store, logger, clock, metrics } = services;
  return {
    store,
    logger,
    clock,
    metrics,
    work,
    timeBoxMs: services.timeBoxMs,
    leaseTtlMs: options.leaseTtlMs,
    onFinished: ({ tenantId }) => services.notifier.runFinished(tenantId),
  };
}

/** A worker process: runs due archive jobs until told to stop. */
export async function startWorkerProcess(
  services: Services,
  work: TenantWork,
  options: { leaseTtlMs?: number } = {},
): Promise<Worker> {
  const { store, logger, clock, config } = services;
  const interrupted = await patiently(
    async () => {
      // A database that cannot fence a run's writes stops the worker here, with what to do.
      await store.checkRunFencing();
      // Runs left "running" by a worker that died are over: mark them so the history tells the truth.
      return store.interruptStaleRuns(new Date(clock.now() - services.lockLifetimeMs));
    },
    {
      maxMs: OUTAGE_PATIENCE_MS,
      retryIf: isUnreachable,
      onRetry: () => logger.warn('database unreachable; waiting for it to start'),
    },
  );
  if (interrupted > 0) logger.warn({ interrupted }, 'marked runs of a stopped worker as interrupted');
  defineKeepAlive(services);
  const verification = defineDailyVerify(services, options);
  const early = earlyRunDeps(services, archiveDeps(services, work, options));
  const worker = await startWorker(services.agenda, {
    workerId: services.processId,
    concurrency: config.WORKER_CONCURRENCY,
    lockLifetimeMs: services.lockLifetimeMs,
    logger,
    archive: (tenantId, runOptions) => fullRun(services, early, tenantId, runOptions),
    early: (tenantId, runOptions) => earlyRun(early, tenantId, runOptions),
    storeAnswers: () =>
      patiently(() => store.ping(), {
        maxMs: OUTAGE_PATIENCE_MS,
        onRetry: () => logger.warn('database unreachable; the job waits for it before saving its state'),
      }),
  });
  services.agenda.define(ALERT_SWEEP_JOB, async () => {
    const result = await services.notifier.sweep();
    logger.info(result, 'alert reminders checked');
  });
  // Deployment-wide jobs (each a "single" job: every worker saying so makes one row).
  await scheduleKeepAlive(services);
  await services.agenda.every('1 hour', ALERT_SWEEP_JOB);
  await scheduleDailyVerify(services);
  return {
    shutdown: (graceMs) => {
      verification.stop();
      return worker.shutdown(graceMs);
    },
  };
}
