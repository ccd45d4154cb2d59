import type { OpenOptions } from '../destinations/types.ts';
import { errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import { AccountGate } from '../lib/account-gate.ts';
import { RateLimiter } from '../lib/rate-limiter.ts';
import type { JsonObject, Provider, RunStatus, Store } from '../store/types.ts';
import { archiveCallLog, type CallLogProgress } from './call-log-stage.ts';
import { CALL_LOG_STREAM } from './streams/call-log/stream.ts';
import { archiveMessages } from './messages-stage.ts';
import { classifyItemError, destinationFull, StopRun } from './outcomes.ts';
import { loadOutstanding } from './plan.ts';
import { writeDailyReports } from './reports.ts';
import { retryDue } from './retry-stage.ts';
import { backfillSearch } from './search-backfill.ts';
import { capacityFigures } from './capacity-figures.ts';
import { asJson } from './items.ts';
import { backfillProgress } from './risk.ts';
import type { TenantWork } from './run.ts';
import { createRunEnv, type RunEnv } from './run-env.ts';
import type { Platform, RingCentralApi } from './sources/api.ts';
import { listExtensions } from './sources/extensions.ts';
import { rememberExtensions } from './extension-list.ts';
import { openTenantClients, type TenantClientDeps } from './tenant-clients.ts';

/**
 * One tenant's archive run (ARCHITECTURE.md, "One archive run"): discover what RingCentral has since the cursors
 * (minus the lookback), drop what the ledger already holds, stream the rest into the destination
 * (oldest recordings first), commit ledger rows as the destination confirms and cursors as windows
 * complete, then rewrite the touched days' report files and record the run's figures.
 */
export interface PipelineDeps extends TenantClientDeps {
  store: Store;
  logger: Logger;
  metrics: Metrics;
  timeBoxMs: number;
  /** The company's other connected RingCentral users, whose budgets share the work (none by default). */
  ringcentralUsers?(tenantId: string): Promise<ConnectedUser[]>;
  /** One of those users was set aside during a run (grant lost, role missing): record it, tell the admin. */
  userSetAside?(tenantId: string, userId: string, reason: string): Promise<void>;
  /**
   * Keeps the company's push subscription in step at the start of a full run (src/push/), and
   * says how it stands for the run's figures. It works through the run's own RingCentral client,
   * so its requests and 429s are paced by the run's limiter and counted in the run's figures.
   */
  keepSubscription?: (
    tenantId: string,
    ringcentral: { api: RingCentralApi; platform: Platform; signal: AbortSignal },
  ) => Promise<JsonObject>;
  /** The authorization is gone: mark the tenant and tell the admin. */
  reconnectNeeded(tenantId: string, provider: Provider, reason: string): Promise<void>;
  concurrency?: number;
  workDir?: string;
  /** Recordings RingCentral keeps per account before dropping the oldest (risk.ts; 100,000). */
  recordingCap?: number;
}

/**
 * How a run's puts arrive. Downloads come paced by RingCentral's limits (ten recordings a minute
 * at the Heavy default), so a destination that commits in batches lets a batch wait across
 * rate-limit windows to fill: it leaves when full, when nothing has arrived for longer than a
 * window, or ten minutes after its first file (a full batch at the Heavy default; also the most a
 * crash would make the next run download again). A stage that has sent everything commits at once
 * (transfer.ts, reports.ts), so these waits only apply while more is still coming. 8 MiB per put
 * keeps a worker's memory low.
 */
const RUN_DESTINATION: OpenOptions = {
  batchIdleMs: 90_000,
  batchMaxWaitMs: 600_000,
  bufferBytes: 8 * 1024 * 1024,
};

/** A connected RingCentral user other than the admin connection. */
interface ConnectedUser {
  /** The RingCentral extension id. */
  id: string;
  label: string;
  platform: Platform;
}

export function archivePipeline(deps: PipelineDeps): TenantWork {
  // One limiter per connected user for the life of the process, sharing the company's account gate:
  // back-to-back runs share RingCentral's sliding windows instead of each starting with a fresh count.
  const companies = new Map<string, { gate: AccountGate; limiters: Map<string, RateLimiter> }>();
  const limiterFor = (tenantId: string, userId: string) => {
    let company = companies.get(tenantId);
    if (!company) companies.set(tenantId, (company = { gate: new AccountGate(), limiters: new Map() }));
    let limiter = company.limiters.get(userId);
    if (!limiter)
      company.limiters.set(userId, (limiter = new RateLimiter({ clock: deps.clock, gate: company.gate })));
    return limiter;
  };

  return async (ctx) => {
    const { tenant } = ctx;
    const started = deps.clock.now();
    const limiter = limiterFor(tenant.id, '');
    const logger = deps.logger.child({ tenantId: tenant.id, runId: ctx.run.id });
    const users = (await deps.ringcentralUsers?.(tenant.id)) ?? [];
    const setAside: Array<Promise<void>> = [];
    const { api, platform, destination } = await openTenantClients(deps, {
      tenantId: tenant.id,
      users: users.map((u) => ({ ...u, limiter: limiterFor(tenant.id, u.id), admin: false })),
      onUserSetAside: (user, reason) => {
        setAside.push(
          (deps.userSetAside?.(tenant.id, user.id, reason) ?? Promise.resolve()).catch((error: unknown) =>
            logger.warn({ err: { message: errorMessage(error) } }, 'could not record a user set aside'),
          ),
        );
      },
      limiter,
      logger,
      signal: ctx.signal,
      destination: RUN_DESTINATION,
    });
    const env = createRunEnv(ctx, {
      store: ctx.store,
      api,
      limiter,
      destination,
      clock: deps.clock,
      logger,
      metrics: deps.metrics,
      timeBoxMs: deps.timeBoxMs,
      concurrency: deps.concurrency ?? 32,
      workDir: deps.workDir,
    });

    let status: Exclude<RunStatus, 'running'> = 'succeeded';
    let moreWork: boolean;
    let callLog: CallLogProgress | null = null;
    let problem: string | null = null;
    let writable = true;
    const untilBefore = (await ctx.store.getCursor(tenant.id, 'calllog'))?.position.until;
    // Where a run spends its time, per stage, for the run page and the benchmark.
    const timings: Record<string, number> = {};
    const timed = async <T>(stage: string, work: () => Promise<T>): Promise<T> => {
      const begin = deps.clock.now();
      try {
        return await work();
      } finally {
        timings[stage] = deps.clock.now() - begin;
      }
    };
    try {
      // Early runs (ctx.streams) leave the subscription to the full runs.
      const keepSubscription = deps.keepSubscription;
      if (keepSubscription && !ctx.streams) {
        const push = await timed('push', () =>
          keepSubscription(tenant.id, { api, platform, signal: ctx.signal }),
        );
        ctx.report({ push });
      }
      await timed('preflight', () => preflight(env));
      const extensions = await timed('extensions', () => listExtensions(api, { signal: ctx.signal }));
      for (const extension of extensions) env.state.extensions.set(extension.id, extension);
      // An early run (ctx.streams) reads only the streams notifications marked: no retries of
      // earlier failures, no call log unless marked; the hourly run does the rest.
      const only = ctx.streams;
      // The settings page lists what the last full run saw (extension-list.ts); fenced like every
      // write of the run.
      if (!only)
        await rememberExtensions(ctx.store, tenant.id, extensions).catch((error: unknown) =>
          logger.warn({ err: { message: errorMessage(error) } }, 'extension list not kept'),
        );
      if (!only) await timed('retries', () => retryDue(env));
      const outstanding = await loadOutstanding(env.deps.store, tenant.id);
      if (!only || CALL_LOG_STREAM in only)
        callLog = await timed('callLog', () => archiveCallLog(env, outstanding));
      const messages = await timed('messages', () => archiveMessages(env, outstanding));
      // Archives made before search existed are indexed once, a part per full run after its own work.
      const indexing = only ? false : await timed('searchBackfill', () => backfillSearch(env));
      moreWork = (callLog?.moreWork ?? false) || messages.moreWork || indexing;
    } catch (error) {
      // Stopped at the time box or for a shutdown is no failure: run.ts records which it was.
      if (!ctx.signal.aborted || error instanceof StopRun) status = 'failed';
      moreWork = true;
      // The destination is full, capped or refuses our access: the report files cannot be written either.
      // Their days stay owed (report-days.ts) for the run that can. A run that lost its lease
      // leaves them to the run that holds the company now.
      const verdict = classifyItemError(error, ctx.signal);
      writable =
        verdict.action !== 'stop' ||
        (verdict.error.reason === 'reconnect' && verdict.error.provider !== destination.id);
      // A destination refusing our access or full outside any item (the preflight's space check)
      // stops the run as it would inside one.
      const stop = error instanceof StopRun ? error : verdict.action === 'stop' ? verdict.error : null;
      if (stop) {
        problem = stop.message;
        // Why the run stopped, for the alerts (notifications/rules.ts) and the run page.
        ctx.report({ stopped: stop.reason });
        if (stop.reason === 'reconnect' && stop.provider)
          await deps.reconnectNeeded(tenant.id, stop.provider, stop.message);
        moreWork = false;
      } else if (!ctx.signal.aborted) {
        problem = errorMessage(error);
        logger.error({ err: error }, 'archive run stopped by an error');
      }
      if (problem) ctx.fail({ reason: problem });
    } finally {
      await destination
        .flush()
        .catch((error: unknown) =>
          logger.warn({ err: { message: errorMessage(error) } }, 'final commit failed'),
        );
      if (writable)
        await timed('reports', () => writeDailyReports(env)).catch((error: unknown) => {
          logger.warn({ err: { message: errorMessage(error) } }, 'daily reports not written');
          ctx.fail({ reason: `Daily report files not written: ${errorMessage(error)}` });
        });
      api.close();
      await destination
        .close()
        .catch((error: unknown) =>
          logger.warn({ err: { message: errorMessage(error) } }, 'closing the destination failed'),
        );
      await Promise.all(setAside);
    }
    const { counters } = env.state;
    if (status === 'succeeded' && counters.skipped + counters.retryLater + counters.failed > 0)
      status = 'partial';
    ctx.report({
      ...(await runFigures(env, {
        callLog,
        problem,
        started,
        untilBefore,
        outstanding: await ctx.store.countOutstanding(tenant.id),
        recordingCap: deps.recordingCap,
      })),
      timings,
    });
    return { status, moreWork };
  };
}

/** Stop early and cheaply when the destination is full; a full one fails every upload anyway. */
async function preflight(env: RunEnv): Promise<void> {
  const space = await env.deps.destination.spaceUsage();
  env.state.ctx.report({ space: { used: space.used, allocated: space.allocated } });
  if (space.allocated !== null && space.used >= space.allocated) throw destinationFull(env.deps.destination);
}

async function runFigures(
  env: RunEnv,
  info: {
    callLog: CallLogProgress | null;
    problem: string | null;
    started: number;
    untilBefore: unknown;
    outstanding: Record<string, number>;
    recordingCap: number | undefined;
  },
): Promise<JsonObject> {
  const now = env.deps.clock.now();
  const apiStats = env.deps.api.stats();
  const heavy = env.deps.limiter.budget('Heavy');
  const callLog = info.callLog;
  // Every connected user of the app has the same limits (RingCentral sets them per app).
  const capacity = await capacityFigures(env, callLog, {
    heavyLimit: heavy.limit,
    windowMs: heavy.windowMs,
    users: apiStats.users.filter((u) => u.setAside === null).length,
    cap: info.recordingCap,
  });
  const before = typeof info.untilBefore === 'string' ? Date.parse(info.untilBefore) : null;
  const progress = callLog
    ? backfillProgress({
        start: callLog.backfill.start,
        until: callLog.backfill.until,
        now,
        advancedMs: Math.max(0, (callLog.backfill.until ?? 0) - (before ?? callLog.backfill.start)),
        runMs: now - info.started,
      })
    : null;
  return {
    kinds: env.state.counters.kinds,
    updated: env.state.counters.updated,
    skipped: env.state.counters.skipped,
    deletedByRingCentral: env.state.counters.deletedByRingCentral,
    retryLater: env.state.counters.retryLater,
    failed: env.state.counters.failed,
    outstanding: info.outstanding,
    apiCalls: apiStats.calls,
    rateLimited: apiStats.rateLimited,
    retries: apiStats.retries,
    accountLimit: asJson(apiStats.accountLimit),
    users: asJson(apiStats.users),
    destinationId: env.deps.destination.id,
    destination: env.deps.destination.stats(),
    risk: {
      atRisk: capacity.atRisk,
      oldestAgeDays: capacity.oldestAgeDays,
      projectedLoss: capacity.projectedLoss,
    },
    capacity: asJson(capacity),
    progress: progress ? { ...progress } : null,
    problem: info.problem,
    days: [...env.state.daysTouched].sort(),
  };
}
