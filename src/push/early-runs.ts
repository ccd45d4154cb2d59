/**
 * Early runs: a company's run brought forward by notifications, reading only the streams they
 * marked dirty and due. After any run (early or hourly) the marks of the streams it read are
 * settled: a mark whose stream was read after its last notification goes; one that a notification
 * touched during the run stays, due after the usual delay; one still waiting for something the
 * notification announced (a call's recording, which RingCentral attaches minutes after the call),
 * or whose read did not finish, is read again on a short ladder of waits, and left to the hourly
 * run once the ladder is used up. Settling is a compare-and-swap on the mark, so a notification
 * arriving at the same moment is never lost.
 */
import type { ArchiveOptions, ArchiveOutcome, StreamSelection } from '../archive/run.ts';
import type { Clock } from '../lib/clock.ts';
import type { DirtyStream, Store } from '../store/types.ts';

export interface EarlyRunDeps {
  store: Store;
  clock: Clock;
  archive(tenantId: string, options: ArchiveOptions): Promise<ArchiveOutcome>;
  /** How long a mark waits after its latest notification (see receive.ts streamDelay). */
  delayMs(stream: string): number;
  /** The waits before reading a stream again that still misses what was announced, in order. */
  ladderMs: readonly number[];
}

/** The waits of the ladder for a call delay: 2, 4, 8 and 16 times it. */
export function ladderFor(callDelayMs: number): number[] {
  return [2, 4, 8, 16].map((k) => k * Math.max(callDelayMs, 1_000));
}

const earliest = (marks: readonly DirtyStream[]): Date | null =>
  marks.reduce<Date | null>((min, m) => (min === null || m.dueAt < min ? m.dueAt : min), null);

/** Whether a finished run read its streams to the end (not cut by its time box or a shutdown). */
export function readThrough(outcome: ArchiveOutcome): boolean {
  return outcome.outcome === 'finished' && outcome.status !== 'failed' && outcome.stopped === null;
}

/**
 * Runs the company's due dirty streams; returns when the next early run is needed (null: none).
 * A run already holding the company (the hourly one, or another early one) makes this one wait.
 */
export async function earlyRun(
  deps: EarlyRunDeps,
  tenantId: string,
  options: Pick<ArchiveOptions, 'workerId' | 'signal'>,
): Promise<{ nextAt: Date | null; outcome: ArchiveOutcome | null }> {
  const marks = await deps.store.listDirtyStreams(tenantId);
  const startedAt = deps.clock.now();
  const due = marks.filter((m) => m.dueAt.getTime() <= startedAt);
  if (due.length === 0) return { nextAt: earliest(marks), outcome: null };
  const streams: StreamSelection = Object.fromEntries(due.map((m) => [m.stream, { since: m.since }]));
  const outcome = await deps.archive(tenantId, { ...options, trigger: 'notification', streams });
  // The company's run is going (usually the hourly one): look again after the ladder's first
  // wait, not after the whole lease (a crashed holder's lease still has to lapse first).
  if (outcome.outcome === 'busy') {
    const wait = Math.min(outcome.retryAfterMs, deps.ladderMs[0] ?? outcome.retryAfterMs);
    return { nextAt: new Date(deps.clock.now() + wait), outcome };
  }
  if (outcome.outcome === 'skipped') return { nextAt: null, outcome };
  return { nextAt: await settle(deps, tenantId, due, startedAt, readThrough(outcome)), outcome };
}

/**
 * Settles the marks a run read (`read`, as listed before it started at `startedAt`); returns the
 * earliest due time of the marks left, if any.
 */
export async function settle(
  deps: Pick<EarlyRunDeps, 'store' | 'clock' | 'delayMs' | 'ladderMs'>,
  tenantId: string,
  read: readonly DirtyStream[],
  startedAt: number,
  completed: boolean,
): Promise<Date | null> {
  const { store } = deps;
  for (const before of read) {
    // A notification may change the mark between our read and our write: read again and retry.
    for (let attempt = 0; attempt < 5; attempt++) {
      const mark = (await store.listDirtyStreams(tenantId)).find((m) => m.stream === before.stream);
      if (!mark) break;
      const archived = new Set(
        mark.awaiting.length === 0
          ? []
          : (
              await store.getLedgerEntries(
                tenantId,
                mark.awaiting.map((id) => ({ kind: 'recording', sourceId: id, attachmentId: '' })),
              )
            ).map((e) => e.sourceId),
      );
      const awaiting = mark.awaiting.filter((id) => !archived.has(id));
      const now = deps.clock.now();
      let next: Pick<DirtyStream, 'dueAt' | 'attempts' | 'awaiting'> | null = null;
      if (mark.changedAt.getTime() > startedAt) {
        next = {
          dueAt: new Date(Math.max(now, mark.changedAt.getTime() + deps.delayMs(mark.stream))),
          attempts: mark.attempts,
          awaiting,
        };
      } else if (!completed || awaiting.length > 0) {
        const wait = deps.ladderMs[mark.attempts];
        next =
          wait === undefined ? null : { dueAt: new Date(now + wait), attempts: mark.attempts + 1, awaiting };
      }
      if (await store.settleDirtyStream(tenantId, mark.stream, mark.version, next)) break;
    }
  }
  return earliest(await store.listDirtyStreams(tenantId));
}
