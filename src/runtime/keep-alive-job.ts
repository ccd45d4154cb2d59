import { companiesDueKeepAlive, keepCompanyAlive } from '../connections/keep-alive.ts';
import { KEEPALIVE_COMPANY_JOB, KEEPALIVE_JOB } from '../jobs/agenda.ts';
import { dailyRound, fanOut, type CompanyJobData } from '../jobs/fan-out.ts';
import type { Services } from './services.ts';

/** Companies whose tokens one worker refreshes at once. */
const KEEPALIVE_CONCURRENCY = 4;
/** Held at once, running or waiting (the job system only takes more at its next poll). */
const KEEPALIVE_LOCK_LIMIT = 4 * KEEPALIVE_CONCURRENCY;

/**
 * The daily token keep-alive, spread over the workers: the deployment-wide job (one "single" row)
 * pages through the connections due a refresh and queues one job per company; every worker takes
 * those a few at a time.
 */
export function defineKeepAlive(services: Services): void {
  const { agenda, logger, clock } = services;
  agenda.define(KEEPALIVE_JOB, async () => {
    const round = dailyRound(clock.now());
    const companies = await fanOut(agenda, KEEPALIVE_COMPANY_JOB, round, companiesDueKeepAlive(services));
    logger.info({ companies, round }, 'token keep-alive queued per company');
  });
  agenda.define<CompanyJobData>(
    KEEPALIVE_COMPANY_JOB,
    async (job) => {
      const { tenantId } = job.attrs.data;
      const result = await keepCompanyAlive(services, tenantId);
      logger.info({ tenantId, ...result }, 'token keep-alive done');
    },
    { concurrency: KEEPALIVE_CONCURRENCY, lockLimit: KEEPALIVE_LOCK_LIMIT, removeOnComplete: true },
  );
}

/** Schedules the daily job (idempotent: the same row from every worker). */
export async function scheduleKeepAlive(services: Services): Promise<void> {
  await services.agenda.every('1 day', KEEPALIVE_JOB);
}
