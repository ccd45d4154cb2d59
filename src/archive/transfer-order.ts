import type { ArchiveItem } from './items.ts';

/**
 * The order a stream's new items are sent in: closest to RingCentral's deletion first. Both of its
 * deletion rules (90 days, and the 100,000-recording cap, which drops the oldest) take the oldest
 * item next, so that is oldest first by `at`. At the same instant a record's JSON goes before the
 * files next to it (it costs no RingCentral call, and the record names them); otherwise the order
 * the stream listed them in is kept. Pure: the transfer decides how many go at once.
 */
export function transferOrder(items: readonly ArchiveItem[]): ArchiveItem[] {
  return items
    .map((item, index) => ({ item, index }))
    .sort((a, b) => a.item.at - b.item.at || fileRank(a.item) - fileRank(b.item) || a.index - b.index)
    .map(({ item }) => item);
}

const fileRank = (item: ArchiveItem): number => (item.descriptor.source === 'json' ? 0 : 1);
