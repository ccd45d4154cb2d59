import type { JsonObject } from '../store/types.ts';
import type { RunEnv } from './run-env.ts';
import { historyFloor } from './retention.ts';

/**
 * A stream's cursor: `until` is the instant before which everything of the stream is durable in
 * the destination and the ledger (or tracked as outstanding). It only moves forward, by compare-and-swap,
 * after the window before it is done.
 */
export interface StreamCursor {
  stream: string;
  until: number | null;
  version: number | null;
  position: JsonObject;
}

export class CursorConflictError extends Error {
  override name = 'CursorConflictError';
}

export async function readCursor(
  env: Pick<RunEnv, 'store' | 'tenant'>,
  stream: string,
): Promise<StreamCursor> {
  const cursor = await env.store.getCursor(env.tenant.id, stream);
  const until = typeof cursor?.position.until === 'string' ? Date.parse(cursor.position.until) : null;
  return {
    stream,
    until: Number.isFinite(until) ? until : null,
    version: cursor?.version ?? null,
    position: cursor?.position ?? {},
  };
}

export async function moveCursor(
  env: Pick<RunEnv, 'store' | 'tenant'>,
  cursor: StreamCursor,
  changes: { until?: number } & JsonObject,
): Promise<StreamCursor> {
  const { until, ...rest } = changes;
  const position: JsonObject = { ...cursor.position, ...rest };
  const nextUntil = typeof until === 'number' ? Math.max(until, cursor.until ?? until) : cursor.until;
  if (nextUntil !== null) position.until = new Date(nextUntil).toISOString();
  const saved = await env.store.saveCursor(env.tenant.id, cursor.stream, position, cursor.version);
  if (!saved) throw new CursorConflictError(`cursor ${cursor.stream} was moved by someone else`);
  return { stream: cursor.stream, until: nextUntil, version: saved.version, position: saved.position };
}

/**
 * Where a stream's history starts: the backfill day chosen, or everything RingCentral still has,
 * never before what it holds (a day chosen long ago drifts past that floor as time goes by).
 */
export function backfillStart(env: Pick<RunEnv, 'settings' | 'clock'>): number {
  const floor = historyFloor(env.clock.now());
  const from = env.settings.backfillFrom;
  return from ? Math.max(floor, Date.parse(`${from}T00:00:00.000Z`)) : floor;
}
