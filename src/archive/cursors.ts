import { z } from 'zod';
import type { JsonObject, Store } from '../store/types.ts';
import { historyFloor } from './retention.ts';

/**
 * A stream's cursor: `until` is the instant before which everything of the stream is durable in
 * the destination and the ledger (or tracked as outstanding). It only moves forward, by
 * compare-and-swap, after the window before it is done. What else a stream keeps in its position is
 * declared by a schema (cursorKind), checked on every read and every write, so a position holds
 * nothing its stream did not mean to keep.
 */
export interface StreamCursor<P extends object = object> {
  stream: string;
  until: number | null;
  /** null while the stream has no cursor row yet. */
  version: number | null;
  /** The stream's own fields, `until` apart. */
  position: P;
}

export class CursorConflictError extends Error {
  override name = 'CursorConflictError';
}

/** A stored position its stream's schema rejects (written by a newer version, or damaged). */
export class UnreadableCursorError extends Error {
  override name = 'UnreadableCursorError';
}

export interface CursorKind<P extends object> {
  read(store: Store, tenantId: string, stream: string): Promise<StreamCursor<P>>;
  /** Moves `until` forward (never back) and merges `position` into the stream's own fields. */
  move(
    store: Store,
    tenantId: string,
    cursor: StreamCursor<P>,
    changes: { until?: number; position?: Partial<P> },
  ): Promise<StreamCursor<P>>;
}

const until = z.iso.datetime().optional();

/** The cursor of streams whose position holds `until` and the fields of `shape`. */
export function cursorKind<S extends z.ZodRawShape>(shape: S): CursorKind<z.output<z.ZodObject<S>>> {
  type P = z.output<z.ZodObject<S>>;
  const fields = z.object(shape);
  const stored = fields.extend({ until });
  return {
    async read(store, tenantId, stream) {
      const cursor = await store.getCursor(tenantId, stream);
      const parsed = stored.safeParse(cursor?.position ?? {});
      if (!parsed.success)
        throw new UnreadableCursorError(
          `The position of stream "${stream}" cannot be read (${parsed.error.issues
            .map((i) => `${i.path.join('.') || 'position'}: ${i.message}`)
            .join('; ')}); it is left as it is until it is repaired.`,
        );
      const { until: at, ...position } = parsed.data as P & { until?: string };
      return {
        stream,
        until: at === undefined ? null : Date.parse(at),
        version: cursor?.version ?? null,
        position: position as P,
      };
    },

    async move(store, tenantId, cursor, changes) {
      const to = changes.until;
      const nextUntil = typeof to === 'number' ? Math.max(to, cursor.until ?? to) : cursor.until;
      const position = fields.parse({ ...cursor.position, ...changes.position });
      const json = stored.parse({
        ...position,
        ...(nextUntil === null ? {} : { until: new Date(nextUntil).toISOString() }),
      }) as JsonObject;
      const saved = await store.saveCursor(tenantId, cursor.stream, json, cursor.version);
      if (!saved) throw new CursorConflictError(`cursor ${cursor.stream} was moved by someone else`);
      return { stream: cursor.stream, until: nextUntil, version: saved.version, position };
    },
  };
}

/**
 * Where a stream's history starts: the backfill day chosen, or everything RingCentral still has,
 * never before what it holds (a day chosen long ago drifts past that floor as time goes by).
 */
export function backfillStart(settings: { backfillFrom: string | null }, now: number): number {
  const floor = historyFloor(now);
  const from = settings.backfillFrom;
  return from ? Math.max(floor, Date.parse(`${from}T00:00:00.000Z`)) : floor;
}
