import { describe, expect, it } from 'vitest';
import { compareWithLedger, reconciliationFolder } from '../../../src/archive/verify/compare.ts';
import type { RemoteFile } from '../../../src/destinations/types.ts';
import type { LedgerEntry } from '../../../src/store/types.ts';
import { ledgerEntry } from '../../support/builders/ledger.ts';

const entry = (path: string, hash: string, sourceId = path): LedgerEntry =>
  ledgerEntry({ path, sourceId, size: 10, remoteHash: { algorithm: 'dropbox-content-hash', value: hash } });

const remote = (files: Array<[string, string]>): Map<string, RemoteFile> =>
  new Map(
    files.map(([path, hash]) => [
      path.toLowerCase(),
      { path, size: 10, remoteHash: { algorithm: 'dropbox-content-hash', value: hash } },
    ]),
  );

/** The ledger as the store pages it: an async iterable. */
const from = <T>(items: T[]): AsyncIterable<T> => ({
  [Symbol.asyncIterator]: () => {
    const it = items[Symbol.iterator]();
    return { next: () => Promise.resolve(it.next()) };
  },
});

const compare = (ledger: LedgerEntry[], files: Map<string, RemoteFile>, maxTracked = 100) =>
  compareWithLedger(from(ledger), files, { company: 'Acme: Inc', maxTracked });

describe("comparing the destination's listing with the ledger", () => {
  it('sorts every ledger row into ok, missing or altered, whatever the letter case of the listed path', async () => {
    const result = await compare(
      [entry('/Acme_ Inc/a.json', 'h1'), entry('/Acme_ Inc/b.json', 'h2'), entry('/Acme_ Inc/c.json', 'h3')],
      remote([
        ['/acme_ inc/A.JSON', 'h1'],
        ['/Acme_ Inc/c.json', 'changed'],
      ]),
    );
    expect(result).toMatchObject({ expected: 3, ok: 1, missing: 1, altered: 1, unexpectedCount: 0 });
    expect(result.problems.map((p) => [p.type, p.entry.path, p.found?.remoteHash.value ?? null])).toEqual([
      ['missing', '/Acme_ Inc/b.json', null],
      ['altered', '/Acme_ Inc/c.json', 'changed'],
    ]);
    expect(result.problems.every((p) => p.outcome === 'not-attempted')).toBe(true);
  });

  it("counts files no ledger row knows as unexpected only inside the archive's folders, never its reports", async () => {
    expect(reconciliationFolder('Acme: Inc')).toBe('/Acme_ Inc/Reconciliation');
    const result = await compare(
      [entry('/Acme_ Inc/2026/a.json', 'h1'), entry('/Old Name/2025/b.json', 'h2')],
      remote([
        ['/Acme_ Inc/2026/a.json', 'h1'],
        ['/Old Name/2025/b.json', 'h2'],
        ['/Acme_ Inc/2026/zz extra.txt', 'x'],
        ['/Old Name/stray.pdf', 'y'],
        ['/Acme_ Inc/Reconciliation/2026-11-26T10-00-00Z.csv', 'r'],
        ['/Someone else/theirs.txt', 'z'],
      ]),
    );
    expect(result.unexpectedCount).toBe(2);
    expect(result.unexpected.map((f) => f.path)).toEqual([
      '/Acme_ Inc/2026/zz extra.txt',
      '/Old Name/stray.pdf',
    ]);
  });

  it('keeps at most maxTracked problems but counts them all', async () => {
    const ledger = Array.from({ length: 5 }, (_, i) => entry(`/Acme_ Inc/${i}.json`, `h${i}`));
    const result = await compare(
      ledger,
      remote([
        ['/Acme_ Inc/0.json', 'h0'],
        ['/Acme_ Inc/x1.txt', 'a'],
        ['/Acme_ Inc/x2.txt', 'b'],
        ['/Acme_ Inc/x3.txt', 'c'],
      ]),
      2,
    );
    expect(result).toMatchObject({ expected: 5, ok: 1, missing: 4, unexpectedCount: 3 });
    expect(result.problems).toHaveLength(2);
    expect(result.unexpected).toHaveLength(2);
  });
});
