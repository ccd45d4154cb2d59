import { stringify } from 'csv-stringify/sync';
import type { LedgerEntry } from '../store/types.ts';
import type { CallRow, SmsRow } from './report-rows.ts';

export * from './report-rows.ts';

/**
 * The per-day report files (calls.csv, sms.csv, manifest.csv) as text. The format:
 * - RFC 4180: comma-separated, `\r\n` between records, a header row, and any cell holding a comma,
 *   a quote, `\r` or `\n` quoted with quotes doubled (so SMS text with line breaks stays in its cell).
 * - UTF-8 with a byte-order mark: without it Excel reads the file as ANSI and garbles every
 *   non-ASCII name. The caller writes the returned string as UTF-8.
 * - Spreadsheet formula injection is defused: a text cell starting with `=`, `+`, `-`, `@`, tab or
 *   carriage return (OWASP's list) gets a leading `'`, which spreadsheets show as text. SMS text and
 *   caller names come from strangers. Phone numbers ("+1555…") get it too, which also stops
 *   spreadsheets from turning them into numbers and dropping the "+".
 * - Rows are sorted by their natural order (time, then id; the manifest by path), so the same rows
 *   always give the same bytes whatever order they arrived in.
 *
 * Rows live in the database and are merged there (`mergeRows`); no CSV is ever parsed back.
 */

/** A ledger entry as the manifest lists it (the store's LedgerEntry fits as it is). */
export type ManifestRow = Omit<LedgerEntry, 'tenantId' | 'day'>;

interface Column<Row> {
  header: string;
  cell: (row: Row) => string | number | null;
}

const CALL_COLUMNS: Column<CallRow>[] = [
  { header: 'Start (UTC)', cell: (row) => row.start },
  { header: 'Duration (s)', cell: (row) => row.durationSeconds },
  { header: 'Direction', cell: (row) => row.direction },
  { header: 'From', cell: (row) => row.from },
  { header: 'To', cell: (row) => row.to },
  { header: 'Extension', cell: (row) => row.extension },
  { header: 'Result', cell: (row) => row.result },
  { header: 'Type', cell: (row) => row.type },
  { header: 'Recording', cell: (row) => row.recordingPath },
  { header: 'Call ID', cell: (row) => row.callId },
];

/** Paths cannot contain "|" (sanitized away), so it separates several of them unambiguously. */
const PATH_LIST_SEPARATOR = ' | ';

const SMS_COLUMNS: Column<SmsRow>[] = [
  { header: 'Time (UTC)', cell: (row) => row.time },
  { header: 'Direction', cell: (row) => row.direction },
  { header: 'From', cell: (row) => row.from },
  { header: 'To', cell: (row) => row.to },
  { header: 'Extension', cell: (row) => row.extension },
  { header: 'Type', cell: (row) => row.type },
  { header: 'Text', cell: (row) => row.text },
  { header: 'Attachments', cell: (row) => row.attachmentPaths.join(PATH_LIST_SEPARATOR) },
  { header: 'Message ID', cell: (row) => row.messageId },
  { header: 'Conversation ID', cell: (row) => row.conversationId },
];

/** Machine-oriented headers: the manifest is what verification tools read. */
const MANIFEST_COLUMNS: Column<ManifestRow>[] = [
  { header: 'path', cell: (row) => row.path },
  { header: 'size', cell: (row) => row.size },
  { header: 'sha256', cell: (row) => row.sha256 },
  { header: 'remote_hash_algorithm', cell: (row) => row.remoteHash.algorithm },
  { header: 'remote_hash', cell: (row) => row.remoteHash.value },
  { header: 'kind', cell: (row) => row.kind },
  { header: 'source_id', cell: (row) => row.sourceId },
  { header: 'attachment_id', cell: (row) => row.attachmentId },
  { header: 'source_last_modified', cell: (row) => row.sourceModifiedAt?.toISOString() ?? null },
  { header: 'archived_at', cell: (row) => row.archivedAt.toISOString() },
];

/** The key that identifies a row of each file: mergeRows keeps one row per key. */
export const callRowKey = (row: CallRow): string => row.callId;
export const smsRowKey = (row: SmsRow): string => row.messageId;
export const manifestRowKey = (row: ManifestRow): string =>
  `${row.kind}\u0000${row.sourceId}\u0000${row.attachmentId}`;

export function callsCsv(rows: readonly CallRow[]): string {
  return toCsv(
    CALL_COLUMNS,
    sortBy(rows, (row) => [row.start, row.callId]),
  );
}

export function smsCsv(rows: readonly SmsRow[]): string {
  return toCsv(
    SMS_COLUMNS,
    sortBy(rows, (row) => [row.time, row.messageId]),
  );
}

export function manifestCsv(rows: readonly ManifestRow[]): string {
  // Sorted without regard to case (as Dropbox lists paths), ties broken exactly: the same order on
  // every destination.
  return toCsv(
    MANIFEST_COLUMNS,
    sortBy(rows, (row) => [row.path.toLowerCase(), row.path, manifestRowKey(row)]),
  );
}

/**
 * One row per key, the later row winning (`incoming` after `existing`, later in a list after
 * earlier), sorted by key: merging the same rows in any batches and any order gives the same list
 * (as long as each key's final version arrives last, which lastModifiedTime ordering ensures).
 */
export function mergeRows<Row>(
  existing: readonly Row[],
  incoming: readonly Row[],
  key: (row: Row) => string,
): Row[] {
  const byKey = new Map<string, Row>();
  for (const row of [...existing, ...incoming]) byKey.set(key(row), row);
  return sortBy([...byKey.values()], (row) => [key(row)]);
}

/** Starts that make a spreadsheet evaluate a cell (OWASP CSV injection). */
const FORMULA_START = /^[=+\-@\t\r]/;

export function defuseFormula(cell: string): string {
  return FORMULA_START.test(cell) ? `'${cell}` : cell;
}

function toCsv<Row>(columns: readonly Column<Row>[], rows: readonly Row[]): string {
  const header = columns.map((column) => column.header);
  return csvRecords([header, ...rows.map((row) => columns.map((column) => column.cell(row)))]);
}

/** A cell as csvRecords takes it: null and undefined are empty cells. */
type CsvCell = string | number | null | undefined;

/**
 * The one CSV writer of the product (the daily files, the reconciliation report, the archive-log
 * download): records in the format above, formulas defused. `bom: false` continues a file already
 * begun (a download written page by page).
 */
export function csvRecords(
  records: readonly (readonly CsvCell[])[],
  options: { bom?: boolean } = {},
): string {
  return stringify(
    records.map((record) => [...record]),
    {
      bom: options.bom ?? true,
      record_delimiter: 'windows',
      // csv-stringify quotes a cell holding the whole record delimiter ("\r\n") but not a lone
      // "\n" or "\r"; RFC 4180 readers (Excel included) need those quoted too.
      quoted_match: /[\r\n]/,
      cast: { string: defuseFormula },
    },
  );
}

/** Sorted by the keys in order, compared as plain UTF-16 (never locale order, which varies by machine). */
function sortBy<Row>(rows: readonly Row[], keys: (row: Row) => string[]): Row[] {
  return rows
    .map((row) => ({ row, sortKeys: keys(row) }))
    .sort((a, b) => compareKeys(a.sortKeys, b.sortKeys))
    .map(({ row }) => row);
}

function compareKeys(a: readonly string[], b: readonly string[]): number {
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i] ?? '';
    const y = b[i] ?? '';
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}
