import type { ArchiveItem } from '../../../src/archive/items.ts';

/** A planned item: a call record's JSON at `at`, unless the overrides make it something else. */
export function archiveItem(overrides: Partial<ArchiveItem> = {}): ArchiveItem {
  const sourceId = overrides.sourceId ?? 'call-1';
  const at = overrides.at ?? Date.parse('2026-11-26T09:30:00.000Z');
  const path = overrides.path ?? `/Archive/2026/11/26/Calls/${sourceId}.json`;
  return {
    kind: 'call',
    sourceId,
    attachmentId: '',
    path,
    day: '2026-11-26',
    at,
    sourceModifiedAt: null,
    size: null,
    mode: 'add',
    open: () => Promise.resolve({ body: Buffer.from('{}'), size: 2 }),
    descriptor: { source: 'json', json: {}, path, day: '2026-11-26', at },
    ...overrides,
  };
}

/** A recording of call `sourceId` at `at`: bytes downloaded from RingCentral. */
export function recordingItem(
  sourceId: string,
  at: number,
  overrides: Partial<ArchiveItem> = {},
): ArchiveItem {
  const path = `/Archive/Recordings/${sourceId}.mp3`;
  return archiveItem({
    kind: 'recording',
    sourceId,
    attachmentId: `rec-${sourceId}`,
    path,
    at,
    descriptor: { source: 'download', uri: `https://media.example/${sourceId}`, path, day: '2026-11-26', at },
    ...overrides,
  });
}
