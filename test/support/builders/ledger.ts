import type { LedgerEntry } from '../../../src/store/types.ts';

/**
 * A ledger row: one call record's JSON archived on 2026-11-26, with a plausible path, size and
 * hashes. Tests name only what they are about.
 */
export function ledgerEntry(overrides: Partial<LedgerEntry> = {}): LedgerEntry {
  const sourceId = overrides.sourceId ?? 'call-1';
  return {
    tenantId: 't1',
    kind: 'call',
    sourceId,
    attachmentId: '',
    path: `/Archive/2026/11/26/Calls/${sourceId}.json`,
    size: 120,
    sha256: 'a'.repeat(64),
    remoteHash: { algorithm: 'sha256', value: 'a'.repeat(64) },
    sourceModifiedAt: null,
    archivedAt: new Date('2026-11-26T12:00:00.000Z'),
    day: '2026-11-26',
    ...overrides,
  };
}
