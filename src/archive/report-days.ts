import { moveCursor, readCursor, type StreamCursor } from './cursors.ts';
import type { RunEnv } from './run-env.ts';

/**
 * The days whose report files (calls.csv, sms.csv, manifest.csv) are owed. A day is marked here,
 * in the database, before anything that changes those files' content is stored (a ledger row, a
 * report row), and cleared once its files are rewritten at the end of a run. Without it, a process
 * killed between archiving a day's items and writing its files leaves them unwritten for good: the
 * run after the restart finds nothing new on that day and has no reason to touch it.
 *
 * Marking a day that then gets nothing new only costs rewriting its files once with the same rows.
 */

const STREAM = 'reports:owed';

interface Owed {
  cursor: Promise<StreamCursor>;
  days: Set<string> | null;
  /** Writes of the owed set, one at a time: stages mark days concurrently and the cursor is CAS. */
  writes: Promise<unknown>;
}

type Env = Pick<RunEnv, 'store' | 'tenant'>;

const perRun = new WeakMap<Env, Owed>();

function owedOf(env: Env): Owed {
  let owed = perRun.get(env);
  if (!owed)
    perRun.set(env, (owed = { cursor: readCursor(env, STREAM), days: null, writes: Promise.resolve() }));
  return owed;
}

const daysIn = (cursor: StreamCursor): Set<string> =>
  new Set(
    Array.isArray(cursor.position.days) ? cursor.position.days.filter((d) => typeof d === 'string') : [],
  );

function update(env: Env, change: (days: Set<string>) => boolean): Promise<void> {
  const owed = owedOf(env);
  const write = owed.writes.then(async () => {
    let cursor = await owed.cursor;
    owed.days ??= daysIn(cursor);
    if (!change(owed.days)) return;
    cursor = await moveCursor(env, cursor, { days: [...owed.days].sort() });
    owed.cursor = Promise.resolve(cursor);
  });
  owed.writes = write.catch(() => undefined);
  return write;
}

/** Marks days whose files are about to change; resolves once that is stored. */
export function oweReportDays(env: Env, days: Iterable<string>): Promise<void> {
  const wanted = [...new Set(days)];
  if (wanted.length === 0) return Promise.resolve();
  return update(env, (owed) => {
    const before = owed.size;
    for (const day of wanted) owed.add(day);
    return owed.size !== before;
  });
}

/** Every day owed so far, this run's and those a killed run left behind. */
export async function owedReportDays(env: Env): Promise<string[]> {
  const owed = owedOf(env);
  await owed.writes;
  return [...(owed.days ?? daysIn(await owed.cursor))];
}

/** The days' files are written: they are owed no more. */
export function settleReportDays(env: Env, days: Iterable<string>): Promise<void> {
  const written = [...days];
  return update(env, (owed) => {
    const before = owed.size;
    for (const day of written) owed.delete(day);
    return owed.size !== before;
  });
}
