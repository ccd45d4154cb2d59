import type { Clock } from '../lib/clock.ts';
import { errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import { OUTAGE_PATIENCE_MS, patiently } from '../lib/patiently.ts';
import { LeaseLostError } from '../store/errors.ts';
import type { JsonObject, Run, RunStatus, Store, Tenant } from '../store/types.ts';

/**
 * One archive run for one tenant: the body of the hourly job, a plain function that tests call
 * without the job system. It holds the tenant's run lease for its whole duration (renewed by a
 * heartbeat), so two workers can never archive the same tenant at once, records a run row, and
 * stops itself at the time box or when the process is shutting down.
 */

/**
 * The streams a run is restricted to (cursor names: `calllog`, `mailbox:<extensionId>`), each to
 * be read from no later than `since` (null: from its cursor with a short overlap). An early run
 * brought by notifications reads only these; a run without a selection reads everything.
 */
export type StreamSelection = Readonly<Record<string, { since: Date | null }>>;

export interface RunContext {
  tenant: Tenant;
  run: Run;
  /**
   * The store fenced by this run's lease: every write of the run goes through it, and once another
   * run has taken the company each one is refused (LeaseLostError), so a run that stalled past its
   * lease writes nothing more.
   */
  store: Store;
  /** null for a full run. */
  streams: StreamSelection | null;
  /** Aborted at the time box or on shutdown: stop at the next item boundary. */
  signal: AbortSignal;
  /** Why the signal fired, once it has. */
  stopReason(): 'time-box' | 'shutdown' | null;
  /** Merges figures into the run row (persisted at the end and at checkpoints). */
  report(stats: JsonObject): void;
  fail(error: JsonObject): void;
  checkpoint(): Promise<void>;
}

/** The work itself (the archive pipeline); returns whether work is left for the next run. */
export type TenantWork = (
  ctx: RunContext,
) => Promise<{ status: Exclude<RunStatus, 'running'>; moreWork: boolean }>;

export interface ArchiveDeps {
  store: Store;
  logger: Logger;
  clock: Clock;
  metrics: Metrics;
  work: TenantWork;
  timeBoxMs: number;
  /** How long a lease lasts without a heartbeat: a crashed worker's tenant is free again after it. */
  leaseTtlMs?: number;
  /** Told once the run row is final (alerts are decided there); its failure never fails the run. */
  onFinished?: (run: { tenantId: string; runId: string; status: RunStatus }) => Promise<void>;
}

export interface ArchiveOptions {
  trigger: string;
  workerId: string;
  signal?: AbortSignal;
  /** Only these streams (an early run); all when absent. */
  streams?: StreamSelection;
}

export type ArchiveOutcome =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'busy'; retryAfterMs: number }
  | {
      outcome: 'finished';
      runId: string;
      status: RunStatus;
      moreWork: boolean;
      stopped: 'time-box' | 'shutdown' | null;
    };

const DEFAULT_LEASE_TTL_MS = 2 * 60_000;

export async function archiveTenant(
  tenantId: string,
  deps: ArchiveDeps,
  options: ArchiveOptions,
): Promise<ArchiveOutcome> {
  const { store, logger } = deps;
  const tenant = await store.getTenant(tenantId);
  if (!tenant) return { outcome: 'skipped', reason: 'tenant not found' };
  if (tenant.status !== 'active') return { outcome: 'skipped', reason: `tenant is ${tenant.status}` };

  const leaseTtl = deps.leaseTtlMs ?? DEFAULT_LEASE_TTL_MS;
  const lease = await store.acquireRunLease(tenantId, options.workerId, leaseTtl);
  if (!lease) return { outcome: 'busy', retryAfterMs: leaseTtl };

  const log = logger.child({ tenantId });
  const started = deps.clock.now();
  const fenced = store.fenced({ tenantId, token: lease.token });
  // Holding the lease, any run of this company still "running" lost its lease: say so.
  await store.interruptStaleRuns(new Date(started), { tenantId });
  const run = await fenced.startRun({ tenantId, trigger: options.trigger, startedAt: new Date(started) });
  const stopper = new AbortController();
  let stopReason: 'time-box' | 'shutdown' | null = null;
  const stop = (reason: 'time-box' | 'shutdown') => {
    stopReason ??= reason;
    stopper.abort(new Error(`run stopped: ${reason}`));
  };
  const timeBox = setTimeout(() => stop('time-box'), deps.timeBoxMs);
  const onShutdown = () => stop('shutdown');
  options.signal?.addEventListener('abort', onShutdown, { once: true });
  if (options.signal?.aborted) stop('shutdown');
  const heartbeat = setInterval(
    () => {
      store.renewRunLease(tenantId, lease.token, leaseTtl).then(
        (held) => {
          // Someone else holds the tenant now (we stalled past the lease): stop before writing more.
          if (!held) stop('shutdown');
        },
        (error: unknown) => log.warn({ err: { message: errorMessage(error) } }, 'could not renew run lease'),
      );
    },
    Math.max(1_000, Math.floor(leaseTtl / 4)),
  );

  let stats: JsonObject = {};
  const errors: JsonObject[] = [];
  const ctx: RunContext = {
    tenant,
    run,
    store: fenced,
    streams: options.streams ?? null,
    signal: stopper.signal,
    stopReason: () => stopReason,
    report: (more) => {
      stats = { ...stats, ...more };
    },
    fail: (error) => {
      if (errors.length < 500) errors.push(error);
    },
    checkpoint: () => fenced.updateRun(run.id, { stats, errors }),
  };

  const waitingForStore = (error: unknown) =>
    log.warn({ err: { message: errorMessage(error) } }, 'database unreachable; retrying the run record');
  const result = await deps.work(ctx).catch((error: unknown) => {
    log.error({ err: error }, 'archive run failed');
    ctx.fail({ reason: errorMessage(error) });
    return { status: 'failed' as const, moreWork: true };
  });
  let status: RunStatus = result.status;
  if (stopReason === 'shutdown' && status === 'succeeded') status = 'interrupted';
  try {
    clearTimeout(timeBox);
    clearInterval(heartbeat);
    options.signal?.removeEventListener('abort', onShutdown);
    // The database may be briefly unreachable (it may be why the run failed): the run's record and
    // the release of its lease wait for it, or the run would read "running" and hold the tenant.
    const finishedAt = new Date(deps.clock.now());
    const durationMs = deps.clock.now() - started;
    await patiently(
      () =>
        fenced
          .updateRun(run.id, {
            status,
            finishedAt,
            stats: { ...stats, durationMs },
            errors,
            timeBoxed: stopReason === 'time-box',
          })
          .catch((error: unknown) => {
            // The run that took the company over has marked this one interrupted.
            if (!(error instanceof LeaseLostError)) throw error;
            log.warn('run lease lost to another run: its record is left as that run set it');
          }),
      { maxMs: OUTAGE_PATIENCE_MS, onRetry: waitingForStore },
    );
  } finally {
    await patiently(() => store.releaseRunLease(tenantId, lease.token), {
      maxMs: OUTAGE_PATIENCE_MS,
      onRetry: waitingForStore,
    }).catch(() => undefined);
    deps.metrics.jobRuns.inc({ status, trigger: options.trigger });
    deps.metrics.jobDuration.observe({ status }, (deps.clock.now() - started) / 1000);
  }
  log.info({ runId: run.id, status, stopped: stopReason }, 'archive run finished');
  await deps.onFinished?.({ tenantId, runId: run.id, status }).catch((error: unknown) => {
    log.warn({ err: { message: errorMessage(error) } }, 'after-run hook failed');
  });
  return { outcome: 'finished', runId: run.id, status, moreWork: result.moreWork, stopped: stopReason };
}
