import type { Agenda } from 'agenda';
import type { Clock } from '../lib/clock.ts';
import { isDuplicateKeyError } from '../store/errors.ts';
import { ARCHIVE_JOB, SOON_JOB } from './agenda.ts';

const ARCHIVE_INTERVAL = '1 hour';

/**
 * Why a run is wanted now, and what its run row says: "Back up now" (`manual`), the company's first
 * run once both connections are made (`first`), or the run after a reconnect (`reconnect`).
 */
export type RunNowReason = 'manual' | 'first' | 'reconnect';

export interface ArchiveJobData {
  tenantId: string;
  /** Set by runNow; a run that started before it is followed by another one. */
  requestedAt?: string;
  /** Why runNow was called (absent in jobs saved before it was recorded: manual). */
  reason?: RunNowReason;
}

interface TenantSchedule {
  nextRunAt: Date | null;
  lastRunAt: Date | null;
  lastFinishedAt: Date | null;
  running: boolean;
}

/** What web and tenants need from the job system, without knowing it is Agenda. */
export interface Scheduler {
  /** Creates the tenant's hourly job (first run now) unless it exists; safe from many processes. */
  scheduleTenant(tenantId: string): Promise<void>;
  /** Moves the tenant's next run to now (creating the job if needed); the run is labelled `reason`. */
  runNow(tenantId: string, reason?: RunNowReason): Promise<void>;
  /**
   * An early run of the tenant at `at`, besides its hourly job: each call adds a one-off job, so a
   * run in progress never overwrites it; callers schedule only when a stream newly needs reading.
   */
  runSoon(tenantId: string, at: Date): Promise<void>;
  unscheduleTenant(tenantId: string): Promise<void>;
  status(tenantId: string): Promise<TenantSchedule | null>;
}

export function createScheduler(agenda: Agenda, clock: Clock): Scheduler {
  const hourlyJob = (data: ArchiveJobData, insertOnly = false) =>
    agenda
      .create<ArchiveJobData>(ARCHIVE_JOB, data)
      .unique({ 'data.tenantId': data.tenantId }, { insertOnly })
      .repeatEvery(ARCHIVE_INTERVAL);

  // The database's unique index (see migrations) turns a lost race into a duplicate-key error:
  // the other process created the same job, which is the outcome we wanted.
  const saveIgnoringRace = async (save: () => Promise<unknown>) => {
    try {
      await save();
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  };

  return {
    async scheduleTenant(tenantId) {
      await saveIgnoringRace(() => hourlyJob({ tenantId }, true).save());
    },

    async runNow(tenantId, reason = 'manual') {
      const now = new Date(clock.now());
      await saveIgnoringRace(() =>
        hourlyJob({ tenantId, requestedAt: now.toISOString(), reason }).schedule(now).save(),
      );
    },

    async runSoon(tenantId, at) {
      await agenda.create(SOON_JOB, { tenantId }).schedule(at).save();
    },

    async unscheduleTenant(tenantId) {
      await agenda.cancel({ name: ARCHIVE_JOB, data: { tenantId } });
      await agenda.cancel({ name: SOON_JOB, data: { tenantId } });
    },

    async status(tenantId) {
      const { jobs } = await agenda.queryJobs({ name: ARCHIVE_JOB, data: { tenantId }, limit: 1 });
      const job = jobs[0];
      if (!job) return null;
      const lastRun = job.lastRunAt ? new Date(job.lastRunAt) : null;
      const lastFinished = job.lastFinishedAt ? new Date(job.lastFinishedAt) : null;
      return {
        nextRunAt: job.nextRunAt ? new Date(job.nextRunAt) : null,
        lastRunAt: lastRun,
        lastFinishedAt: lastFinished,
        running: !!job.lockedAt && !!lastRun && (!lastFinished || lastFinished < lastRun),
      };
    },
  };
}
