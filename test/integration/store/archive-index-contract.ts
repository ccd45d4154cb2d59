import { describe, expect, it } from 'vitest';
import type { LedgerEntry, SearchEntry, Store } from '../../../src/store/types.ts';

/**
 * What the archive browser needs of every Store adapter: folder totals that follow the ledger,
 * files by folder, the search index, and the access log read newest first. Runs inside the store
 * contract (store-contract.ts) on the same database, so tenant ids here are unique to it.
 */
export function describeArchiveIndexContract(stores: () => { store: Store; other: Store }): void {
  describe('archive browser', () => {
    const tenant = (store: Store, id: string) =>
      store.createTenant({
        id,
        companyName: `Company ${id}`,
        installedBy: { extensionId: '101', name: 'Ada Admin' },
        settings: {},
      });

    const file = (tenantId: string, sourceId: string, path: string, size: number): LedgerEntry => ({
      tenantId,
      kind: 'recording',
      sourceId,
      attachmentId: '',
      path,
      size,
      sha256: 'a'.repeat(64),
      remoteHash: { algorithm: 'dropbox-content-hash', value: 'b'.repeat(64) },
      sourceModifiedAt: null,
      archivedAt: new Date('2026-03-01T00:00:00Z'),
      day: '2026-03-01',
    });

    it('keeps every folder’s totals as files are archived, moved, resized and removed', async () => {
      const { store, other } = stores();
      await tenant(store, 'ix-folders');
      const t = 'ix-folders';
      await store.recordArchived(file(t, 'r1', '/Acme/2026/03/a.mp3', 100));
      await store.recordArchived(file(t, 'r2', '/Acme/2026/03/b.mp3', 50));
      await store.recordArchived(file(t, 'r3', '/Acme/2026/04/c.mp3', 7));
      await store.recordArchived(file(t, 'r4', '/Acme/readme.txt', 1));
      // Two writers of one new key at once count it once.
      await Promise.all([
        store.recordArchived(file(t, 'r5', '/Acme/2026/04/d.mp3', 3)),
        other.recordArchived(file(t, 'r5', '/Acme/2026/04/d.mp3', 3)),
      ]);

      expect(await store.listFolders(t, '')).toEqual([{ path: '/Acme', name: 'Acme', files: 5, bytes: 161 }]);
      expect(await store.listFolders(t, '/Acme/2026')).toEqual([
        { path: '/Acme/2026/03', name: '03', files: 2, bytes: 150 },
        { path: '/Acme/2026/04', name: '04', files: 2, bytes: 10 },
      ]);
      expect(await store.getFolder(t, '')).toEqual({ path: '', name: '', files: 5, bytes: 161 });
      expect(await store.getFolder(t, '/Acme/2026')).toMatchObject({ files: 4, bytes: 160 });
      expect(await store.getFolder(t, '/Nowhere')).toBeNull();

      // The same key rewritten at another path and size: it leaves 03 and joins 04.
      await store.recordArchived(file(t, 'r1', '/Acme/2026/04/a.mp3', 30));
      expect(await store.listFolders(t, '/Acme/2026')).toEqual([
        { path: '/Acme/2026/03', name: '03', files: 1, bytes: 50 },
        { path: '/Acme/2026/04', name: '04', files: 3, bytes: 40 },
      ]);
      await store.deleteLedgerEntry(t, { kind: 'recording', sourceId: 'r2', attachmentId: '' });
      await store.deleteLedgerEntry(t, { kind: 'recording', sourceId: 'r2', attachmentId: '' });
      expect(await store.listFolders(t, '/Acme/2026')).toEqual([
        { path: '/Acme/2026/04', name: '04', files: 3, bytes: 40 },
      ]);
      expect(await store.getFolder(t, '')).toMatchObject({ files: 4, bytes: 41 });
    });

    it('lists the files directly in a folder, by path, in pages', async () => {
      const { store } = stores();
      const t = 'ix-files';
      await tenant(store, t);
      for (let i = 0; i < 5; i += 1)
        await store.recordArchived(file(t, `f${i}`, `/Acme/day/f${i}.mp3`, i + 1));
      await store.recordArchived(file(t, 'deep', '/Acme/day/deeper/x.mp3', 9));
      const first = await store.listFolderFiles(t, '/Acme/day', { limit: 3 });
      expect(first.items.map((e) => e.path)).toEqual([
        '/Acme/day/f0.mp3',
        '/Acme/day/f1.mp3',
        '/Acme/day/f2.mp3',
      ]);
      const second = await store.listFolderFiles(t, '/Acme/day', { limit: 3, after: first.next });
      expect(second.items.map((e) => e.path)).toEqual(['/Acme/day/f3.mp3', '/Acme/day/f4.mp3']);
      expect(second.next).toBeNull();
      expect((await store.listFolderFiles(t, '/Acme')).items).toEqual([]);
      expect((await store.listFolderFiles('ix-folders', '/Acme/day')).items).toEqual([]);
    });

    const entry = (tenantId: string, sourceId: string, over: Partial<SearchEntry> = {}): SearchEntry => ({
      tenantId,
      kind: 'call',
      sourceId,
      at: new Date('2026-03-01T10:00:00Z'),
      direction: 'Inbound',
      from: '+16505550000 (Pat Caller)',
      to: 'ext. 101 (Jane Doe)',
      numbers: ['+16505550000', '101'],
      names: ['Pat Caller', 'Jane Doe'],
      extension: { id: '11', number: '101', name: 'Jane Doe' },
      hasRecording: false,
      durationSeconds: 61,
      result: 'Accepted',
      summary: '',
      path: `/Acme/${sourceId}.json`,
      files: [{ kind: 'call', sourceId, attachmentId: '' }],
      ...over,
    });

    it('finds calls and messages by any part of a number, in any format, and by name', async () => {
      const { store } = stores();
      const t = 'ix-search';
      await tenant(store, t);
      await store.saveSearchEntries([
        entry(t, 'c1'),
        entry(t, 'c2', {
          at: new Date('2026-03-02T10:00:00Z'),
          direction: 'Outbound',
          numbers: ['+14155550123', '102'],
          names: ['Bo Builder'],
          extension: { id: '12', number: '102', name: 'Bo Builder' },
          hasRecording: true,
          files: [
            { kind: 'call', sourceId: 'c2', attachmentId: '' },
            { kind: 'recording', sourceId: 'rec2', attachmentId: '' },
          ],
        }),
        entry(t, 'm1', {
          kind: 'fax',
          at: new Date('2026-03-03T10:00:00Z'),
          numbers: ['+16505550000'],
          names: ['Fax Sender'],
          extension: null,
        }),
      ]);
      const ids = async (text: string, more: Parameters<Store['searchItems']>[1] = {}) =>
        (await store.searchItems(t, { text, ...more })).items.map((e) => e.sourceId);

      expect(await ids('+1 (650) 555-0000')).toEqual(['m1', 'c1']);
      expect(await ids('6505550000')).toEqual(['m1', 'c1']);
      expect(await ids('555-0000')).toEqual(['m1', 'c1']);
      expect(await ids('0123')).toEqual(['c2']);
      expect(await ids('5550')).toEqual(['m1', 'c2', 'c1']);
      expect(await ids('102')).toEqual(['c2']);
      expect(await ids('jan')).toEqual(['c1']);
      expect(await ids('JANE doe')).toEqual(['c1']);
      expect(await ids('builder 0123')).toEqual(['c2']);
      expect(await ids('anne')).toEqual([]);
      expect(await ids('999-9999')).toEqual([]);
      // "55" and "00" are in the numbers but not next to each other across two numbers.
      expect(await ids('0000102')).toEqual([]);

      expect(await ids('', { kinds: ['fax'] })).toEqual(['m1']);
      expect(await ids('', { direction: 'Outbound' })).toEqual(['c2']);
      expect(await ids('', { hasRecording: true })).toEqual(['c2']);
      expect(await ids('', { hasRecording: false })).toEqual(['m1', 'c1']);
      expect(
        await ids('', { from: new Date('2026-03-02T00:00:00Z'), to: new Date('2026-03-03T00:00:00Z') }),
      ).toEqual(['c2']);

      const found = await store.searchItems(t, { text: '650' });
      expect(found.counts).toEqual({ call: 1, fax: 1 });
      expect(found.countsCapped).toBe(false);
      const [c2] = await store.getSearchEntries(t, [{ kind: 'call', sourceId: 'c2' }]);
      expect(c2).toMatchObject({
        direction: 'Outbound',
        hasRecording: true,
        durationSeconds: 61,
        extension: { id: '12', number: '102', name: 'Bo Builder' },
        files: [
          { kind: 'call', sourceId: 'c2', attachmentId: '' },
          { kind: 'recording', sourceId: 'rec2', attachmentId: '' },
        ],
      });
      expect(c2?.at.toISOString()).toBe('2026-03-02T10:00:00.000Z');
    });

    it('pages newest first and never shows another company’s items', async () => {
      const { store } = stores();
      await tenant(store, 'ix-page');
      await tenant(store, 'ix-page-b');
      const at = (i: number) => new Date(Date.UTC(2026, 0, 1) + i * 60_000);
      await store.saveSearchEntries(
        Array.from({ length: 7 }, (_, i) => entry('ix-page', `p${i}`, { at: at(i % 5) })),
      );
      await store.saveSearchEntries([entry('ix-page-b', 'secret')]);
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const page = await store.searchItems('ix-page', { text: '650555', limit: 3, after });
        seen.push(...page.items.map((e) => e.sourceId));
        after = page.next;
      } while (after);
      expect(seen).toEqual(['p4', 'p3', 'p2', 'p6', 'p1', 'p5', 'p0']);
      expect((await store.searchItems('ix-page-b', { text: '650555' })).items.map((e) => e.sourceId)).toEqual(
        ['secret'],
      );
      expect(await store.getSearchEntries('ix-page', [{ kind: 'call', sourceId: 'secret' }])).toEqual([]);
    });

    it('saves a record’s search entry with its ledger row', async () => {
      const { store } = stores();
      const t = 'ix-with-ledger';
      await tenant(store, t);
      const e = entry(t, 'lr1');
      await store.recordArchived(
        { ...file(t, 'lr1', '/Acme/lr1.json', 10), kind: 'call' },
        { ...e, summary: 'first' },
      );
      await store.recordArchived(
        { ...file(t, 'lr1', '/Acme/lr1.json', 12), kind: 'call' },
        { ...e, summary: 'second' },
      );
      const found = await store.searchItems(t, { text: 'pat' });
      expect(found.items.map((i) => i.summary)).toEqual(['second']);
    });

    it('deleting a tenant removes its search entries and folder totals', async () => {
      const { store } = stores();
      const t = 'ix-gone';
      await tenant(store, t);
      await store.recordArchived({ ...file(t, 'g1', '/Gone/g1.json', 5), kind: 'call' }, entry(t, 'g1'));
      await store.deleteTenant(t);
      expect((await store.searchItems(t, {})).items).toEqual([]);
      expect(await store.listFolders(t, '')).toEqual([]);
    });

    it('reads the access log newest first, only the actions asked for', async () => {
      const { store } = stores();
      for (const action of ['item.play', 'run.requested', 'item.view', 'item.download'])
        await store.appendAudit('ix-audit', { actor: 'ringcentral:101', action, details: {} });
      const newest = await store.listAudit('ix-audit', {
        newestFirst: true,
        actions: ['item.play', 'item.view', 'item.download'],
      });
      expect(newest.map((e) => e.action)).toEqual(['item.download', 'item.view', 'item.play']);
      const older = await store.listAudit('ix-audit', {
        newestFirst: true,
        beforeSeq: newest[1]!.seq,
        limit: 5,
        actions: ['item.play', 'item.view', 'item.download'],
      });
      expect(older.map((e) => e.action)).toEqual(['item.play']);
      expect((await store.listAudit('ix-audit')).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
    });
  });
}
