import type { Cursor, JsonObject } from '../../../src/store/types.ts';

/**
 * A stream's stored cursor row: `until` (ISO) plus the stream's own position fields, as the store
 * holds it (streams/call-log/stream.ts and streams/messages/mailbox-stream.ts read it back).
 */
export function cursorRow(
  options: { stream?: string; until?: string | null; position?: JsonObject; version?: number } = {},
): Cursor {
  const until = options.until === undefined ? '2026-11-26T00:00:00.000Z' : options.until;
  return {
    tenantId: 't1',
    stream: options.stream ?? 'calllog',
    position: { ...options.position, ...(until === null ? {} : { until }) },
    version: options.version ?? 1,
    updatedAt: new Date('2026-11-26T00:00:00.000Z'),
  };
}
