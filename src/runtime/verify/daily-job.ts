import pMap from 'p-map';
import { verifyTenant } from '../../archive/verify/verify-tenant.ts';
import { VERIFY_JOB } from '../../jobs/agenda.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Services } from '../services.ts';
import { verifyDeps } from './deps.ts';

/**
 * The daily verification: one job for the whole deployment (Agenda "single" job, so every worker
 * scheduling it makes one row) that verifies every active tenant, a few at a time. A tenant whose
 * archive run is going (its run lease is taken) is skipped until the next day; the hourly archive
 * runs are what matter most. Daily at 03:17 UTC, a quiet hour for North America; a fixed time of
 * day (not "every 24 h from start") so restarting workers never pushes it back.
 */

export const VERIFY_SCHEDULE = '17 3 * * *';

/** Tenants verified at once: each lists a whole Dropbox archive. */
const VERIFY_CONCURRENCY = 2;

export interface DailyVerify {
  /** Asks running verifications to stop (shutdown); each still records what it found. */
  stop(): void;
}

export function defineDailyVerify(services: Services, options: { leaseTtlMs?: number } = {}): DailyVerify {
  const { agenda, store, logger } = services;
  const controller = new AbortController();
  const deps = verifyDeps(services, options);
  agenda.define(VERIFY_JOB, async (job) => {
    const tenants = await store.listTenants({ status: ['active'] });
    await pMap(
      tenants,
      async (tenant) => {
        if (controller.signal.aborted) return;
        try {
          const outcome = await verifyTenant(tenant.id, deps, {
            workerId: services.processId,
            signal: controller.signal,
          });
          const counts = outcome.outcome === 'finished' ? outcome.report?.counts : undefined;
          logger.info({ tenantId: tenant.id, outcome: outcome.outcome, counts }, 'daily verification done');
        } catch (error) {
          logger.error(
            { tenantId: tenant.id, err: { message: errorMessage(error) } },
            'daily verification failed',
          );
        }
        // Keeps this job's lock while the tenants take their time.
        await job.touch().catch(() => undefined);
      },
      { concurrency: VERIFY_CONCURRENCY },
    );
  });
  return { stop: () => controller.abort(new Error('worker shutting down')) };
}

/** Schedules the daily job (idempotent: the same row, the same next time, from every worker). */
export async function scheduleDailyVerify(services: Services): Promise<void> {
  await services.agenda.every(VERIFY_SCHEDULE, VERIFY_JOB, undefined, { timezone: 'UTC' });
}
