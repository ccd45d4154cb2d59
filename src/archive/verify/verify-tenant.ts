import type { OpenOptions } from '../../destinations/types.ts';
import { errorMessage } from '../../lib/errors.ts';
import { RateLimiter } from '../../lib/rate-limiter.ts';
import type { RunStatus } from '../../store/types.ts';
import { classifyItemError, StopRun } from '../outcomes.ts';
import type { PipelineDeps } from '../pipeline.ts';
import { archiveTenant, type RunContext } from '../run.ts';
import { createRunEnv } from '../run-env.ts';
import { openTenantClients } from '../tenant-clients.ts';
import { checkAuditChain } from './audit.ts';
import { compareWithLedger, ledgerEntries, listArchive } from './compare.ts';
import { messageFinder } from './mailboxes.ts';
import { repairFiles, rewriteReports } from './repair.ts';
import { writeReconciliationReport } from './report-file.ts';
import { refetcher } from './sources.ts';
import { verifyStats } from './stats.ts';
import { MAX_TRACKED_PROBLEMS, type VerifyCounts, type VerifyReport } from './types.ts';

/**
 * Verifiable completeness for one tenant: list the tenant's whole archive in its destination,
 * compare it with every ledger row, repair what is missing or altered from RingCentral where it
 * still can (see repair.ts for the policy), check the audit log's hash chain, write the
 * reconciliation report into the destination and record it all on a run row with trigger 'verify' (see stats.ts for its figures).
 *
 * A plain function, like archiveTenant, whose run machinery it reuses: it holds the tenant's run
 * lease, so it never overlaps an archive run, and stops at the same time box.
 */

export type VerifyDeps = Pick<
  PipelineDeps,
  'store' | 'logger' | 'metrics' | 'clock' | 'timeBoxMs' | 'ringcentral' | 'destination' | 'reconnectNeeded'
> & { leaseTtlMs?: number };

interface VerifyOptions {
  workerId: string;
  signal?: AbortSignal;
}

export type VerifyOutcome =
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'busy'; retryAfterMs: number }
  | {
      outcome: 'finished';
      runId: string;
      status: RunStatus;
      /** null when the verification could not finish (then `problem` says why). */
      report: VerifyReport | null;
      problem: string | null;
    };

export const VERIFY_TRIGGER = 'verify';

/**
 * Repairs arrive paced by RingCentral's limits, so a commit batch (where the destination batches)
 * waits a little longer for company than it would by default, to commit many files per call.
 */
const VERIFY_DESTINATION: OpenOptions = { batchIdleMs: 500, batchMaxWaitMs: 5_000 };

export async function verifyTenant(
  tenantId: string,
  deps: VerifyDeps,
  options: VerifyOptions,
): Promise<VerifyOutcome> {
  const result: { report: VerifyReport | null; problem: string | null } = { report: null, problem: null };
  const outcome = await archiveTenant(
    tenantId,
    { ...deps, work: async (ctx) => ({ status: await verifyArchive(ctx, deps, result), moreWork: false }) },
    { trigger: VERIFY_TRIGGER, workerId: options.workerId, signal: options.signal },
  );
  if (outcome.outcome !== 'finished') return outcome;
  return { outcome: 'finished', runId: outcome.runId, status: outcome.status, ...result };
}

async function verifyArchive(
  ctx: RunContext,
  deps: VerifyDeps,
  result: { report: VerifyReport | null; problem: string | null },
): Promise<Exclude<RunStatus, 'running'>> {
  const { tenant, store } = ctx;
  const { clock } = deps;
  const at = clock.now();
  const logger = deps.logger.child({ tenantId: tenant.id, runId: ctx.run.id, job: VERIFY_TRIGGER });
  const limiter = new RateLimiter({ clock });
  const { api, destination } = await openTenantClients(deps, {
    tenantId: tenant.id,
    limiter,
    logger,
    signal: ctx.signal,
    destination: VERIFY_DESTINATION,
  });
  const env = createRunEnv(ctx, {
    store,
    api,
    limiter,
    destination,
    clock,
    logger,
    metrics: deps.metrics,
    timeBoxMs: deps.timeBoxMs,
    concurrency: 4,
  });

  try {
    const auditChain = await checkAuditChain(store, tenant.id);
    const listing = await listArchive(destination);
    const listed = listing.size;
    const comparison = await compareWithLedger(ledgerEntries(store, tenant.id), listing, {
      company: tenant.companyName,
      maxTracked: MAX_TRACKED_PROBLEMS,
    });
    const { problems } = comparison;
    let stop: StopRun | null = null;
    try {
      await repairFiles(
        env,
        problems,
        refetcher(api, messageFinder({ api, destination, store, tenantId: tenant.id })),
      );
      await destination.flush();
      await rewriteReports(env, problems, at);
    } catch (error) {
      if (!(error instanceof StopRun)) throw error;
      stop = error;
      for (const p of problems)
        if (p.outcome === 'not-attempted') p.detail = `Not attempted: ${error.message}`;
    }

    const tally = (outcome: string) => problems.filter((p) => p.outcome === outcome).length;
    const untracked = comparison.missing + comparison.altered - problems.length;
    const counts: VerifyCounts = {
      listed,
      expected: comparison.expected,
      ok: comparison.ok,
      missing: comparison.missing,
      altered: comparison.altered,
      unexpected: comparison.unexpectedCount,
      repaired: tally('repaired'),
      unrepairable: tally('unrepairable'),
      failed: tally('failed'),
      notAttempted: tally('not-attempted') + untracked,
    };
    const report: VerifyReport = {
      tenantId: tenant.id,
      companyName: tenant.companyName,
      destination: destination.displayName,
      at,
      counts,
      problems,
      unexpected: comparison.unexpected,
      auditChain,
      outstanding: await store.countOutstanding(tenant.id),
      reportPath: null,
      summaryPath: null,
    };
    await writeReconciliationReport(destination, report, logger);
    await store.appendAudit(tenant.id, {
      actor: 'system',
      action: 'verify.completed',
      details: { runId: ctx.run.id, ...counts, auditChainOk: auditChain.ok },
      at: new Date(clock.now()),
    });
    ctx.report({
      ...verifyStats(report),
      apiCalls: api.stats().calls,
      destinationId: destination.id,
      destination: destination.stats(),
    });
    result.report = report;
    if (stop) return await stopped(ctx, deps, result, stop);
    const unresolved = counts.unrepairable + counts.failed + counts.notAttempted;
    return unresolved > 0 || !auditChain.ok ? 'partial' : 'succeeded';
  } catch (error) {
    const verdict = classifyItemError(error, new AbortController().signal);
    if (verdict.action === 'stop') return await stopped(ctx, deps, result, verdict.error);
    result.problem = `The verification could not finish: ${errorMessage(error)}`;
    logger.error({ err: { message: errorMessage(error) } }, 'verification failed');
    ctx.fail({ reason: result.problem });
    return 'failed';
  } finally {
    await destination.flush().catch(() => undefined);
    await destination.close().catch(() => undefined);
    api.close();
  }
}

/** The destination full or an authorization gone: say so, and mark the tenant as the archive run would. */
async function stopped(
  ctx: RunContext,
  deps: VerifyDeps,
  result: { problem: string | null },
  stop: StopRun,
): Promise<'failed'> {
  result.problem = stop.message;
  ctx.fail({ reason: stop.message });
  if (stop.reason === 'reconnect' && stop.provider)
    await deps.reconnectNeeded(ctx.tenant.id, stop.provider, stop.message);
  return 'failed';
}
