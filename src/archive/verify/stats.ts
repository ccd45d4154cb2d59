import type { JsonObject } from '../../store/types.ts';
import type { VerifyReport } from './types.ts';

/** Entries of each list kept on the run row (the report file in the destination has them all). */
const RUN_LIST_LIMIT = 300;

/**
 * A verification's figures for its run row (trigger 'verify'), which the dashboard shows:
 *   counts        listed, expected, ok, missing, altered, unexpected, repaired, unrepairable,
 *                 failed, notAttempted
 *   auditChain    { ok, entries, brokenAtSeq?, reason? }
 *   outstanding   items RingCentral has that are not archived yet, by status
 *   reportPath, summaryPath   the reconciliation report files in the destination (null if not written)
 *   problems      [{ type, path, kind, sourceId, attachmentId, outcome, detail }]
 *   unexpectedFiles  [{ path, size }]
 *   listsTruncated   whether either list was cut at RUN_LIST_LIMIT
 */
export function verifyStats(report: VerifyReport): JsonObject {
  const { counts } = report;
  return {
    counts: { ...counts },
    auditChain: { ...report.auditChain },
    outstanding: { ...report.outstanding },
    reportPath: report.reportPath,
    summaryPath: report.summaryPath,
    problems: report.problems.slice(0, RUN_LIST_LIMIT).map((p) => ({
      type: p.type,
      path: p.entry.path,
      kind: p.entry.kind,
      sourceId: p.entry.sourceId,
      attachmentId: p.entry.attachmentId,
      outcome: p.outcome,
      detail: p.detail,
    })),
    unexpectedFiles: report.unexpected.slice(0, RUN_LIST_LIMIT).map((f) => ({ path: f.path, size: f.size })),
    listsTruncated: counts.missing + counts.altered > RUN_LIST_LIMIT || counts.unexpected > RUN_LIST_LIMIT,
  };
}
