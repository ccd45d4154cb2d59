/**
 * Push notifications wired into the runs of this process: every full run first keeps the
 * company's subscription in step (its outcome goes into the run's figures, for the dashboard),
 * and settles the dirty-stream marks it read; early runs read only the marked streams.
 */
import type { PipelineDeps } from '../archive/pipeline.ts';
import { archiveTenant, type ArchiveDeps, type ArchiveOptions, type ArchiveOutcome } from '../archive/run.ts';
import { earlyRun, ladderFor, readThrough, settle, type EarlyRunDeps } from '../push/early-runs.ts';
import { streamDelay } from '../push/receive.ts';
import type { SubscriptionKeeper } from '../push/subscriptions.ts';
import type { Services } from './services.ts';

/**
 * The pipeline's subscription step, when notifications are on: the keeper works through the run's
 * own RingCentral client (its requests and 429s are the run's), and its outcome goes into the
 * run's figures.
 */
export function subscriptionStep(keeper: SubscriptionKeeper): PipelineDeps['keepSubscription'] {
  if (!keeper.enabled) return undefined;
  return async (tenantId, { api, platform, signal }) => ({
    ...(await keeper.ensure(tenantId, { signal, ringcentral: { api, platform } })),
  });
}

export function earlyRunDeps(services: Services, deps: ArchiveDeps): EarlyRunDeps {
  const { config } = services;
  const callMs = config.EARLY_RUN_CALL_DELAY_SECONDS * 1000;
  return {
    store: services.store,
    clock: services.clock,
    archive: (tenantId, options) => archiveTenant(tenantId, deps, options),
    delayMs: streamDelay(config.EARLY_RUN_DELAY_SECONDS * 1000, callMs),
    ladderMs: ladderFor(callMs),
  };
}

/** A full run (hourly or "Back up now"), then the marks it read are settled like an early run's. */
export async function fullRun(
  services: Services,
  early: EarlyRunDeps,
  tenantId: string,
  options: ArchiveOptions,
): Promise<ArchiveOutcome> {
  const marks = services.subscriptions.enabled ? await services.store.listDirtyStreams(tenantId) : [];
  const startedAt = services.clock.now();
  const outcome = await early.archive(tenantId, options);
  if (marks.length > 0 && outcome.outcome === 'finished') {
    const next = await settle(early, tenantId, marks, startedAt, readThrough(outcome));
    if (next) await services.scheduler.runSoon(tenantId, next);
  }
  return outcome;
}

export { earlyRun };
