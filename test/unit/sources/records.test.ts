import { describe, expect, it } from 'vitest';
import { recordingsOf } from '../../../src/archive/sources/call-log.ts';
import { hasMailbox } from '../../../src/archive/sources/extensions.ts';
import { toCallLogRecord, toMessageRecord } from '../../../src/archive/sources/records.ts';

describe('toMessageRecord', () => {
  it('turns message and attachment ids into strings and takes the conversation id from its string form', () => {
    const record = toMessageRecord({
      id: 402406985008,
      type: 'SMS',
      // JSON.parse has already mangled 8031152018338945839 into the nearest double.
      conversationId: 8031152018338946000,
      conversation: { id: '8031152018338945839' },
      attachments: [{ id: 402406985009, uri: 'https://m/x', type: 'Text', contentType: 'text/plain' }],
    });
    expect(record.id).toBe('402406985008');
    expect(record.attachments[0]!.id).toBe('402406985009');
    expect(record.conversationId).toBe('8031152018338945839');
    expect(record.availability).toBe('Alive');
  });

  it('keeps a purged message from a sync (only id and availability)', () => {
    expect(toMessageRecord({ id: 5, availability: 'Purged' })).toEqual({
      id: '5',
      availability: 'Purged',
      attachments: [],
    });
  });
});

describe('toCallLogRecord and recordingsOf', () => {
  const recording = {
    id: '1662272004',
    type: 'OnDemand' as const,
    contentUri: 'https://media/r/1662272004/content',
  };
  const raw = {
    id: 'VgLcd1KWffJVzUA',
    startTime: '2023-04-10T23:58:47.594Z',
    type: 'Voice' as const,
    direction: 'Inbound' as const,
    extension: { id: 664573005, uri: 'https://p/e/664573005' },
    recording,
    legs: [
      {
        startTime: '2023-04-10T23:58:47.594Z',
        type: 'Voice' as const,
        direction: 'Inbound' as const,
        recording,
        extension: { id: 1 },
      },
      {
        startTime: '2023-04-10T23:58:47.594Z',
        type: 'Voice' as const,
        direction: 'Inbound' as const,
        recording: { id: '99', contentUri: 'https://media/r/99/content' },
      },
    ],
  };

  it('turns extension ids into strings, on the record and its legs', () => {
    const record = toCallLogRecord(raw);
    expect(record.extension).toEqual({ id: '664573005', uri: 'https://p/e/664573005' });
    expect(record.legs![0]!.extension).toEqual({ id: '1' });
  });

  it('finds each recording once, on the record or on a leg', () => {
    expect(recordingsOf(toCallLogRecord(raw)).map((r) => r.id)).toEqual(['1662272004', '99']);
  });
});

describe('hasMailbox', () => {
  it('says yes for users, fax users, take-messages-only and call queues, and for types it does not know', () => {
    for (const type of [
      'User',
      'DigitalUser',
      'VirtualUser',
      'FaxUser',
      'Voicemail',
      'Department',
      'SomethingNew',
    ]) {
      expect(hasMailbox(type)).toBe(true);
    }
  });

  it('says no for IVR menus, park locations, paging groups and the like', () => {
    for (const type of ['IvrMenu', 'ParkLocation', 'PagingOnly', 'Announcement', 'SharedLinesGroup', 'Bot']) {
      expect(hasMailbox(type)).toBe(false);
    }
  });
});
