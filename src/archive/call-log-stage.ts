import type { InflowHistory } from './capacity.ts';
import { backfillStart } from './cursors.ts';
import { archivesKind } from './kinds/registry.ts';
import type { OutstandingIndex } from './plan.ts';
import type { RunEnv } from './run-env.ts';
import { runStream } from './streams/driver.ts';
import {
  CALL_LOG_CURSOR,
  CALL_LOG_STREAM,
  callLogStream,
  type CallLogSeen,
} from './streams/call-log/stream.ts';

export interface CallLogProgress {
  moreWork: boolean;
  /** Recordings per millisecond of history seen this run: estimates what the unread range holds. */
  recordingDensity: number;
  /** Recordings listed this run per day of their call (the company's inflow, capacity.ts). */
  listed: InflowHistory;
  backfill: { start: number; until: number | null };
}

/** The call log's stream (streams/call-log/stream.ts) run by the stream driver, and what it saw. */
export async function archiveCallLog(env: RunEnv, outstanding: OutstandingIndex): Promise<CallLogProgress> {
  const start = backfillStart(env.state.settings, env.deps.clock.now());
  const cursor = await CALL_LOG_CURSOR.read(env.deps.store, env.state.tenant.id, CALL_LOG_STREAM);
  const seen: CallLogSeen = {
    listed: { since: null, days: {} },
    recordingsSeen: 0,
    msRead: 0,
    until: cursor.until,
  };
  const wanted =
    archivesKind(env.state.settings.dataTypes, 'call') ||
    archivesKind(env.state.settings.dataTypes, 'recording');
  const outcome = wanted ? await runStream(env, callLogStream(env, seen), outstanding) : 'done';
  return {
    moreWork: outcome !== 'done',
    recordingDensity: seen.msRead > 0 ? seen.recordingsSeen / seen.msRead : 0,
    listed: seen.listed,
    backfill: { start, until: seen.until },
  };
}
