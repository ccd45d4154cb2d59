import { canonicalJson } from '../lib/canonical-json.ts';
import { REPORT_KIND_ID } from './kinds/registry.ts';
import type { LedgerEntry, ReportName, ReportRow } from '../store/types.ts';
import { dailyReportPaths } from './paths.ts';
import { oweReportDays, owedReportDays, settleReportDays } from './report-days.ts';
import { callsCsv, manifestCsv, smsCsv, type CallRow, type SmsRow } from './report-csv.ts';
import type { RunEnv } from './run-env.ts';
import { trackSending } from './sending.ts';

const REPORT_TIMEOUT_MS = 120_000;

/**
 * Keeps a day's report rows and marks the day for rewriting, but only when a row is new or
 * different: re-listing the lookback window every hour must not rewrite unchanged files.
 */
export async function saveRowsIfChanged(
  env: RunEnv,
  day: string,
  report: ReportName,
  rows: ReportRow[],
): Promise<void> {
  const existing = new Map(
    (await env.deps.store.listReportRows(env.state.tenant.id, day, report)).map((r) => [
      r.key,
      canonicalJson(r.row),
    ]),
  );
  const changed = rows.filter((r) => existing.get(r.key) !== canonicalJson(r.row));
  if (changed.length === 0) return;
  await oweReportDays(env.state.owedDays, [day]);
  await env.deps.store.saveReportRows(env.state.tenant.id, day, report, changed);
  env.state.daysTouched.add(day);
}

/**
 * Rewrites calls.csv, sms.csv and manifest.csv of every day that got new rows or files in this
 * run — whole, from the rows kept in the database, so a day's file is never split into fragments.
 * Runs even when the run was cut by its time box (with a timeout of its own): what was archived
 * is listed.
 */
export async function writeDailyReports(env: RunEnv): Promise<number> {
  const signal = AbortSignal.timeout(REPORT_TIMEOUT_MS);
  // Days a killed run archived into but never reported on are owed too (see report-days.ts).
  for (const day of await owedReportDays(env.state.owedDays)) env.state.daysTouched.add(day);
  const days = [...env.state.daysTouched].sort();
  // All days' files at once, committed together as soon as the last is sent.
  const files = (await Promise.all(days.map((day) => dayFiles(env, day)))).flat();
  const puts = files.map((file) => trackSending((onSent) => put(env, file, signal, onSent)));
  // Every file sent (or failed) before the flush: none is left waiting for a batch to fill.
  await Promise.allSettled(puts.map((p) => p.sent));
  // A failed commit fails its own puts, which report it just below.
  await env.deps.destination.flush().catch(() => undefined);
  const written = await Promise.all(puts.map((p) => p.done));
  await settleReportDays(env.state.owedDays, days);
  return written.length;
}

interface ReportFile {
  path: string;
  csv: string;
  sourceId: string;
}

async function dayFiles(env: RunEnv, day: string): Promise<ReportFile[]> {
  const paths = dailyReportPaths(env.state.settings, env.state.company, day);
  const entries = await env.deps.store.listLedgerByDay(env.state.tenant.id, day);
  const recordingPaths = new Map(
    entries.filter((e) => e.kind === 'recording').map((e) => [e.sourceId, e.path]),
  );
  const files: ReportFile[] = [];

  const calls = (await env.deps.store.listReportRows(env.state.tenant.id, day, 'calls')).map(({ row }) => {
    const call = row as unknown as CallRow & { recordingId?: string };
    return { ...call, recordingPath: recordingPaths.get(call.recordingId ?? '') ?? '' };
  });
  if (calls.length) files.push({ path: paths.calls, csv: callsCsv(calls), sourceId: `calls.csv:${day}` });

  const sms = (await env.deps.store.listReportRows(env.state.tenant.id, day, 'sms')).map(
    ({ row }) => row as unknown as SmsRow,
  );
  if (sms.length) files.push({ path: paths.sms, csv: smsCsv(sms), sourceId: `sms.csv:${day}` });

  const listed: Array<Omit<LedgerEntry, 'tenantId'>> = entries.map(({ tenantId: _t, ...entry }) => entry);
  if (listed.length)
    files.push({ path: paths.manifest, csv: manifestCsv(listed), sourceId: `manifest.csv:${day}` });
  return files;
}

async function put(
  env: RunEnv,
  { path, csv, sourceId }: ReportFile,
  signal: AbortSignal,
  onSent: () => void,
): Promise<number> {
  const committed = await env.deps.destination.put(path, Buffer.from(csv, 'utf8'), {
    mode: 'overwrite',
    signal,
    onSent,
  });
  // Reports are in the ledger (so reconciliation expects them) but on no day's manifest. Keyed by
  // their path too: after a template change the day's files are written in the new folder, and
  // the ones left in the old folder stay known (as the last version written there).
  await env.deps.store.recordArchived({
    tenantId: env.state.tenant.id,
    kind: REPORT_KIND_ID,
    sourceId,
    attachmentId: committed.path.toLowerCase(),
    path: committed.path,
    size: committed.size,
    sha256: committed.sha256,
    remoteHash: committed.remoteHash,
    sourceModifiedAt: null,
    archivedAt: new Date(env.deps.clock.now()),
    day: null,
  });
  return 1;
}
