import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { LeaseLostError } from '../../../src/store/errors.ts';
import { FENCED_WRITES, type FencedWrite, type LedgerEntry, type Store } from '../../../src/store/types.ts';

/**
 * Holds one cursor's row (document) from another connection, as a transaction in progress that
 * wrote it would, until the returned function is called: a write of that cursor waits meanwhile.
 */
export type HoldCursor = (tenantId: string, stream: string) => Promise<() => Promise<void>>;

/** Whether the store can fence a run's writes at all (a standalone MongoDB cannot). */
const canFence = (store: Store) =>
  store.checkRunFencing().then(
    () => true,
    () => false,
  );

/**
 * The run lease fences every write of a run (Store.fenced): with a stale token the store itself
 * refuses the write with LeaseLostError and nothing changes; with the current token it goes
 * through. Runs inside the store contract (store-contract.ts) on the same database, so tenant ids
 * here are unique to it. `holdCursor` is absent where a second connection cannot hold a row (PGlite
 * serves one connection).
 */
export function describeFenceContract(
  stores: () => { store: Store; other: Store; holdCursor?: HoldCursor },
): void {
  describe('run lease fence', () => {
    const tenant = (store: Store, id: string) =>
      store.createTenant({
        id,
        companyName: `Company ${id}`,
        installedBy: { extensionId: '1', name: 'A' },
        settings: {},
      });
    const entry = (tenantId: string, sourceId: string): LedgerEntry => ({
      tenantId,
      kind: 'call',
      sourceId,
      attachmentId: '',
      path: `/Co/2026/${sourceId}.json`,
      size: 10,
      sha256: 'a'.repeat(64),
      remoteHash: { algorithm: 'sha256', value: 'a'.repeat(64) },
      sourceModifiedAt: null,
      archivedAt: new Date('2026-01-02T00:00:00Z'),
      day: '2026-01-01',
    });
    const key = (sourceId: string) => ({ kind: 'call', sourceId, attachmentId: '' });

    /** One call of every fenced write, by a run of `tenantId` whose run row is `runId`. */
    const writes = (
      tenantId: string,
      runId: string,
      tag: string,
    ): Record<FencedWrite, (s: Store) => Promise<unknown>> => ({
      startRun: (s) => s.startRun({ tenantId, trigger: `fence-${tag}` }),
      recordArchived: (s) => s.recordArchived(entry(tenantId, `rec-${tag}`)),
      deleteLedgerEntry: (s) => s.deleteLedgerEntry(tenantId, key('kept')),
      saveSearchEntries: (s) =>
        s.saveSearchEntries([
          {
            tenantId,
            kind: 'call',
            sourceId: `rec-${tag}`,
            at: new Date('2026-01-01T10:00:00Z'),
            direction: 'Inbound',
            from: '+15550000',
            to: '101',
            numbers: ['15550000'],
            names: ['ada'],
            extension: null,
            hasRecording: false,
            durationSeconds: 3,
            result: 'Accepted',
            summary: '',
            path: `/Co/2026/rec-${tag}.json`,
            files: [key(`rec-${tag}`)],
          },
        ]),
      saveReportRows: (s) =>
        s.saveReportRows(tenantId, '2026-01-01', 'calls', [{ key: tag, row: { by: tag } }]),
      saveOutstanding: (s) =>
        s.saveOutstanding({
          tenantId,
          ...key(`out-${tag}`),
          status: 'pending',
          attempts: 1,
          lastError: null,
          nextAttemptAt: null,
          descriptor: {},
        }),
      deleteOutstanding: (s) => s.deleteOutstanding(tenantId, key('waiting')),
      saveCursor: (s) => s.saveCursor(tenantId, 'calllog', { by: tag }, null),
      saveState: (s) => s.saveState(tenantId, 'fence', { by: tag }, null),
      updateRun: (s) => s.updateRun(runId, { status: 'failed', stats: { by: tag } }),
    });

    /** What a write of each kind would have changed, read back through the plain store. */
    const snapshot = async (store: Store, tenantId: string, runId: string) => ({
      ledger: (await store.listLedger(tenantId)).items.map((e) => e.sourceId).sort(),
      search: (await store.getSearchEntries(tenantId, [{ kind: 'call', sourceId: 'rec-stale' }])).length,
      reports: await store.listReportRows(tenantId, '2026-01-01', 'calls'),
      outstanding: (await store.listOutstanding(tenantId)).items.map((o) => o.sourceId).sort(),
      cursor: (await store.getCursor(tenantId, 'calllog'))?.position ?? null,
      state: (await store.getState(tenantId, 'fence'))?.value ?? null,
      run: await store.getRun(tenantId, runId),
      runs: (await store.listRuns(tenantId)).items.length,
    });

    it("refuses each write of a run whose lease was taken over, and accepts the holder's", async (ctx) => {
      const { store, other } = stores();
      if (!(await canFence(store))) return ctx.skip('this database cannot fence a run');
      const id = 't-fence';
      await tenant(store, id);
      const stale = await store.acquireRunLease(id, 'worker-a', 1);
      const run = await store
        .fenced({ tenantId: id, token: stale!.token })
        .startRun({ tenantId: id, trigger: 'schedule' });
      await store.recordArchived(entry(id, 'kept'));
      await store.saveOutstanding({
        tenantId: id,
        ...key('waiting'),
        status: 'pending',
        attempts: 1,
        lastError: null,
        nextAttemptAt: null,
        descriptor: {},
      });
      await new Promise((r) => setTimeout(r, 20));
      // worker-a stalled past its lease; worker-b (another process) takes the company.
      const current = await other.acquireRunLease(id, 'worker-b', 60_000);
      expect(current!.token).toBeGreaterThan(stale!.token);

      const before = await snapshot(store, id, run.id);
      const staleStore = store.fenced({ tenantId: id, token: stale!.token });
      for (const [name, write] of Object.entries(writes(id, run.id, 'stale'))) {
        await expect(write(staleStore), name).rejects.toBeInstanceOf(LeaseLostError);
      }
      expect(await snapshot(store, id, run.id)).toEqual(before);
      expect(Object.keys(writes(id, run.id, 'x')).sort()).toEqual([...FENCED_WRITES].sort());

      // The holder's writes go through, each of them.
      const holderStore = other.fenced({ tenantId: id, token: current!.token });
      for (const write of Object.values(writes(id, run.id, 'holder'))) await write(holderStore);
      const after = await snapshot(store, id, run.id);
      expect(after.ledger).toEqual(['rec-holder']);
      expect(after.outstanding).toEqual(['out-holder']);
      expect(after.reports).toEqual([{ key: 'holder', row: { by: 'holder' } }]);
      expect(after.cursor).toEqual({ by: 'holder' });
      expect(after.state).toEqual({ by: 'holder' });
      expect(after.run).toMatchObject({ status: 'failed', stats: { by: 'holder' } });
      expect(after.runs).toBe(before.runs + 1);
      // Reads are not fenced: a stale run may still look.
      expect((await staleStore.listLedger(id)).items).toHaveLength(1);
    });

    it('refuses a write once the lease is released, and accepts it while merely expired', async (ctx) => {
      const { store } = stores();
      if (!(await canFence(store))) return ctx.skip('this database cannot fence a run');
      const id = 't-fence-released';
      await tenant(store, id);
      const lease = await store.acquireRunLease(id, 'worker-a', 1);
      const fenced = store.fenced({ tenantId: id, token: lease!.token });
      await new Promise((r) => setTimeout(r, 20));
      // Expired but nobody took it: the token is still the company's, the writes are the only ones.
      await fenced.saveCursor(id, 'calllog', { at: 1 }, null);
      await store.releaseRunLease(id, lease!.token);
      await expect(fenced.saveCursor(id, 'calllog', { at: 2 }, 1)).rejects.toBeInstanceOf(LeaseLostError);
      expect((await store.getCursor(id, 'calllog'))?.position).toEqual({ at: 1 });
      await expect(
        store.fenced({ tenantId: 'no-such-company', token: 1 }).saveState('no-such-company', 'k', {}, null),
      ).rejects.toBeInstanceOf(LeaseLostError);
    });

    it('a write held up in flight when another run takes the company lands before the takeover, or never', async (ctx) => {
      const { store, other, holdCursor } = stores();
      if (!holdCursor) return ctx.skip('a second connection cannot hold a row here');
      if (!(await canFence(store))) return ctx.skip('this database cannot fence a run');
      const id = 't-fence-in-flight';
      await tenant(store, id);
      const stale = await store.acquireRunLease(id, 'worker-a', 1);
      const staleStore = store.fenced({ tenantId: id, token: stale!.token });
      const saved = await staleStore.saveCursor(id, 'calllog', { by: 'a' }, null);

      // The run's next write of the cursor passes its lease check, then waits for the held row.
      const release = await holdCursor(id, 'calllog');
      let released = false;
      const write = staleStore.saveCursor(id, 'calllog', { by: 'stale' }, saved!.version).then(
        () => 'landed' as const,
        (error: unknown) => {
          if (error instanceof LeaseLostError) return 'refused' as const;
          throw error;
        },
      );
      await sleep(300);
      // worker-a's lease has run out; worker-b takes the company while that write is in flight.
      let tookOverFirst = false;
      const takeover = other.acquireRunLease(id, 'worker-b', 60_000).then((lease) => {
        tookOverFirst = !released;
        return lease;
      });
      await Promise.race([takeover, sleep(1_000)]);
      released = true;
      await release();
      const [outcome, lease] = await Promise.all([write, takeover]);
      expect(lease).not.toBeNull();
      const position = (await store.getCursor(id, 'calllog'))?.position;
      if (tookOverFirst) {
        // The takeover did not wait for the write, which could only land after the row was let
        // go, so after the takeover: it must have been refused.
        expect(outcome).toBe('refused');
        expect(position).toEqual({ by: 'a' });
      } else {
        // The takeover waited for the write in flight (PostgreSQL's row lock does that).
        expect(position).toEqual(outcome === 'landed' ? { by: 'stale' } : { by: 'a' });
      }
    });

    it('refuses every write of a run, saying why, where the database cannot fence', async (ctx) => {
      const { store } = stores();
      const refusal = await store.checkRunFencing().then(
        () => null,
        (error: unknown) => error as Error,
      );
      if (!refusal) return ctx.skip('this database fences a run');
      expect(refusal.message).toMatch(/replica set/);
      const id = 't-fence-none';
      await tenant(store, id);
      const lease = await store.acquireRunLease(id, 'worker-a', 60_000);
      const run = await store.startRun({ tenantId: id, trigger: 'schedule' });
      const before = await snapshot(store, id, run.id);
      const fenced = store.fenced({ tenantId: id, token: lease!.token });
      for (const [name, write] of Object.entries(writes(id, run.id, 'stale'))) {
        await expect(write(fenced), name).rejects.toThrow(refusal.message);
      }
      expect(await snapshot(store, id, run.id)).toEqual(before);
    });
  });
}
