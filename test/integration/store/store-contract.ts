import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/lib/audit-chain.ts';
import { describeArchiveIndexContract } from './archive-index-contract.ts';
import { describeFenceContract, type HoldCursor } from './fence-contract.ts';
import { describePushContract } from './push-contract.ts';
import type { LedgerEntry, Store, Tenant, TenantStatus } from '../../../src/store/types.ts';

/**
 * The behaviour every Store adapter must have. Each adapter's test file calls this with a factory
 * that opens a store on a fresh, empty database (schema not yet created).
 */
export interface StoreUnderTest {
  /** A store on the fresh database; migrate() not yet called. */
  open(): Promise<Store>;
  cleanup(): Promise<void>;
  /** Where a second connection can hold a row: the fence contract's write held up in flight. */
  holdCursor?: HoldCursor;
}

/** A ledger row as stored before the remote hash named its algorithm: Dropbox's content_hash alone. */
export type LegacyLedgerRow = Omit<LedgerEntry, 'remoteHash'> & { contentHash: string };

/**
 * A fresh database holding `rows` (and their tenant) exactly as the adapter stored them before the
 * remote hash named its algorithm; a store on it, migrate() not yet called.
 */
export type LegacyLedger = (
  tenantId: string,
  rows: LegacyLedgerRow[],
) => Promise<{ store: Store; cleanup: () => Promise<void> }>;

/** The ledger's hash migration, held to the same result in every adapter. */
export function describeLedgerHashMigration(name: string, withLegacyLedger: LegacyLedger): void {
  describe(`Store migration: ${name}`, () => {
    it("reads ledger rows from before the remote hash named its algorithm as Dropbox's content_hash", async () => {
      const legacy: LegacyLedgerRow = {
        tenantId: 't-legacy',
        kind: 'recording',
        sourceId: 'rec-1',
        attachmentId: '',
        path: '/Co/2026/rec-1.mp3',
        size: 1234,
        sha256: 'a'.repeat(64),
        contentHash: 'b'.repeat(64),
        sourceModifiedAt: null,
        archivedAt: new Date('2026-01-02T00:00:00Z'),
        day: '2026-01-01',
      };
      const { store, cleanup } = await withLegacyLedger('t-legacy', [legacy]);
      try {
        await store.migrate();
        await store.migrate(); // a second start changes nothing
        const { contentHash, ...rest } = legacy;
        const [entry] = (await store.listLedger('t-legacy')).items;
        expect(entry).toEqual({
          ...rest,
          remoteHash: { algorithm: 'dropbox-content-hash', value: contentHash },
        });
        // New rows carry their own algorithm next to the migrated ones.
        await store.recordArchived({
          ...rest,
          sourceId: 'rec-2',
          remoteHash: { algorithm: 'sha256', value: 'c'.repeat(64) },
        });
        expect((await store.listLedger('t-legacy')).items.map((e) => e.remoteHash.algorithm)).toEqual([
          'dropbox-content-hash',
          'sha256',
        ]);
      } finally {
        await store.close();
        await cleanup();
      }
    });
  });
}

export function describeStoreContract(name: string, makeDatabase: () => Promise<StoreUnderTest>): void {
  describe(`Store contract: ${name}`, () => {
    let database: StoreUnderTest;
    let store: Store;
    let other: Store;

    beforeAll(async () => {
      database = await makeDatabase();
      store = await database.open();
      other = await database.open();
      // Two processes starting at once: both migrate concurrently and must end with one schema.
      await Promise.all([store.migrate(), other.migrate()]);
    });

    afterAll(async () => {
      await store?.close();
      await other?.close();
      await database?.cleanup();
    });

    const tenant = (id: string) =>
      store.createTenant({
        id,
        companyName: `Company ${id}`,
        installedBy: { extensionId: '101', name: 'Ada Admin', email: 'ada@example.com' },
        settings: { lookbackHours: 48 },
      });

    it('migrating twice, concurrently and again later, leaves one working schema', async () => {
      await Promise.all([store.migrate(), other.migrate()]);
      await store.migrate();
      await tenant('migrated');
      expect((await other.getTenant('migrated'))?.companyName).toBe('Company migrated');
    });

    it('creates, reads, lists, updates and deletes tenants', async () => {
      const created = await tenant('t-crud');
      expect(created).toMatchObject({
        id: 't-crud',
        status: 'active',
        statusReason: null,
        settings: { lookbackHours: 48 },
      });
      expect(created.createdAt).toBeInstanceOf(Date);
      await expect(tenant('t-crud')).rejects.toThrow();

      const updated = await store.updateTenant('t-crud', {
        status: 'needs_reconnect',
        statusReason: 'RingCentral access was revoked',
        settings: { lookbackHours: 72 },
      });
      expect(updated).toMatchObject({
        status: 'needs_reconnect',
        statusReason: 'RingCentral access was revoked',
      });
      expect(updated?.settings).toEqual({ lookbackHours: 72 });
      const cleared = await store.updateTenant('t-crud', { status: 'active', statusReason: null });
      expect(cleared).toMatchObject({ status: 'active', statusReason: null, companyName: 'Company t-crud' });

      expect((await store.listTenants({ status: ['active'] })).map((t) => t.id)).toContain('t-crud');
      expect((await store.listTenants({ status: ['paused'] })).map((t) => t.id)).not.toContain('t-crud');
      expect(await store.updateTenant('missing', { status: 'paused' })).toBeNull();

      await store.deleteTenant('t-crud');
      expect(await store.getTenant('t-crud')).toBeNull();
    });

    it('pages through tenants in id order, of the given statuses only', async () => {
      const statuses = {
        't-tp-a': 'active',
        't-tp-b': 'paused',
        't-tp-c': 'active',
        't-tp-d': 'active',
      } as const;
      // Created out of order: the pages follow the id, not the insertion.
      for (const id of ['t-tp-d', 't-tp-b', 't-tp-a', 't-tp-c'] as const) {
        await tenant(id);
        await store.updateTenant(id, { status: statuses[id] });
      }
      const pages = async (status?: TenantStatus[]) => {
        const seen: Tenant[][] = [];
        let after: string | null = null;
        do {
          const page = await store.pageTenants({ ...(status ? { status } : {}), limit: 2, after });
          expect(page.items.length).toBeLessThanOrEqual(2);
          seen.push(page.items);
          after = page.next;
        } while (after && seen.length < 50);
        return seen;
      };
      const ids = (seen: Tenant[][]) => seen.flat().map((t) => t.id);
      const ours = (seen: Tenant[][]) => ids(seen).filter((id) => id.startsWith('t-tp-'));

      const active = await pages(['active']);
      expect(ours(active)).toEqual(['t-tp-a', 't-tp-c', 't-tp-d']);
      // Every page full but the last, no tenant twice, and the same ids as the whole list.
      for (const page of active.slice(0, -1)) expect(page).toHaveLength(2);
      expect(new Set(ids(active)).size).toBe(ids(active).length);
      expect(ids(active)).toEqual((await store.listTenants({ status: ['active'] })).map((t) => t.id));
      expect(ours(await pages(['paused', 'active']))).toEqual(['t-tp-a', 't-tp-b', 't-tp-c', 't-tp-d']);
      const all = await pages();
      expect(ours(all)).toEqual(['t-tp-a', 't-tp-b', 't-tp-c', 't-tp-d']);
      // A listed tenant is the same record getTenant reads (nothing of its run lease in it).
      const listed = all.flat().find((t) => t.id === 't-tp-b');
      expect(listed).toEqual(await store.getTenant('t-tp-b'));
      expect(listed).toMatchObject({ status: 'paused', companyName: 'Company t-tp-b' });
      for (const id of Object.keys(statuses)) await store.deleteTenant(id);
    });

    it('lets exactly one of two concurrent compare-and-swap writes on a connection win', async () => {
      await tenant('t-cas');
      const saved = await store.saveConnection({
        tenantId: 't-cas',
        provider: 'ringcentral',
        accountId: 'acc-1',
        accountLabel: 'Ada Admin',
        tokenCiphertext: 'sealed-1',
        keyId: 'k1',
        accessExpiresAt: new Date(Date.now() + 3600_000),
        refreshExpiresAt: null,
      });
      const results = await Promise.all([
        store.updateConnection('t-cas', 'ringcentral', saved.version, { tokenCiphertext: 'from-a' }),
        other.updateConnection('t-cas', 'ringcentral', saved.version, { tokenCiphertext: 'from-b' }),
      ]);
      const winners = results.filter((r) => r !== null);
      expect(winners).toHaveLength(1);
      const stored = await store.getConnection('t-cas', 'ringcentral');
      expect(stored?.version).toBe(saved.version + 1);
      expect(stored?.tokenCiphertext).toBe(winners[0]!.tokenCiphertext);

      // A stale version never writes; a re-authorization replaces and keeps counting up.
      expect(await store.updateConnection('t-cas', 'ringcentral', saved.version, { keyId: 'k2' })).toBeNull();
      const replaced = await store.saveConnection({ ...saved, tokenCiphertext: 'sealed-2' });
      expect(replaced.version).toBeGreaterThan(stored!.version);
      expect(replaced.lastRefreshError).toBeNull();

      const withLease = await store.updateConnection('t-cas', 'ringcentral', replaced.version, {
        refreshLeaseUntil: new Date(Date.now() + 30_000),
        lastRefreshError: 'temporary',
      });
      expect(withLease?.refreshLeaseUntil).toBeInstanceOf(Date);
      expect(withLease?.lastRefreshError).toBe('temporary');
      expect(withLease?.tokenCiphertext).toBe('sealed-2');
      expect((await store.listConnections({ provider: 'ringcentral' })).map((c) => c.tenantId)).toContain(
        't-cas',
      );

      await store.deleteConnection('t-cas', 'ringcentral');
      expect(await store.getConnection('t-cas', 'ringcentral')).toBeNull();
    });

    it("lists one tenant's connections, and pages through those not refreshed lately", async () => {
      const ids = ['t-page-a', 't-page-b', 't-page-c'];
      const longAgo = new Date(Date.now() - 2 * 86_400_000);
      for (const id of ids) {
        await tenant(id);
        for (const provider of ['dropbox', 'ringcentral']) {
          const saved = await store.saveConnection({
            tenantId: id,
            provider,
            accountId: `${id}-${provider}`,
            accountLabel: id,
            tokenCiphertext: 'sealed',
            keyId: 'k1',
            accessExpiresAt: null,
            refreshExpiresAt: null,
          });
          // t-page-b's Dropbox was refreshed just now; everything else two days ago.
          if (id !== 't-page-b' || provider !== 'dropbox')
            await store.updateConnection(id, provider, saved.version, { lastRefreshedAt: longAgo });
        }
      }
      expect((await store.listConnections({ tenantId: 't-page-b' })).map((c) => c.provider)).toEqual([
        'dropbox',
        'ringcentral',
      ]);

      const seen: string[] = [];
      let after: string | null = null;
      let pages = 0;
      do {
        const page = await store.pageConnections({
          refreshedBefore: new Date(Date.now() - 86_400_000),
          limit: 2,
          after,
        });
        expect(page.items.length).toBeLessThanOrEqual(2);
        seen.push(...page.items.map((c) => `${c.tenantId}/${c.provider}`));
        after = page.next;
        pages += 1;
      } while (after && pages < 20);
      const ours = seen.filter((s) => s.startsWith('t-page-'));
      expect(ours).toEqual([
        't-page-a/dropbox',
        't-page-a/ringcentral',
        't-page-b/ringcentral',
        't-page-c/dropbox',
        't-page-c/ringcentral',
      ]);
      expect(new Set(seen).size).toBe(seen.length);
      for (const id of ids) await store.deleteTenant(id);
    });

    it('versions cursors: create once, then move only from the version read', async () => {
      await tenant('t-cursor');
      const first = await store.saveCursor('t-cursor', 'calllog', { until: '2026-01-01T00:00:00Z' }, null);
      expect(first?.version).toBe(1);
      expect(await other.saveCursor('t-cursor', 'calllog', { until: 'other' }, null)).toBeNull();

      const [a, b] = await Promise.all([
        store.saveCursor('t-cursor', 'calllog', { until: 'a' }, 1),
        other.saveCursor('t-cursor', 'calllog', { until: 'b' }, 1),
      ]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const current = await store.getCursor('t-cursor', 'calllog');
      expect(current?.version).toBe(2);
      expect(await store.saveCursor('t-cursor', 'calllog', { until: 'stale' }, 1)).toBeNull();
      expect((await store.listCursors('t-cursor')).map((c) => c.stream)).toEqual(['calllog']);
    });

    it('versions state records apart from cursors and lists them by key prefix', async () => {
      await tenant('t-state');
      const first = await store.saveState('t-state', 'mailbox-access', { mode: 'direct' }, null);
      expect(first).toMatchObject({ tenantId: 't-state', key: 'mailbox-access', version: 1 });
      expect(first?.updatedAt).toBeInstanceOf(Date);
      expect(await other.saveState('t-state', 'mailbox-access', { mode: 'export' }, null)).toBeNull();

      const [a, b] = await Promise.all([
        store.saveState('t-state', 'mailbox-access', { mode: 'a' }, 1),
        other.saveState('t-state', 'mailbox-access', { mode: 'b' }, 1),
      ]);
      expect([a, b].filter(Boolean)).toHaveLength(1);
      const current = await other.getState('t-state', 'mailbox-access');
      expect(current?.version).toBe(2);
      expect(current?.value).toEqual((a ?? b)!.value);
      expect(await store.saveState('t-state', 'mailbox-access', { mode: 'stale' }, 1)).toBeNull();

      await store.saveState(
        't-state',
        'mailbox-problems',
        { mailboxes: { '1': { status: 'refused' } } },
        null,
      );
      await store.saveState('t-state', 'report-days', { days: ['2026-01-02'] }, null);
      // A prefix is taken literally: "_" and "%" are no wildcards.
      await store.saveState('t-state', 'mailbox_x', { n: 1 }, null);
      expect((await store.listState('t-state', { prefix: 'mailbox-' })).map((r) => r.key)).toEqual([
        'mailbox-access',
        'mailbox-problems',
      ]);
      expect((await store.listState('t-state')).map((r) => r.key)).toEqual([
        'mailbox-access',
        'mailbox-problems',
        'mailbox_x',
        'report-days',
      ]);
      expect(await store.getState('t-state', 'nothing')).toBeNull();
      expect(await store.listState('t-other')).toEqual([]);
      // State is no cursor: the cursor list does not show it.
      expect(await store.listCursors('t-state')).toEqual([]);
    });

    it('keeps one ledger row per key, updated in place, and clears the outstanding row', async () => {
      await tenant('t-ledger');
      const entry: LedgerEntry = {
        tenantId: 't-ledger',
        kind: 'recording',
        sourceId: 'rec-1',
        attachmentId: '',
        path: '/Co/2026/rec-1.mp3',
        size: 1234,
        sha256: 'a'.repeat(64),
        remoteHash: { algorithm: 'dropbox-content-hash', value: 'b'.repeat(64) },
        sourceModifiedAt: new Date('2026-01-01T00:00:00Z'),
        archivedAt: new Date('2026-01-02T00:00:00Z'),
        day: '2026-01-01',
      };
      await store.saveOutstanding({
        tenantId: 't-ledger',
        kind: 'recording',
        sourceId: 'rec-1',
        attachmentId: '',
        status: 'pending',
        attempts: 1,
        lastError: 'timeout',
        nextAttemptAt: new Date(),
        descriptor: { uri: 'x' },
      });
      await Promise.all([store.recordArchived(entry), other.recordArchived(entry)]);
      await store.recordArchived({ ...entry, sourceModifiedAt: new Date('2026-01-03T00:00:00Z') });

      const page = await store.listLedger('t-ledger');
      expect(page.items).toHaveLength(1);
      expect(page.items[0]?.sourceModifiedAt?.toISOString()).toBe('2026-01-03T00:00:00.000Z');
      expect(page.items[0]?.remoteHash).toEqual(entry.remoteHash);
      // Rewritten by another destination (a repair after the company switched): its own hash.
      const sha = { algorithm: 'sha256', value: 'e'.repeat(64) };
      await store.recordArchived({
        ...entry,
        remoteHash: sha,
        sourceModifiedAt: new Date('2026-01-03T00:00:00Z'),
      });
      expect((await store.getLedgerEntries('t-ledger', [entry]))[0]?.remoteHash).toEqual(sha);
      expect(await store.getOutstanding('t-ledger', entry)).toBeNull();
      expect(await store.ledgerTotals('t-ledger')).toEqual({ recording: { count: 1, bytes: 1234 } });

      const found = await store.getLedgerEntries('t-ledger', [
        { kind: 'recording', sourceId: 'rec-1', attachmentId: '' },
        { kind: 'recording', sourceId: 'absent', attachmentId: '' },
      ]);
      expect(found.map((e) => e.sourceId)).toEqual(['rec-1']);
      expect(await store.getLedgerEntries('other-tenant', [entry])).toEqual([]);

      for (let i = 0; i < 25; i += 1)
        await store.recordArchived({ ...entry, kind: 'sms', sourceId: `m-${String(i).padStart(2, '0')}` });
      const seen: string[] = [];
      let after: string | null = null;
      do {
        const p = await store.listLedger('t-ledger', { kind: 'sms', limit: 10, after });
        seen.push(...p.items.map((e) => e.sourceId));
        after = p.next;
      } while (after);
      expect(seen).toHaveLength(25);
      expect(new Set(seen).size).toBe(25);

      await store.deleteLedgerEntry('t-ledger', entry);
      expect(await store.getLedgerEntries('t-ledger', [entry])).toEqual([]);
    });

    it("lists a day's ledger entries and keeps report rows by key", async () => {
      await tenant('t-day');
      const base = {
        tenantId: 't-day',
        attachmentId: '',
        size: 1,
        sha256: 'c'.repeat(64),
        remoteHash: { algorithm: 'sha256', value: 'c'.repeat(64) },
        sourceModifiedAt: null,
        archivedAt: new Date(),
      };
      await store.recordArchived({
        ...base,
        kind: 'call',
        sourceId: 'b',
        path: '/d1/b.json',
        day: '2026-03-01',
      });
      await store.recordArchived({
        ...base,
        kind: 'call',
        sourceId: 'a',
        path: '/d1/a.json',
        day: '2026-03-01',
      });
      await store.recordArchived({
        ...base,
        kind: 'call',
        sourceId: 'c',
        path: '/d2/c.json',
        day: '2026-03-02',
      });
      await store.recordArchived({ ...base, kind: 'report', sourceId: 'x', path: '/x.csv', day: null });
      expect((await store.listLedgerByDay('t-day', '2026-03-01')).map((e) => e.path)).toEqual([
        '/d1/a.json',
        '/d1/b.json',
      ]);

      await store.saveReportRows('t-day', '2026-03-01', 'calls', [
        { key: 'c2', row: { to: 'x' } },
        { key: 'c1', row: { to: 'y' } },
      ]);
      await other.saveReportRows('t-day', '2026-03-01', 'calls', [{ key: 'c2', row: { to: 'z', n: 2 } }]);
      await store.saveReportRows('t-day', '2026-03-01', 'sms', [{ key: 's1', row: { text: 'hi' } }]);
      expect(await store.listReportRows('t-day', '2026-03-01', 'calls')).toEqual([
        { key: 'c1', row: { to: 'y' } },
        { key: 'c2', row: { to: 'z', n: 2 } },
      ]);
      expect(await store.listReportRows('t-day', '2026-03-02', 'calls')).toEqual([]);
      await store.deleteTenant('t-day');
      expect(await store.listReportRows('t-day', '2026-03-01', 'sms')).toEqual([]);
    });

    it('tracks outstanding items with their next attempt', async () => {
      await tenant('t-out');
      const base = {
        tenantId: 't-out',
        kind: 'fax',
        attachmentId: '1',
        attempts: 1,
        lastError: 'boom',
        descriptor: {},
      };
      const now = new Date();
      await store.saveOutstanding({
        ...base,
        sourceId: 'due',
        status: 'pending',
        nextAttemptAt: new Date(now.getTime() - 1000),
      });
      await store.saveOutstanding({
        ...base,
        sourceId: 'later',
        status: 'pending',
        nextAttemptAt: new Date(now.getTime() + 3600_000),
      });
      await store.saveOutstanding({ ...base, sourceId: 'gave-up', status: 'failed', nextAttemptAt: null });
      await store.saveOutstanding({
        ...base,
        sourceId: 'gone',
        status: 'skipped',
        nextAttemptAt: null,
        lastError: 'deleted at source',
      });

      expect((await store.listDueOutstanding('t-out', now, 10)).map((i) => i.sourceId)).toEqual(['due']);
      expect(await store.countOutstanding('t-out')).toEqual({ pending: 2, failed: 1, skipped: 1 });
      expect(
        (await store.listOutstanding('t-out', { status: 'failed' })).items.map((i) => i.sourceId),
      ).toEqual(['gave-up']);

      await store.saveOutstanding({
        ...base,
        sourceId: 'due',
        status: 'pending',
        attempts: 2,
        nextAttemptAt: null,
      });
      const updated = await store.getOutstanding('t-out', {
        kind: 'fax',
        sourceId: 'due',
        attachmentId: '1',
      });
      expect(updated?.attempts).toBe(2);
      await store.deleteOutstanding('t-out', { kind: 'fax', sourceId: 'due', attachmentId: '1' });
      expect(await store.countOutstanding('t-out')).toEqual({ pending: 1, failed: 1, skipped: 1 });
    });

    it('lists runs newest first with paging', async () => {
      await tenant('t-runs');
      const ids: string[] = [];
      for (let i = 0; i < 7; i += 1) {
        const run = await store.startRun({ tenantId: 't-runs', trigger: i % 2 ? 'manual' : 'schedule' });
        ids.push(run.id);
      }
      await store.updateRun(ids[6]!, {
        status: 'succeeded',
        finishedAt: new Date(),
        stats: { recording: { items: 3 } },
      });

      const first = await store.listRuns('t-runs', { limit: 3 });
      expect(first.items.map((r) => r.id)).toEqual([ids[6], ids[5], ids[4]]);
      expect(first.items[0]).toMatchObject({ status: 'succeeded', stats: { recording: { items: 3 } } });
      const second = await store.listRuns('t-runs', { limit: 3, before: first.next });
      expect(second.items.map((r) => r.id)).toEqual([ids[3], ids[2], ids[1]]);
      const third = await store.listRuns('t-runs', { limit: 3, before: second.next });
      expect(third.items.map((r) => r.id)).toEqual([ids[0]]);
      expect(third.next).toBeNull();

      expect(await store.getRun('t-runs', ids[0]!)).toMatchObject({ status: 'running', trigger: 'schedule' });
      expect(await store.getRun('another-tenant', ids[0]!)).toBeNull();
      // One tenant's: the runs of others stay as they are.
      await tenant('t-runs-other');
      const other = await store.startRun({ tenantId: 't-runs-other', trigger: 'schedule' });
      expect(await store.interruptStaleRuns(new Date(Date.now() + 1000), { tenantId: 't-runs-other' })).toBe(
        1,
      );
      expect((await store.getRun('t-runs-other', other.id))?.status).toBe('interrupted');
      expect((await store.getRun('t-runs', ids[0]!))?.status).toBe('running');
      expect(await store.interruptStaleRuns(new Date(Date.now() + 1000))).toBeGreaterThanOrEqual(6);
      expect((await store.getRun('t-runs', ids[0]!))?.status).toBe('interrupted');
    });

    it('hands the run lease to one holder at a time, with growing fencing tokens', async () => {
      await tenant('t-lease');
      const [a, b] = await Promise.all([
        store.acquireRunLease('t-lease', 'worker-a', 60_000),
        other.acquireRunLease('t-lease', 'worker-b', 60_000),
      ]);
      const holder = a ?? b;
      expect([a, b].filter(Boolean)).toHaveLength(1);
      expect(await store.renewRunLease('t-lease', holder!.token, 60_000)).toBe(true);
      await store.releaseRunLease('t-lease', holder!.token);
      const next = await store.acquireRunLease('t-lease', 'worker-b', 1);
      expect(next!.token).toBeGreaterThan(holder!.token);
      await new Promise((r) => setTimeout(r, 20));
      // An expired lease is free for the next worker, and the stale holder can no longer renew it.
      const taken = await other.acquireRunLease('t-lease', 'worker-a', 60_000);
      expect(taken!.token).toBeGreaterThan(next!.token);
      expect(await store.renewRunLease('t-lease', next!.token, 60_000)).toBe(false);
    });

    it('chains audit entries, even when appended concurrently', async () => {
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          (i % 2 ? store : other).appendAudit('t-audit', {
            actor: 'ada',
            action: `action-${i}`,
            details: { i },
          }),
        ),
      );
      const entries = await store.listAudit('t-audit');
      expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
      expect(verifyAuditChain(entries)).toEqual({ ok: true, entries: 12 });
      const tampered = entries.map((e, i) => (i === 4 ? { ...e, details: { i: 999 } } : e));
      expect(verifyAuditChain(tampered)).toMatchObject({ ok: false, brokenAtSeq: 5 });
    });

    it('remembers key fingerprints', async () => {
      await store.saveKeyFingerprint('k1', 'fp-1');
      await other.saveKeyFingerprint('k1', 'fp-other');
      expect(await store.getKeyFingerprints()).toMatchObject({ k1: 'fp-1' });
    });

    it('deleting a tenant removes what hangs off it but keeps the audit trail', async () => {
      await tenant('t-gone');
      await store.saveCursor('t-gone', 'calllog', { a: 1 }, null);
      await store.saveState('t-gone', 'report-days', { days: [] }, null);
      await store.startRun({ tenantId: 't-gone', trigger: 'manual' });
      await store.appendAudit('t-gone', { actor: 'ada', action: 'uninstall', details: {} });
      await store.deleteTenant('t-gone');
      expect(await store.listCursors('t-gone')).toEqual([]);
      expect(await store.listState('t-gone')).toEqual([]);
      expect((await store.listRuns('t-gone')).items).toEqual([]);
      expect(await store.listAudit('t-gone')).toHaveLength(1);
    });

    it('counts its queries', async () => {
      const before = store.queryCount();
      await store.getTenant('t-none');
      expect(store.queryCount()).toBeGreaterThan(before);
      await expect(store.ping()).resolves.toBeUndefined();
    });

    describeArchiveIndexContract(() => ({ store, other }));
    describePushContract(() => ({ store, other }));
    describeFenceContract(() => ({ store, other, holdCursor: database.holdCursor }));
  });
}
