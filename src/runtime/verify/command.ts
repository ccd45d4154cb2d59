import { summaryLines, problemLines, needsAttention } from '../../archive/verify/summary.ts';
import { verifyTenant, type VerifyOutcome } from '../../archive/verify/verify-tenant.ts';
import type { Config } from '../../config.ts';
import { createLogger } from '../../lib/logger.ts';
import { buildServices } from '../services.ts';
import { activeCompanies } from './active-companies.ts';
import { verifyDeps } from './deps.ts';

/**
 * `node src/main.ts verify [tenantId]`: verifies one tenant, or every active tenant, now, and
 * prints what it found. Exit status: 0 when every archive is whole (unexpected extra files alone
 * do not count), 1 when anything was missing, altered or lost, or an audit chain is broken (even
 * if repaired: someone should look), 3 when a tenant could not be verified at all (unknown, not
 * active, busy with an archive run, or the verification failed). Ctrl-C stops the repairs and
 * still records and reports what was found.
 */

const EXIT = { clean: 0, problems: 1, notVerified: 3 } as const;

const PROBLEM_LINES = 20;

export async function runVerifyCommand(
  config: Config,
  args: readonly string[],
  write: (text: string) => void = (text) => process.stdout.write(text),
): Promise<number> {
  // Logs go to stderr: stdout is the summary an operator reads (or a script captures).
  const logger = createLogger(config.LOG_LEVEL, { name: 'verify', destination: process.stderr });
  const services = await buildServices(config, { role: 'verify', logger });
  const controller = new AbortController();
  const interrupt = () => controller.abort(new Error('interrupted'));
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    // Verifying is a run of its own (it holds the lease and writes through the fence).
    await services.store.checkRunFencing();
    const requested = args[0];
    const pages = requested ? [[requested]] : activeCompanies(services.store);
    let exit: number = EXIT.clean;
    let tenants = 0;
    pages: for await (const tenantIds of pages)
      for (const tenantId of tenantIds) {
        if (controller.signal.aborted) break pages;
        tenants += 1;
        const outcome = await verifyTenant(tenantId, verifyDeps(services), {
          workerId: services.processId,
          signal: controller.signal,
        });
        const { lines, code } = describe(tenantId, outcome);
        write(`${lines.join('\n')}\n\n`);
        exit = Math.max(exit, code);
      }
    if (tenants === 0 && !controller.signal.aborted) write('No active tenants to verify.\n');
    return exit;
  } finally {
    process.removeListener('SIGINT', interrupt);
    process.removeListener('SIGTERM', interrupt);
    await services.close();
  }
}

function describe(tenantId: string, outcome: VerifyOutcome): { lines: string[]; code: number } {
  if (outcome.outcome === 'skipped')
    return { lines: [`Tenant ${tenantId} not verified: ${outcome.reason}.`], code: EXIT.notVerified };
  if (outcome.outcome === 'busy')
    return {
      lines: [`Tenant ${tenantId} not verified: an archive run is in progress. Try again in a few minutes.`],
      code: EXIT.notVerified,
    };
  const { report } = outcome;
  if (!report)
    return {
      lines: [`Tenant ${tenantId} not verified: ${outcome.problem ?? `the run ended ${outcome.status}`}`],
      code: EXIT.notVerified,
    };
  const lines = [...summaryLines(report), ...problemLines(report, PROBLEM_LINES)];
  if (outcome.problem) lines.push(`  Stopped early: ${outcome.problem}`);
  const code = outcome.problem ? EXIT.notVerified : needsAttention(report) ? EXIT.problems : EXIT.clean;
  return { lines, code };
}
