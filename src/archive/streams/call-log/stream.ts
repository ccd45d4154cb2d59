import { z } from 'zod';
import { utcDay, type InflowHistory } from '../../capacity.ts';
import { backfillStart, cursorKind } from '../../cursors.ts';
import { asJson, recordingExtension, recordJsonItem, type ArchiveItem } from '../../items.ts';
import { archivesKind } from '../../kinds/registry.ts';
import { localDay, renderItemPath, type PathExtension, type PathItem } from '../../paths.ts';
import { callRowFromRecord, type CallRow } from '../../report-csv.ts';
import type { RunEnv } from '../../run-env.ts';
import { includesExtension } from '../../settings.ts';
import { oneCallLogRecordTime, readCallLog, recordingsOf } from '../../sources/call-log.ts';
import type { CallLogRecord } from '../../sources/records.ts';
import { openRecording } from '../../sources/recordings.ts';
import {
  adaptWindow,
  findHistoryStart,
  HOUR_MS,
  readFrom,
  windowAt,
  type RecordProbe,
  type Window,
} from '../../windows.ts';
import type { StreamBatch, StreamDefinition } from '../driver.ts';
import { rememberWaiting, settleVanished } from '../../waiting-recordings.ts';

export const CALL_LOG_STREAM = 'calllog';
/** The call log's position: `until`, and the window length learned from how busy the account is. */
export const CALL_LOG_CURSOR = cursorKind({ windowMs: z.number().int().positive().optional() });
type CallLogPosition = { windowMs?: number };
/** How far before its cursor (or an announced call's start) an early run reads the call log. */
const EARLY_OVERLAP_MS = 5 * 60_000;
const FIRST_WINDOW_MS = 7 * 24 * HOUR_MS;

/** What the call log's stream saw in this run (the run's figures and the risk estimate read it). */
export interface CallLogSeen {
  /** Recordings listed this run per day of their call (the company's inflow, capacity.ts). */
  listed: InflowHistory;
  recordingsSeen: number;
  /** Milliseconds of history read (empty history skipped by probes included). */
  msRead: number;
  /** Where the cursor stands after each window. */
  until: number | null;
}

/**
 * The account-level call log and the recordings it references, window by window from the cursor
 * (minus the lookback, so late changes and recordings attached late are caught) up to now. Windows
 * adapt to how busy the account is; an empty one is followed by one-record probes that skip the
 * empty history behind it.
 */
export function callLogStream(env: RunEnv, seen: CallLogSeen): StreamDefinition<CallLogPosition> {
  const { settings } = env.state;
  const want = {
    wantRecords: archivesKind(settings.dataTypes, 'call'),
    wantRecordings: archivesKind(settings.dataTypes, 'recording'),
  };
  // An early run reads from its cursor with a short overlap, or from the announced calls' start
  // (the call log lists by start time); the hourly run's lookback catches late changes.
  const early = env.state.ctx.streams?.[CALL_LOG_STREAM];
  const lookbackMs = early ? EARLY_OVERLAP_MS : settings.lookbackHours * HOUR_MS;
  const start = backfillStart(env.state.settings, env.deps.clock.now());
  let windowMs = FIRST_WINDOW_MS;
  let windowNow = 0;
  // Per window: records kept (after the extension filter) and listed (before it).
  let records = 0;
  let listed = 0;

  return {
    cursor: CALL_LOG_CURSOR,
    streams: [CALL_LOG_STREAM],
    report: 'calls',
    window([cursor], now, after) {
      windowMs = cursor!.position.windowMs ?? FIRST_WINDOW_MS;
      windowNow = now;
      let from = after ?? readFrom(cursor!.until, start, lookbackMs);
      if (after === null && early?.since)
        from = Math.max(start, Math.min(from, early.since.getTime() - EARLY_OVERLAP_MS));
      return windowAt(from, now, windowMs, lookbackMs);
    },
    async *read(window, outstanding) {
      const kept: CallLogRecord[] = [];
      const recordingIds = new Set<string>();
      listed = 0;
      for await (const page of readCallLog(env.deps.api, {
        dateFrom: new Date(window.from),
        dateTo: new Date(window.to),
        signal: env.state.signal,
      })) {
        listed += page.length;
        for (const record of page) for (const r of recordingsOf(record)) recordingIds.add(r.id);
        kept.push(
          ...page.filter((r) => r.extension === undefined || includesExtension(settings, r.extension.id)),
        );
      }
      records = kept.length;
      await settleVanished(env, window, recordingIds, outstanding);
      const batch: { items: ArchiveItem[]; rows: Array<StreamBatch['rows'][number]> } = {
        items: [],
        rows: [],
      };
      for (const record of kept) {
        const { items, row, day } = callItems(env, record, want);
        batch.items.push(...items);
        if (want.wantRecords) batch.rows.push({ day, row: { key: record.id, row: asJson(row) } });
        for (const item of items) if (item.kind === 'recording') countListed(seen, item.at);
      }
      seen.msRead += window.to - window.from;
      seen.listed.until = Math.max(seen.listed.until ?? 0, Math.min(window.to, windowNow));
      yield batch;
    },
    async settle(window: Window) {
      windowMs = adaptWindow(windowMs, records);
      // After an empty window, skip the empty history that follows in a few one-record probes.
      const until =
        listed === 0 && !window.last
          ? await findHistoryStart(probe(env), window.to, windowNow, windowMs)
          : window.to;
      seen.msRead += until - window.to;
      return { until, position: { windowMs } };
    },
    async unfinished(items, outstanding) {
      // Remembered as waiting (and counted in the backlog from there), so that a recording
      // RingCentral deletes before its turn comes is known and reported.
      await rememberWaiting(env, items, outstanding);
    },
    async moved([cursor], until) {
      seen.until = cursor!.until;
      // Visible progress while a long backfill runs (the run row is otherwise written at the end).
      env.state.ctx.report({ kinds: env.state.counters.kinds, backfillUntil: new Date(until).toISOString() });
      await env.state.ctx.checkpoint();
    },
  };
}

function countListed(seen: CallLogSeen, at: number): void {
  seen.recordingsSeen += 1;
  const day = utcDay(at);
  seen.listed.days[day] = (seen.listed.days[day] ?? 0) + 1;
  seen.listed.since = seen.listed.since === null ? at : Math.min(seen.listed.since, at);
}

const probe =
  (env: RunEnv): RecordProbe =>
  (from, to) =>
    oneCallLogRecordTime(env.deps.api, {
      dateFrom: new Date(from),
      dateTo: new Date(to),
      signal: env.state.signal,
    });

function extensionOf(env: RunEnv, id: string | undefined): PathExtension | null {
  if (!id) return null;
  const ext = env.state.extensions.get(id);
  return { id, number: ext?.extensionNumber ?? null, name: ext?.name ?? null };
}

/** The items of one call-log record (its JSON and its recordings) and its calls.csv row. */
function callItems(
  env: RunEnv,
  record: CallLogRecord,
  want: { wantRecords: boolean; wantRecordings: boolean },
): { items: ArchiveItem[]; row: CallRow & { recordingId: string }; day: string } {
  const extension = extensionOf(env, record.extension?.id);
  const at = Date.parse(record.startTime);
  const day = localDay(record.startTime, env.state.settings.timezone);
  const base: Omit<PathItem, 'kind' | 'id' | 'fileExtension'> = {
    company: env.state.company,
    timestamp: record.startTime,
    extension,
    direction: record.direction ?? null,
    from: record.from ?? null,
    to: record.to ? [record.to] : [],
  };
  const items: ArchiveItem[] = [];
  const recordings = recordingsOf(record);
  const recordingPaths = recordings.map((recording) =>
    renderItemPath(env.state.settings, {
      ...base,
      kind: 'recording',
      id: recording.id,
      fileExtension: 'mp3',
    }),
  );
  if (want.wantRecords) {
    const path = renderItemPath(env.state.settings, {
      ...base,
      kind: 'call',
      id: record.id,
      fileExtension: 'json',
    });
    items.push(recordJsonItem('call', record, { path, day, at }));
  }
  if (want.wantRecordings)
    recordings.forEach((recording, i) => {
      const path = recordingPaths[i]!;
      items.push({
        kind: 'recording',
        sourceId: recording.id,
        attachmentId: '',
        path,
        day,
        at,
        sourceModifiedAt: null,
        size: null,
        mode: 'add',
        open: async (signal) => {
          const download = await openRecording(env.deps.api, recording, { signal });
          return {
            body: download.body,
            size: download.size,
            fileExtension: recordingExtension(download.contentType),
          };
        },
        descriptor: { source: 'download', uri: recording.contentUri, path, day, at },
      });
    });
  // The recording's final path is filled in from the ledger when the day's file is written.
  const row = {
    ...callRowFromRecord(record, { extension, recordingPath: null }),
    recordingId: recordings[0]?.id ?? '',
  };
  return { items, row, day };
}
