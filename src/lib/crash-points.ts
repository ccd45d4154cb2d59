/**
 * Fault injection for the reliability suite (test/integration/reliability, test/chaos): named
 * places in the archive pipeline where the process can be made to die as `kill -9` would kill it,
 * to prove that a crash at any of them loses and duplicates nothing.
 *
 * Inert unless the environment variable ARCHIVER_CRASH_AT names a point when the process starts:
 * `ARCHIVER_CRASH_AT=after-dropbox-commit` dies the first time that point is reached,
 * `ARCHIVER_CRASH_AT=after-ledger-write:3` the third time. The process then sends itself SIGKILL,
 * so nothing else runs: no `finally`, no shutdown handler, no flush. One line goes to stderr first
 * (synchronous on pipes and files) so the test can tell this death from any other.
 *
 * With ARCHIVER_CRASH_SIGNAL=SIGSTOP the process stops itself there instead (a stall: a frozen VM,
 * a long pause) and carries on where it was once sent SIGCONT: the lease's fence is tested so.
 *
 * The points, in the order an item passes them:
 *   after-download        the source bytes have all been read (the upload may still be sending)
 *   mid-upload            an upload session took a chunk and more are to come
 *   after-dropbox-commit  Dropbox committed the file; the ledger row is not written yet
 *   after-ledger-write    the ledger row is written; the stream's cursor has not moved yet
 */

export type CrashPoint = 'after-download' | 'mid-upload' | 'after-dropbox-commit' | 'after-ledger-write';

/** Read once: a point named later in the process's life (or by a test in-process) changes nothing. */
const target = parseTarget(process.env.ARCHIVER_CRASH_AT);
const signal = process.env.ARCHIVER_CRASH_SIGNAL === 'SIGSTOP' ? 'SIGSTOP' : 'SIGKILL';
let reached = 0;

function parseTarget(value: string | undefined): { point: string; at: number } | null {
  const match = /^([a-z-]+)(?::(\d+))?$/.exec(value?.trim() ?? '');
  if (!match) return null;
  return { point: match[1]!, at: Math.max(1, Number(match[2] ?? 1)) };
}

export function crashPoint(point: CrashPoint): void {
  if (target?.point !== point) return;
  reached += 1;
  if (reached !== target.at) return;
  const what = signal === 'SIGKILL' ? 'killing' : 'stopping';
  process.stderr.write(`crash point ${point} reached (${reached}): ${what} the process\n`);
  process.kill(process.pid, signal);
}
