import { verifyTenant } from '../../archive/verify/verify-tenant.ts';
import { VERIFY_COMPANY_JOB, VERIFY_JOB } from '../../jobs/agenda.ts';
import { dailyRound, fanOut, type CompanyJobData } from '../../jobs/fan-out.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Services } from '../services.ts';
import { activeCompanies } from './active-companies.ts';
import { verifyDeps } from './deps.ts';
import { readVerifiedRound, recordVerifiedRound, verifiedIn } from './verified-round.ts';

/**
 * The daily verification, spread over the workers: one deployment-wide job (Agenda "single" job,
 * so every worker scheduling it makes one row) queues one verification job per active company, and
 * every worker takes those a few at a time. The companies are read a page at a time, and each is
 * verified once per UTC day however often the day's fan-out runs (verified-round.ts). A company
 * whose archive run is going (its run lease is taken) is skipped until the next fan-out, normally
 * the next day; the hourly archive runs are what matter most. Daily at
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
    const companies = await fanOut(agenda, VERIFY_COMPANY_JOB, round, activeCompanies(services.store));
    logger.info({ companies, round }, 'daily verification queued per company');
  });
  agenda.define<CompanyJobData>(
    VERIFY_COMPANY_JOB,
    async (job) => {
      const { tenantId, round } = job.attrs.data;
      if (controller.signal.aborted) return;
      try {
        const verified = await readVerifiedRound(services.store, tenantId);
        if (verifiedIn(verified, round)) {
          logger.info({ tenantId, round }, 'daily verification already done this round');
          return;
        }
        const outcome = await verifyTenant(tenantId, deps, {
          workerId: services.processId,
          signal: controller.signal,
        });
        // A verification that reached its verdict (a failed one included: its run row and alerts
        // say so) is the company's for the day. One skipped (busy, not active) or cut by shutdown
        // is left to the next fan-out, a later one today included.
        if (outcome.outcome === 'finished' && !controller.signal.aborted)
          await recordVerifiedRound(services.store, tenantId, verified, round);
        const counts = outcome.outcome === 'finished' ? outcome.report?.counts : undefined;
        logger.info({ tenantId, round, outcome: outcome.outcome, counts }, 'daily verification done');
      } catch (error) {
        logger.error({ tenantId, err: { message: errorMessage(error) } }, 'daily verification failed');
      }
    },
    { concurrency: VERIFY_CONCURRENCY, lockLimit: VERIFY_LOCK_LIMIT, removeOnComplete: true },
  );
  return { stop: () => controller.abort(new Error('worker shutting down')) };
}

/** Schedules the daily job (idempotent: the same row, the same next time, from every worker). */
export async function scheduleDailyVerify(services: Services): Promise<void> {
  await services.agenda.every(VERIFY_SCHEDULE, VERIFY_JOB, undefined, { timezone: 'UTC' });
}
