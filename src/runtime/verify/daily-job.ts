import { verifyTenant } from '../../archive/verify/verify-tenant.ts';
import { VERIFY_COMPANY_JOB, VERIFY_JOB } from '../../jobs/agenda.ts';
import { dailyRound, fanOut, type CompanyJobData } from '../../jobs/fan-out.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Services } from '../services.ts';
import { verifyDeps } from './deps.ts';

/**
 * The daily verification, spread over the workers: one deployment-wide job (Agenda "single" job,
 * so every worker scheduling it makes one row) queues one verification job per active company, and
 * every worker takes those a few at a time. A company whose archive run is going (its run lease is
 * taken) is skipped until the next day; the hourly archive runs are what matter most. Daily at
 * 03:17 UTC, a quiet hour for North America; a fixed time of day (not "every 24 h from start") so
 * restarting workers never pushes it back.
 */

const VERIFY_SCHEDULE = '17 3 * * *';

/** Companies one worker verifies at once: each lists a whole archive. */
const VERIFY_CONCURRENCY = 2;
/**
 * Companies one worker holds at once, running or waiting: the job system only takes more at its
 * next poll, so a few in hand keep its slots busy between polls; few enough that the other workers
 * get their share.
 */
const VERIFY_LOCK_LIMIT = 4 * VERIFY_CONCURRENCY;
/** Companies queued per page. */
const PAGE_SIZE = 500;

interface DailyVerify {
  /** Asks running verifications to stop (shutdown); each still records what it found. */
  stop(): void;
}

export function defineDailyVerify(services: Services, options: { leaseTtlMs?: number } = {}): DailyVerify {
  const { agenda, logger, clock } = services;
  const controller = new AbortController();
  const deps = verifyDeps(services, options);
  agenda.define(VERIFY_JOB, async () => {
    const round = dailyRound(clock.now());
    const companies = await fanOut(agenda, VERIFY_COMPANY_JOB, round, activeCompanies(services));
    logger.info({ companies, round }, 'daily verification queued per company');
  });
  agenda.define<CompanyJobData>(
    VERIFY_COMPANY_JOB,
    async (job) => {
      const { tenantId } = job.attrs.data;
      if (controller.signal.aborted) return;
      try {
        const outcome = await verifyTenant(tenantId, deps, {
          workerId: services.processId,
          signal: controller.signal,
        });
        const counts = outcome.outcome === 'finished' ? outcome.report?.counts : undefined;
        logger.info({ tenantId, outcome: outcome.outcome, counts }, 'daily verification done');
      } catch (error) {
        logger.error({ tenantId, err: { message: errorMessage(error) } }, 'daily verification failed');
      }
    },
    { concurrency: VERIFY_CONCURRENCY, lockLimit: VERIFY_LOCK_LIMIT, removeOnComplete: true },
  );
  return { stop: () => controller.abort(new Error('worker shutting down')) };
}

/** The active companies' ids, a page at a time. */
async function* activeCompanies(services: Pick<Services, 'store'>): AsyncGenerator<string[]> {
  const ids = (await services.store.listTenants({ status: ['active'] })).map((t) => t.id);
  for (let i = 0; i < ids.length; i += PAGE_SIZE) yield ids.slice(i, i + PAGE_SIZE);
}

/** Schedules the daily job (idempotent: the same row, the same next time, from every worker). */
export async function scheduleDailyVerify(services: Services): Promise<void> {
  await services.agenda.every(VERIFY_SCHEDULE, VERIFY_JOB, undefined, { timezone: 'UTC' });
}
