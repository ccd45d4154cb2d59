import type { Agenda } from 'agenda';
import type { RequestHandler } from 'express';

/**
 * Agendash's sidebar polls the job processor of the process serving it every five seconds. The
 * web process never processes jobs (workers do), so Agenda would answer "agenda not running"
 * with a 500 — an error in the log every five seconds while an operator watches. This answers in
 * the same shape with the shared queue's size and an honestly empty local processor.
 */
export function webProcessJobStats(agenda: Agenda, backendName: string): RequestHandler {
  return async (req, res, next) => {
    try {
      const nothing = req.query.fullDetails === 'true' ? [] : 0;
      res.json({
        version: 'web process',
        queueName: `${agenda.attrs.name ?? 'web'} (serves pages only; workers run the jobs)`,
        totalQueueSizeDB: await agenda.db.getQueueSize(),
        config: {
          totalLockLimit: agenda.attrs.lockLimit,
          maxConcurrency: agenda.attrs.maxConcurrency,
          processEvery: agenda.attrs.processEvery,
        },
        backend: { name: backendName, hasNotificationChannel: agenda.hasNotificationChannel() },
        internal: { localQueueProcessing: 0 },
        jobStatus: {},
        queuedJobs: nothing,
        runningJobs: nothing,
        lockedJobs: nothing,
        jobsToLock: nothing,
        isLockingOnTheFly: false,
      });
    } catch (error) {
      next(error);
    }
  };
}
