import { Agenda, type AgendaBackend } from 'agenda';

export const ARCHIVE_JOB = 'archive-tenant';
/** A one-off early run of a company, brought by push notifications (see src/push/). */
export const SOON_JOB = 'archive-tenant-soon';
/** Daily, deployment-wide: fans out one KEEPALIVE_COMPANY_JOB per company with an old token. */
export const KEEPALIVE_JOB = 'keep-tokens-alive';
export const KEEPALIVE_COMPANY_JOB = 'keep-company-tokens-alive';
/** Daily, deployment-wide: fans out one VERIFY_COMPANY_JOB per active company. */
export const VERIFY_JOB = 'verify-archives';
export const VERIFY_COMPANY_JOB = 'verify-archive';

interface AgendaOptions {
  /** How often the worker looks for due jobs; notifications make new jobs start sooner. */
  processEvery?: string | number;
  maxConcurrency?: number;
  lockLifetimeMs: number;
}

/**
 * Agenda on the backend that matches the store (see store/index.ts). Agenda locks each job in the
 * shared database, which is what lets several worker processes share the tenants safely.
 */
export function createAgenda(backend: AgendaBackend, name: string, options: AgendaOptions): Agenda {
  const concurrency = options.maxConcurrency ?? 20;
  return new Agenda({
    backend,
    name,
    processEvery: options.processEvery ?? '5 seconds',
    maxConcurrency: concurrency,
    defaultConcurrency: concurrency,
    defaultLockLimit: concurrency,
    lockLimit: concurrency,
    defaultLockLifetime: options.lockLifetimeMs,
  });
}
