import { describe, expect, it } from 'vitest';
import { CursorConflictError, UnreadableCursorError } from '../../../src/archive/cursors.ts';
import { CALL_LOG_CURSOR } from '../../../src/archive/streams/call-log/stream.ts';
import type { Cursor, JsonObject, Store } from '../../../src/store/types.ts';
import { cursorRow } from '../../support/builders/cursor.ts';

/** The two cursor calls of the Store port over one stored row, compare-and-swap on its version. */
function cursorTable(row: Cursor | null) {
  let stored = row;
  const store = {
    getCursor: () => Promise.resolve(stored),
    saveCursor: (tenantId: string, stream: string, position: JsonObject, version: number | null) => {
      if ((stored?.version ?? null) !== version) return Promise.resolve(null);
      stored = { tenantId, stream, position, version: (version ?? 0) + 1, updatedAt: new Date(0) };
      return Promise.resolve(stored);
    },
  } as Pick<Store, 'getCursor' | 'saveCursor'> as Store;
  return { store, stored: () => stored };
}

describe("a stream's cursor", () => {
  it('reads `until` and the position its stream declared', async () => {
    const { store } = cursorTable(cursorRow({ position: { windowMs: 3_600_000 } }));
    expect(await CALL_LOG_CURSOR.read(store, 't1', 'calllog')).toEqual({
      stream: 'calllog',
      until: Date.parse('2026-11-26T00:00:00.000Z'),
      version: 1,
      position: { windowMs: 3_600_000 },
    });
    const fresh = await CALL_LOG_CURSOR.read(cursorTable(null).store, 't1', 'calllog');
    expect(fresh).toMatchObject({ until: null, version: null, position: {} });
  });

  it('refuses a position its schema rejects, naming the field, rather than guess', async () => {
    const { store } = cursorTable(cursorRow({ position: { windowMs: -5 } }));
    const error = await CALL_LOG_CURSOR.read(store, 't1', 'calllog').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnreadableCursorError);
    expect((error as Error).message).toContain('windowMs');
  });

  it('moves forward only, and not past a move someone else made since it was read', async () => {
    const table = cursorTable(cursorRow({ position: { windowMs: 3_600_000 } }));
    const read = await CALL_LOG_CURSOR.read(table.store, 't1', 'calllog');
    const back = await CALL_LOG_CURSOR.move(table.store, 't1', read, {
      until: 0,
      position: { windowMs: 7_200_000 },
    });
    expect(back.until).toBe(read.until);
    expect(table.stored()?.position).toEqual({ windowMs: 7_200_000, until: '2026-11-26T00:00:00.000Z' });
    await expect(CALL_LOG_CURSOR.move(table.store, 't1', read, { until: Date.now() })).rejects.toBeInstanceOf(
      CursorConflictError,
    );
  });
});
