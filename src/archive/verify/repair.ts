import pMap from 'p-map';
import type { Destination } from '../../destinations/types.ts';
import { errorMessage } from '../../lib/errors.ts';
import { isCalendarDay } from '../local-time.ts';
import { classifyItemError, type StopRun } from '../outcomes.ts';
import { dailyReportPaths } from '../paths.ts';
import { writeDailyReports } from '../reports.ts';
import type { RunEnv } from '../run-env.ts';
import { RepairLater } from './mailboxes.ts';
import { NotRefetchable, type Refetched } from './sources.ts';
import type { Problem, RepairOutcome } from './types.ts';

/**
 * Repairs what a verification found. The policy:
 *  - a missing file still at RingCentral is uploaded again to its ledger path ('add');
 *  - an altered file still at RingCentral is replaced by RingCentral's copy ('overwrite'): the
 *    archive is meant to be a faithful copy (a destination with versions, such as Dropbox, keeps
 *    the altered bytes in the file's version history);
 *  - a file RingCentral no longer has is left as it is and reported unrepairable;
 *  - a missing or altered daily report is rewritten from the rows kept in the database;
 *  - unexpected files are only reported, never touched.
 * Each repaired file's ledger row gets the new size, hashes and time, and its day's report files
 * are rewritten so the manifest lists what the destination now holds.
 */

const REPAIR_CONCURRENCY = 4;

const gone = (type: Problem['type'], destination: Destination): string =>
  type === 'missing'
    ? `LOST: deleted from ${destination.displayName} after it was archived, and RingCentral no longer has it (deleted or past retention). No copy is left; the ledger keeps its size and SHA-256.`
    : `Changed in ${destination.displayName} after it was archived, and RingCentral no longer has the original (deleted or past retention), so it cannot be restored. The file was left as it is; the ledger keeps the original SHA-256.`;

const repaired = (type: Problem['type'], destination: Destination): string =>
  type === 'missing'
    ? 'Uploaded again from RingCentral.'
    : destination.capabilities.versions
      ? `Replaced with RingCentral's copy; the altered version remains in the file's ${destination.displayName} version history.`
      : `Replaced with RingCentral's copy (${destination.displayName} keeps no earlier versions).`;

const settle = (problem: Problem, outcome: RepairOutcome, detail: string) => {
  problem.outcome = outcome;
  problem.detail = detail;
};

const STOPPED = 'Not attempted: the verification stopped (time limit or shutdown) before this file.';

type Refetch = (entry: Problem['entry'], signal: AbortSignal) => Promise<Refetched>;

/** Repairs every file problem except daily reports; throws a StopRun (reconnect, full) after. */
export async function repairFiles(
  env: RunEnv,
  problems: readonly Problem[],
  refetch: Refetch,
): Promise<void> {
  const halt: { reason: StopRun | null } = { reason: null };
  await pMap(
    problems.filter((p) => p.entry.kind !== 'report'),
    async (problem) => {
      if (halt.reason || env.state.signal.aborted) return settle(problem, 'not-attempted', STOPPED);
      const stop = await repairOne(env, problem, refetch);
      if (stop) halt.reason ??= stop;
    },
    { concurrency: REPAIR_CONCURRENCY },
  );
  if (halt.reason) throw halt.reason;
}

async function repairOne(env: RunEnv, problem: Problem, refetch: Refetch): Promise<StopRun | null> {
  const { entry } = problem;
  try {
    const source = await refetch(entry, env.state.signal);
    const committed = await env.deps.destination.put(entry.path, source.body, {
      mode: problem.type === 'altered' ? 'overwrite' : 'add',
      size: source.size ?? undefined,
      signal: env.state.signal,
    });
    await env.deps.store.recordArchived({
      ...entry,
      path: committed.path,
      size: committed.size,
      sha256: committed.sha256,
      remoteHash: committed.remoteHash,
      sourceModifiedAt: source.sourceModifiedAt ?? entry.sourceModifiedAt,
      archivedAt: new Date(env.deps.clock.now()),
    });
    if (entry.day) env.state.daysTouched.add(entry.day);
    settle(problem, 'repaired', repaired(problem.type, env.deps.destination));
    return null;
  } catch (error) {
    return settleFailure(problem, error, env);
  }
}

/** Records why a repair failed; returns the StopRun when the whole verification must stop. */
function settleFailure(problem: Problem, error: unknown, env: RunEnv): StopRun | null {
  if (error instanceof NotRefetchable) settle(problem, 'unrepairable', error.message);
  else if (error instanceof RepairLater) settle(problem, 'failed', error.message);
  else {
    const verdict = classifyItemError(error, env.state.signal);
    if (verdict.action === 'stop') {
      settle(problem, 'failed', verdict.error.message);
      return verdict.error;
    }
    if (verdict.action === 'abandon') settle(problem, 'not-attempted', STOPPED);
    else if (verdict.action === 'skip')
      settle(problem, 'unrepairable', gone(problem.type, env.deps.destination));
    else settle(problem, 'failed', `${verdict.reason} The next verification tries again.`);
  }
  return null;
}

/** The day of a daily report's ledger row ("calls.csv:2026-11-26"), or null. */
function reportDay(sourceId: string): string | null {
  const day = sourceId.slice(sourceId.lastIndexOf(':') + 1);
  return isCalendarDay(day) ? day : null;
}

/**
 * Rewrites the report files of every day that had a report problem or a repaired file, whole,
 * from the stored rows (as the archive run does), then says per report problem whether that worked.
 */
export async function rewriteReports(
  env: RunEnv,
  problems: readonly Problem[],
  since: number,
): Promise<void> {
  const reports = problems.filter((p) => p.entry.kind === 'report');
  for (const problem of reports) {
    const day = reportDay(problem.entry.sourceId);
    if (day) env.state.daysTouched.add(day);
    else settle(problem, 'unrepairable', 'Not a daily report file this version knows how to rewrite.');
  }
  if (env.state.daysTouched.size === 0) return;
  let failure: string | null = null;
  await writeDailyReports(env).catch((error: unknown) => {
    failure = `The day's report files could not be rewritten: ${errorMessage(error)} The next verification tries again.`;
  });
  for (const problem of reports) {
    if (problem.outcome !== 'not-attempted') continue;
    const [now] = await env.deps.store.getLedgerEntries(env.state.tenant.id, [problem.entry]);
    if (now && now.archivedAt.getTime() >= since)
      settle(problem, 'repaired', 'Rewritten from the report rows kept in the database.');
    else if (failure) settle(problem, 'failed', failure);
    else settle(problem, 'unrepairable', notRewritten(env, problem));
  }
}

/** Why a day's report file was not written again where it was. */
function notRewritten(env: RunEnv, problem: Problem): string {
  const day = reportDay(problem.entry.sourceId);
  const folder = day ? dailyReportPaths(env.state.settings, env.state.company, day).folder : null;
  const wasIn = problem.entry.path.slice(0, problem.entry.path.lastIndexOf('/'));
  if (folder && folder.toLowerCase() !== wasIn.toLowerCase())
    return `Written under an earlier folder layout; this day's report files are now kept in ${folder}, so this one is not written again.`;
  return 'No report rows are kept for this day, so the file cannot be rewritten.';
}
