/**
 * The account-level call log (Heavy; needs an admin token): every extension's calls in one list,
 * `view=Detailed` (legs, and per the spec `lastModifiedTime`), 1,000 records a page, paged by
 * `navigation.nextPage` until it is absent. Records whose startTime lies in [dateFrom, dateTo].
 *
 * Each id is handed out once per read, though the list may shift while it is paged.
 */
import type { RingCentralApi } from './api.ts';
import { distinctRecords, listPages } from './paging.ts';
import { toCallLogRecord, type CallLogRecord, type RawCallLogRecord, type RecordingRef } from './records.ts';

interface CallLogWindow {
  dateFrom: Date;
  dateTo: Date;
  signal?: AbortSignal;
  /** Records per page, 1,000 unless a smaller page is wanted (1–1000). */
  perPage?: number;
}

const CALL_LOG_PATH = '/restapi/v1.0/account/~/call-log';

/** Yields pages of records not yet seen in this read (a page may be empty after de-duplication). */
export async function* readCallLog(
  api: RingCentralApi,
  window: CallLogWindow,
): AsyncGenerator<CallLogRecord[]> {
  const query = {
    view: 'Detailed',
    perPage: window.perPage ?? 1000,
    dateFrom: window.dateFrom.toISOString(),
    dateTo: window.dateTo.toISOString(),
  };
  yield* distinctRecords(
    listPages<RawCallLogRecord>(api, CALL_LOG_PATH, query, window.signal),
    toCallLogRecord,
  );
}

/** The start time of one record in [dateFrom, dateTo] (any one: the order is not documented), or null. */
export async function oneCallLogRecordTime(
  api: RingCentralApi,
  window: Omit<CallLogWindow, 'perPage'>,
): Promise<number | null> {
  for await (const page of readCallLog(api, { ...window, perPage: 1 })) {
    const record = page[0];
    return record ? Date.parse(record.startTime) : null;
  }
  return null;
}

/** The recordings a record refers to, on the record itself and on its legs, each once. */
export function recordingsOf(record: CallLogRecord): RecordingRef[] {
  const byId = new Map<string, RecordingRef>();
  for (const part of [record, ...(record.legs ?? [])]) {
    const recording = part.recording;
    if (recording?.contentUri && !byId.has(String(recording.id))) {
      byId.set(String(recording.id), { ...recording, id: String(recording.id) });
    }
  }
  return [...byId.values()];
}
