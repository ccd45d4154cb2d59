import { includesExtension } from './settings.ts';
import { z } from 'zod';
import { utcDay, type InflowHistory } from './capacity.ts';
import { backfillStart, cursorKind } from './cursors.ts';
import { archivesKind } from './kinds/registry.ts';
import { asJson, recordingExtension, recordJsonItem, type ArchiveItem } from './items.ts';
import { localDay, renderItemPath, type PathExtension, type PathItem } from './paths.ts';
import { oldestFirst, planItems, type OutstandingIndex } from './plan.ts';
import { callRowFromRecord, type CallRow } from './report-csv.ts';
import type { ReportRow } from '../store/types.ts';
import { saveRowsIfChanged } from './reports.ts';
import type { RunEnv } from './run-env.ts';
import { oneCallLogRecordTime, readCallLog, recordingsOf } from './sources/call-log.ts';
import { openRecording } from './sources/recordings.ts';
import type { CallLogRecord } from './sources/records.ts';
import { itemKey, transferItems } from './transfer.ts';
import { adaptWindow, findHistoryStart, HOUR_MS, readFrom, windowAt, type RecordProbe } from './windows.ts';

export const CALL_LOG_STREAM = 'calllog';
/** The call log's position: `until`, and the window length learned from how busy the account is. */
export const CALL_LOG_CURSOR = cursorKind({ windowMs: z.number().int().positive().optional() });
/** How far before its cursor (or an announced call's start) an early run reads the call log. */
const EARLY_OVERLAP_MS = 5 * 60_000;

export interface CallLogProgress {
  moreWork: boolean;
  /** Recordings listed this run that are still not in the archive (for the risk estimate). */
  unarchivedRecordingTimes: number[];
  /** Recordings per millisecond of history seen this run: estimates what the unread range holds. */
  recordingDensity: number;
  /** Recordings listed this run per day of their call (the company's inflow, capacity.ts). */
  listed: InflowHistory;
  backfill: { start: number; until: number | null };
}

/**
 * The account-level call log and the recordings it references, window by window from the cursor
 * (minus the lookback, so late changes and recordings attached late are caught) up to now.
 */
export async function archiveCallLog(env: RunEnv, outstanding: OutstandingIndex): Promise<CallLogProgress> {
  const { settings, signal, clock } = env;
  const wantRecords = archivesKind(settings.dataTypes, 'call');
  const wantRecordings = archivesKind(settings.dataTypes, 'recording');
  let cursor = await CALL_LOG_CURSOR.read(env.store, env.tenant.id, CALL_LOG_STREAM);
  const start = backfillStart(env);
  const progress: CallLogProgress = {
    moreWork: false,
    unarchivedRecordingTimes: [],
    recordingDensity: 0,
    listed: { since: null, days: {} },
    backfill: { start, until: cursor.until },
  };
  if (!wantRecords && !wantRecordings) return progress;

  // An early run reads from its cursor with a short overlap, or from the announced calls' start
  // (the call log lists by start time); the hourly run's lookback catches late changes.
  const early = env.ctx.streams?.[CALL_LOG_STREAM];
  const lookbackMs = early ? EARLY_OVERLAP_MS : settings.lookbackHours * HOUR_MS;
  let windowMs = cursor.position.windowMs ?? 7 * 24 * HOUR_MS;
  let from = readFrom(cursor.until, start, lookbackMs);
  if (early?.since) from = Math.max(start, Math.min(from, early.since.getTime() - EARLY_OVERLAP_MS));
  let recordingsSeen = 0;
  let msRead = 0;
  for (;;) {
    const now = clock.now();
    const window = windowAt(from, now, windowMs, lookbackMs);
    const records: CallLogRecord[] = [];
    let listed = 0;
    for await (const page of readCallLog(env.api, {
      dateFrom: new Date(window.from),
      dateTo: new Date(window.to),
      signal,
    })) {
      listed += page.length;
      records.push(
        ...page.filter((r) => r.extension === undefined || includesExtension(settings, r.extension.id)),
      );
    }

    const candidates: ArchiveItem[] = [];
    const rows = new Map<string, ReportRow[]>();
    for (const record of records) {
      const { items, row, day } = callItems(env, record, { wantRecords, wantRecordings });
      candidates.push(...items);
      if (wantRecords) rows.set(day, [...(rows.get(day) ?? []), { key: record.id, row: asJson(row) }]);
      for (const item of items) {
        if (item.kind !== 'recording') continue;
        recordingsSeen += 1;
        countListed(progress.listed, item.at);
      }
    }
    msRead += window.to - window.from;
    for (const [day, dayRows] of rows) await saveRowsIfChanged(env, day, 'calls', dayRows);

    const todo = await planItems(env, candidates, outstanding);
    // Records' JSON first (no RingCentral calls), then recordings oldest first.
    const ordered = [
      ...todo.filter((i) => i.kind === 'call'),
      ...oldestFirst(todo.filter((i) => i.kind === 'recording')),
    ];
    const handled = await transferItems(env, ordered);
    const unfinished = ordered.filter((i) => !handled.has(itemKey(i)));
    progress.unarchivedRecordingTimes.push(
      ...unfinished.filter((i) => i.kind === 'recording').map((i) => i.at),
    );
    if (unfinished.length > 0 || signal.aborted) {
      progress.moreWork = true;
      break;
    }
    windowMs = adaptWindow(windowMs, records.length);
    // After an empty window, skip the empty history that follows in a few one-record probes.
    const until =
      listed === 0 && !window.last ? await findHistoryStart(probe(env), window.to, now, windowMs) : window.to;
    msRead += until - window.to;
    cursor = await CALL_LOG_CURSOR.move(env.store, env.tenant.id, cursor, { until, position: { windowMs } });
    progress.backfill.until = cursor.until;
    // Visible progress while a long backfill runs (the run row is otherwise written at the end).
    env.ctx.report({ kinds: env.counters.kinds, backfillUntil: new Date(until).toISOString() });
    await env.ctx.checkpoint();
    if (window.last || until >= now) break;
    from = until;
  }
  progress.recordingDensity = msRead > 0 ? recordingsSeen / msRead : 0;
  return progress;
}

function countListed(listed: InflowHistory, at: number): void {
  const day = utcDay(at);
  listed.days[day] = (listed.days[day] ?? 0) + 1;
  listed.since = listed.since === null ? at : Math.min(listed.since, at);
}

const probe =
  (env: RunEnv): RecordProbe =>
  (from, to) =>
    oneCallLogRecordTime(env.api, { dateFrom: new Date(from), dateTo: new Date(to), signal: env.signal });

function extensionOf(env: RunEnv, id: string | undefined): PathExtension | null {
  if (!id) return null;
  const ext = env.extensions.get(id);
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
  const day = localDay(record.startTime, env.settings.timezone);
  const base: Omit<PathItem, 'kind' | 'id' | 'fileExtension'> = {
    company: env.company,
    timestamp: record.startTime,
    extension,
    direction: record.direction ?? null,
    from: record.from ?? null,
    to: record.to ? [record.to] : [],
  };
  const items: ArchiveItem[] = [];
  const recordings = recordingsOf(record);
  const recordingPaths = recordings.map((recording) =>
    renderItemPath(env.settings, { ...base, kind: 'recording', id: recording.id, fileExtension: 'mp3' }),
  );
  if (want.wantRecords) {
    const path = renderItemPath(env.settings, {
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
          const download = await openRecording(env.api, recording, { signal });
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
