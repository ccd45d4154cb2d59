import type { Destination, RemoteHash } from '../../destinations/types.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { csvRecords } from '../report-csv.ts';
import { reconciliationFolder } from './compare.ts';
import { summaryLines } from './summary.ts';
import type { VerifyReport } from './types.ts';

/**
 * The reconciliation report in the tenant's destination, next to the archive it checks:
 * /<Company>/Reconciliation/<time>.csv lists every problem found and what was done about it, and
 * <time>.txt says the same in a few lines. CSV as the daily reports write it: UTF-8 with a BOM,
 * CRLF, formula-looking cells defused (paths and names come from outside).
 */

const HEADER = [
  'Problem',
  'Path',
  'Kind',
  'Source ID',
  'Attachment ID',
  'Archived size',
  'Archived SHA-256',
  'Archived remote hash',
  'Found size',
  'Found remote hash',
  'Outcome',
  'What was done',
];

/** "sha256:9f86…": the destination's hash with the algorithm that made it. */
const hashCell = (hash: RemoteHash): string => `${hash.algorithm}:${hash.value}`;

export function reconciliationCsv(report: VerifyReport): string {
  const rows = [
    ...report.problems.map((p) => [
      p.type,
      p.entry.path,
      p.entry.kind,
      p.entry.sourceId,
      p.entry.attachmentId,
      p.entry.size,
      p.entry.sha256,
      hashCell(p.entry.remoteHash),
      p.found?.size ?? null,
      p.found ? hashCell(p.found.remoteHash) : null,
      p.outcome,
      p.detail,
    ]),
    ...report.unexpected.map((f) => [
      'unexpected',
      f.path,
      null,
      null,
      null,
      null,
      null,
      null,
      f.size,
      hashCell(f.remoteHash),
      'left as is',
      'No archived item is recorded at this path: the archiver did not put it there.',
    ]),
  ];
  return csvRecords([HEADER, ...rows]);
}

/** "2026-11-26T10-00-00Z": sortable, and valid in every file system the archive syncs to. */
export function reportStamp(at: number): string {
  return new Date(at)
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replaceAll(':', '-');
}

/**
 * Writes both files and sets their paths on the report. A failure is logged and leaves the paths
 * null: the run row still holds the findings.
 */
export async function writeReconciliationReport(
  destination: Destination,
  report: VerifyReport,
  logger: Logger,
): Promise<void> {
  const base = `${reconciliationFolder(report.companyName)}/${reportStamp(report.at)}`;
  try {
    // Paths first, so the summary file names the CSV beside it.
    report.reportPath = `${base}.csv`;
    report.summaryPath = `${base}.txt`;
    const csv = destination.put(report.reportPath, Buffer.from(reconciliationCsv(report), 'utf8'), {
      mode: 'overwrite',
    });
    const text = destination.put(
      report.summaryPath,
      Buffer.from(`${summaryLines(report).join('\r\n')}\r\n`),
      {
        mode: 'overwrite',
      },
    );
    await Promise.all([csv, text]);
  } catch (error) {
    report.reportPath = null;
    report.summaryPath = null;
    logger.warn({ err: { message: errorMessage(error) } }, 'reconciliation report not written');
  }
}
