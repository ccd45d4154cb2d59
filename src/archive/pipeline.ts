import type { Services } from '../runtime/services.ts';
import type { TenantWork } from './run.ts';

/** The archive pipeline for one tenant run (discover → plan → transfer → commit → report). */
export function archivePipeline(_services: Services): TenantWork {
  return () => Promise.resolve({ status: 'succeeded', moreWork: false });
}
