import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { transferOrder } from '../../../src/archive/transfer-order.ts';
import { archiveItem, recordingItem } from '../../support/builders/items.ts';

const T = Date.parse('2026-11-26T00:00:00.000Z');
const MIN = 60_000;
const ids = (items: ReturnType<typeof transferOrder>) => items.map((i) => `${i.kind}:${i.sourceId}`);

describe('the order items are sent in', () => {
  it('sends the oldest first: the recording RingCentral deletes next goes before newer ones', () => {
    const listedNewestFirst = [
      recordingItem('c3', T + 30 * MIN),
      recordingItem('c2', T + 20 * MIN),
      recordingItem('c1', T + 10 * MIN),
    ];
    expect(ids(transferOrder(listedNewestFirst))).toEqual(['recording:c1', 'recording:c2', 'recording:c3']);
  });

  it("puts a record's JSON before the files of the same instant, and keeps listing order on ties", () => {
    const items = [
      recordingItem('c1', T, { attachmentId: 'a' }),
      archiveItem({ sourceId: 'c1', at: T }),
      recordingItem('c1', T, { attachmentId: 'b' }),
      archiveItem({ sourceId: 'c0', at: T - MIN }),
    ];
    expect(transferOrder(items).map((i) => `${i.sourceId}/${i.attachmentId}`)).toEqual([
      'c0/',
      'c1/',
      'c1/a',
      'c1/b',
    ]);
  });

  it('leaves the list it was given as it was', () => {
    const items = [recordingItem('c2', T + MIN), recordingItem('c1', T)];
    transferOrder(items);
    expect(ids(items)).toEqual(['recording:c2', 'recording:c1']);
  });

  it('is a permutation in which no item comes after a younger one', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ at: fc.integer({ min: 0, max: 1_000 }), file: fc.boolean() }), {
          maxLength: 40,
        }),
        (specs) => {
          const items = specs.map((s, i) =>
            s.file ? recordingItem(`c${i}`, s.at) : archiveItem({ sourceId: `c${i}`, at: s.at }),
          );
          const ordered = transferOrder(items);
          expect([...ordered].sort((a, b) => a.sourceId.localeCompare(b.sourceId))).toEqual(
            [...items].sort((a, b) => a.sourceId.localeCompare(b.sourceId)),
          );
          for (let i = 1; i < ordered.length; i++)
            expect(ordered[i]!.at).toBeGreaterThanOrEqual(ordered[i - 1]!.at);
        },
      ),
    );
  });
});
