import type { ReportName, ReportRow } from '../../store/types.ts';
import type { CursorKind, StreamCursor } from '../cursors.ts';
import type { ArchiveItem } from '../items.ts';
import { planItems, type OutstandingIndex } from '../plan.ts';
import { saveRowsIfChanged } from '../reports.ts';
import type { RunEnv } from '../run-env.ts';
import { itemKey, transferItems } from '../transfer.ts';
import { transferOrder } from '../transfer-order.ts';
import type { Window } from '../windows.ts';

/**
 * One loop for every data stream (the call log, a mailbox read directly, the message export): it
 * owns the window, the cursor, the plan, the transfer and the checkpoint, and a stream definition
 * only says how to read. Per window: read it batch by batch; for each batch keep its day-file rows
 * (before any of its files, so the day is owed its report first), drop what the ledger already has,
 * send the rest closest to deletion first; once every item of the window is archived or tracked as
 * outstanding, move the stream's cursors past it. A window left unfinished (a stop, an item that
 * could not start) keeps its cursors where they were: the next run reads it again.
 */

/** Part of a window, as read: its items and the rows of the day files (`report`) they bring. */
export interface StreamBatch {
  items: readonly ArchiveItem[];
  rows: ReadonlyArray<{ day: string; row: ReportRow }>;
}

export interface StreamDefinition<P extends object> {
  cursor: CursorKind<P>;
  /** The cursors (stream names) the stream reads from and moves together. */
  streams: readonly string[];
  /** The day file its rows belong to. */
  report: ReportName;
  /**
   * The window to read next, from the cursors as they stand now; `after` is where this run's
   * previous window ended (null for the first).
   */
  window(cursors: readonly StreamCursor<P>[], now: number, after: number | null): Window;
  read(window: Window, outstanding: OutstandingIndex): AsyncIterable<StreamBatch>;
  /** Where the cursors move once the window is durable (its end unless said otherwise). */
  settle?(window: Window): Promise<{ until: number; position?: Partial<P> }>;
  /** A read error this stream answers itself: true stops it here, its cursors unmoved. */
  refused?(error: unknown): Promise<boolean>;
  /** Items of a batch left unfinished (the call log counts the recordings still at risk). */
  unfinished?(items: readonly ArchiveItem[], outstanding: OutstandingIndex): void | Promise<void>;
  /** The window is durable and the cursors moved to `until`. */
  moved?(cursors: readonly StreamCursor<P>[], until: number): Promise<void>;
}

/** 'more': the stream has more to read (a later run continues it); 'refused': see `refused`. */
type StreamOutcome = 'done' | 'more' | 'refused';

export async function runStream<P extends object>(
  env: RunEnv,
  stream: StreamDefinition<P>,
  outstanding: OutstandingIndex,
): Promise<StreamOutcome> {
  const { store } = env.deps;
  const { tenant } = env.state;
  let cursors = await Promise.all(stream.streams.map((name) => stream.cursor.read(store, tenant.id, name)));
  let after: number | null = null;
  for (;;) {
    const now = env.deps.clock.now();
    const window = stream.window(cursors, now, after);
    let complete = true;
    try {
      for await (const batch of stream.read(window, outstanding))
        complete = (await archiveBatch(env, stream, batch, outstanding)) && complete;
    } catch (error) {
      if (stream.refused && (await stream.refused(error))) return 'refused';
      throw error;
    }
    if (!complete || env.state.signal.aborted) return 'more';
    const { until, position } = (await stream.settle?.(window)) ?? { until: window.to };
    const moved = [];
    for (const cursor of cursors)
      moved.push(await stream.cursor.move(store, tenant.id, cursor, { until, position }));
    cursors = moved;
    await stream.moved?.(cursors, until);
    if (window.last || until >= now) return until < now ? 'more' : 'done';
    after = until;
  }
}

/** Keeps a batch's rows, plans and sends its items; true when every item was handled. */
async function archiveBatch<P extends object>(
  env: RunEnv,
  stream: StreamDefinition<P>,
  batch: StreamBatch,
  outstanding: OutstandingIndex,
): Promise<boolean> {
  if (batch.items.length === 0 && batch.rows.length === 0) return true;
  const byDay = new Map<string, ReportRow[]>();
  for (const { day, row } of batch.rows) byDay.set(day, [...(byDay.get(day) ?? []), row]);
  for (const [day, rows] of byDay) await saveRowsIfChanged(env, day, stream.report, rows);
  const todo = transferOrder(await planItems(env, batch.items, outstanding));
  const handled = await transferItems(env, todo);
  const unfinished = todo.filter((item) => !handled.has(itemKey(item)));
  if (unfinished.length > 0) await stream.unfinished?.(unfinished, outstanding);
  return unfinished.length === 0;
}
