import type { Agenda, Job } from 'agenda';
import type { ArchiveOptions, ArchiveOutcome } from '../archive/run.ts';
import type { Logger } from '../lib/logger.ts';
import { ARCHIVE_JOB, SOON_JOB } from './agenda.ts';
import type { ArchiveJobData } from './scheduler.ts';

/** How soon a tenant's job comes back when its run could not finish its work this time. */
const RESUME_AFTER_MS = 60_000;
/** How soon a run stopped by this worker's shutdown is picked up again (by a peer). */
const RESUME_AFTER_SHUTDOWN_MS = 2_000;

interface WorkerOptions {
  workerId: string;
  concurrency: number;
  lockLifetimeMs: number;
  logger: Logger;
  archive: (tenantId: string, options: ArchiveOptions) => Promise<ArchiveOutcome>;
  /** An early run (push notifications); returns when the next one is due, if any. */
  early?: (
    tenantId: string,
    options: Pick<ArchiveOptions, 'workerId' | 'signal'>,
  ) => Promise<{ nextAt: Date | null }>;
  /** Resolves once the database answers (gives up after a while): the job system writes next. */
  storeAnswers?: () => Promise<void>;
  now?: () => number;
}

export interface Worker {
  /** Stops taking jobs, asks running runs to stop at their next item, waits up to graceMs. */
  shutdown(graceMs: number): Promise<{ timedOut: boolean }>;
}

/**
 * Wires the archive job into Agenda: one job per tenant, run by whichever worker locks it. The
 * handler only translates between Agenda and the plain archiveTenant function.
 */
export async function startWorker(agenda: Agenda, options: WorkerOptions): Promise<Worker> {
  const now = options.now ?? Date.now;
  const running = new Map<string, { controller: AbortController; job: Job<{ tenantId: string }> }>();

  agenda.define<ArchiveJobData>(
    ARCHIVE_JOB,
    async (job) => {
      const { tenantId, requestedAt, reason } = job.attrs.data;
      const previousFinish = job.attrs.lastFinishedAt?.getTime() ?? 0;
      const manual = !!requestedAt && Date.parse(requestedAt) > previousFinish;
      const controller = new AbortController();
      const key = String(job.attrs._id);
      running.set(key, { controller, job });
      const soon = (ms: number) => job.schedule(new Date(now() + ms));
      try {
        const outcome = await options.archive(tenantId, {
          trigger: manual ? (reason ?? 'manual') : 'schedule',
          workerId: options.workerId,
          signal: controller.signal,
        });
        // Another worker's lease (possibly a dead one's, still unexpired): try again when it lapses.
        if (outcome.outcome === 'busy') soon(outcome.retryAfterMs);
        else if (outcome.outcome === 'finished' && outcome.stopped === 'shutdown')
          soon(RESUME_AFTER_SHUTDOWN_MS);
        else if (outcome.outcome === 'finished' && outcome.moreWork) soon(RESUME_AFTER_MS);
        await honourRunNowDuringRun(agenda, job);
      } catch (error) {
        // The run could not even be started or recorded (the database was unreachable): come back
        // soon, not at the next hourly slot.
        options.logger.error({ err: error, tenantId }, 'archive job failed');
        soon(RESUME_AFTER_MS);
      } finally {
        running.delete(key);
        // Agenda saves the job's state (its next run, its lock) as soon as this returns: after an
        // outage that write must not be lost, or the job stays locked for its whole lock lifetime.
        await options.storeAnswers?.().catch(() => undefined);
      }
    },
    {
      concurrency: options.concurrency,
      lockLimit: options.concurrency,
      lockLifetime: options.lockLifetimeMs,
    },
  );

  if (options.early) {
    const early = options.early;
    // One-off jobs, one per "a stream needs reading": each leaves its successor (when one is due)
    // as a new job, so no run in progress can overwrite a schedule made meanwhile.
    agenda.define<{ tenantId: string }>(
      SOON_JOB,
      async (job) => {
        const { tenantId } = job.attrs.data;
        const controller = new AbortController();
        const key = String(job.attrs._id);
        running.set(key, { controller, job });
        try {
          const { nextAt } = await early(tenantId, { workerId: options.workerId, signal: controller.signal });
          if (nextAt) await agenda.create(SOON_JOB, { tenantId }).schedule(nextAt).save();
        } catch (error) {
          options.logger.error({ err: error, tenantId }, 'early archive job failed');
          await agenda
            .create(SOON_JOB, { tenantId })
            .schedule(new Date(now() + RESUME_AFTER_MS))
            .save()
            .catch(() => undefined);
        } finally {
          running.delete(key);
          await options.storeAnswers?.().catch(() => undefined);
        }
      },
      {
        concurrency: options.concurrency,
        lockLimit: options.concurrency,
        lockLifetime: options.lockLifetimeMs,
        removeOnComplete: true,
      },
    );
  }

  await agenda.start();
  options.logger.info({ workerId: options.workerId, concurrency: options.concurrency }, 'worker started');

  return {
    async shutdown(graceMs) {
      options.logger.info({ running: running.size, graceMs }, 'worker draining');
      for (const { controller } of running.values()) controller.abort(new Error('worker shutting down'));
      const result = await agenda.drain({ timeout: graceMs, closeConnection: false });
      if (result.timedOut) {
        // Hand unfinished jobs back now rather than after their lock lifetime; the run lease
        // (expiring shortly after this process exits) keeps a peer from overlapping with us.
        const jobs = [...running.values()].map((r) => r.job);
        for (const job of jobs) job.attrs.nextRunAt = new Date(now() + RESUME_AFTER_SHUTDOWN_MS);
        await Promise.all(
          jobs.map((job) => agenda.db.saveJobState({ ...job.attrs, lockedAt: undefined }, {})),
        );
        await agenda.db.unlockJobs(jobs.map((job) => job.attrs._id!));
        options.logger.warn({ released: jobs.length }, 'worker released unfinished jobs');
      }
      return { timedOut: result.timedOut };
    },
  };
}

/**
 * "Back up now" pressed while this tenant's run was going: the press updated the job's data in the
 * database, but Agenda is about to save the next run an hour out. Bring it forward instead.
 */
async function honourRunNowDuringRun(agenda: Agenda, job: Job<ArchiveJobData>): Promise<void> {
  const { jobs } = await agenda.queryJobs({ id: String(job.attrs._id), limit: 1 });
  const requestedAt = (jobs[0]?.data as ArchiveJobData | undefined)?.requestedAt;
  const startedAt = job.attrs.lastRunAt?.getTime() ?? 0;
  if (requestedAt && Date.parse(requestedAt) > startedAt) job.attrs.nextRunAt = new Date();
}
