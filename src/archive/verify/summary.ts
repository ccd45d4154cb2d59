import type { Problem, ProblemType, RepairOutcome, VerifyReport } from './types.ts';

/**
 * A verification in a few lines of plain text, for the `verify` command's output and the summary
 * file next to the reconciliation report.
 */

const n = (value: number) => value.toLocaleString('en-US');

function outcomesOf(problems: readonly Problem[], type: ProblemType): string {
  const tally: Record<RepairOutcome, number> = {
    repaired: 0,
    unrepairable: 0,
    failed: 0,
    'not-attempted': 0,
  };
  for (const p of problems) if (p.type === type) tally[p.outcome] += 1;
  const parts = Object.entries(tally)
    .filter(([, count]) => count > 0)
    .map(([outcome, count]) => `${outcome} ${n(count)}`);
  return parts.length ? ` (${parts.join(', ')})` : '';
}

export function summaryLines(report: VerifyReport): string[] {
  const { counts, auditChain } = report;
  const lost = report.problems.filter((p) => p.type === 'missing' && p.outcome === 'unrepairable').length;
  const lines = [
    `Archive verification of ${report.companyName} (tenant ${report.tenantId}), ${new Date(report.at).toISOString()}`,
    `  ${n(counts.expected)} archived files checked, ${n(counts.listed)} files listed in ${report.destination}.`,
    `  OK: ${n(counts.ok)}`,
    `  Missing: ${n(counts.missing)}${outcomesOf(report.problems, 'missing')}`,
    `  Altered: ${n(counts.altered)}${outcomesOf(report.problems, 'altered')}`,
    `  Unexpected (not put there by the archiver, left as they are): ${n(counts.unexpected)}`,
  ];
  if (lost > 0)
    lines.push(
      `  LOST: ${n(lost)} file(s) were deleted from ${report.destination} and RingCentral no longer has them; they cannot be restored.`,
    );
  if (counts.notAttempted > 0)
    lines.push(
      `  ${n(counts.notAttempted)} problem(s) not handled this time; the next verification continues.`,
    );
  lines.push(
    auditChain.ok
      ? `  Audit log: ${n(auditChain.entries)} entries, hash chain intact.`
      : `  Audit log: hash chain BROKEN at entry ${auditChain.brokenAtSeq} (${auditChain.reason}): the log was changed outside the application.`,
  );
  const waiting = Object.entries(report.outstanding).filter(([, count]) => count > 0);
  if (waiting.length)
    lines.push(
      `  Not archived yet (the hourly runs handle these): ${waiting.map(([status, count]) => `${status} ${n(count)}`).join(', ')}`,
    );
  lines.push(
    report.reportPath
      ? `  Reconciliation report: ${report.reportPath}`
      : `  The reconciliation report could not be written to ${report.destination}.`,
  );
  return lines;
}

/** One line per problem (at most `limit`), for the command's output. */
export function problemLines(report: VerifyReport, limit: number): string[] {
  const lines = [
    ...report.problems.map((p) => `  ${p.type} ${p.entry.path}: ${p.outcome}. ${p.detail}`),
    ...report.unexpected.map((f) => `  unexpected ${f.path}: left as it is.`),
  ];
  const total = report.counts.missing + report.counts.altered + report.counts.unexpected;
  return lines.length > limit || total > lines.length
    ? [...lines.slice(0, limit), `  … and ${n(total - Math.min(limit, lines.length))} more in the report.`]
    : lines;
}

/** Whether the archive needs someone's attention: anything missing, altered or lost, or a broken chain. */
export function needsAttention(report: VerifyReport): boolean {
  const { counts } = report;
  return counts.missing + counts.altered + counts.unrepairable > 0 || !report.auditChain.ok;
}
