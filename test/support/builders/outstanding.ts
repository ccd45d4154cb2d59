import type { JsonObject, OutstandingItem } from '../../../src/store/types.ts';

/** What a recording's outstanding row remembers to download it again (transfer.ts writes it). */
export function downloadDescriptor(overrides: JsonObject = {}): JsonObject {
  return {
    source: 'download',
    uri: 'https://media.example/restapi/v1.0/account/~/recording/rec-1/content',
    path: '/Archive/2026/11/26/Recordings/rec-1.mp3',
    day: '2026-11-26',
    at: Date.parse('2026-11-26T09:30:00.000Z'),
    ...overrides,
  };
}

/** What a record's outstanding row remembers: its JSON itself. */
export function jsonDescriptor(json: JsonObject, overrides: JsonObject = {}): JsonObject {
  return {
    source: 'json',
    json,
    path: '/Archive/2026/11/26/Calls/call-1.json',
    day: '2026-11-26',
    at: Date.parse('2026-11-26T09:30:00.000Z'),
    ...overrides,
  };
}

/**
 * An outstanding row: a recording whose first attempt failed and waits for its retry, due at
 * `nextAttemptAt`. As saved (`saveOutstanding`) and as read back (with its timestamps).
 */
export function outstandingItem(overrides: Partial<OutstandingItem> = {}): OutstandingItem {
  return {
    tenantId: 't1',
    kind: 'recording',
    sourceId: 'call-1',
    attachmentId: 'rec-1',
    status: 'pending',
    attempts: 1,
    lastError: 'RingCentral answered 503',
    nextAttemptAt: new Date('2026-11-26T10:05:00.000Z'),
    descriptor: downloadDescriptor(),
    firstSeenAt: new Date('2026-11-26T10:00:00.000Z'),
    updatedAt: new Date('2026-11-26T10:00:00.000Z'),
    ...overrides,
  };
}

export function outstandingToSave(
  overrides: Partial<OutstandingItem> = {},
): Omit<OutstandingItem, 'firstSeenAt' | 'updatedAt'> {
  const { firstSeenAt: _first, updatedAt: _updated, ...row } = outstandingItem(overrides);
  return row;
}
