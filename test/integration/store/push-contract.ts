import { describe, expect, it } from 'vitest';
import type { PushSubscription, Store } from '../../../src/store/types.ts';

/**
 * What push notifications need of every Store adapter: subscriptions kept by id, a notification
 * uuid seen once, and dirty-stream marks that merge concurrent notifications atomically and are
 * settled only by whoever read their current version. Runs inside the store contract
 * (store-contract.ts) on the same database, so tenant ids here are unique to it.
 */
export function describePushContract(stores: () => { store: Store; other: Store }): void {
  describe('push notifications', () => {
    const tenant = (store: Store, id: string) =>
      store.createTenant({
        id,
        companyName: `Company ${id}`,
        installedBy: { extensionId: '101', name: 'A' },
        settings: {},
      });
    const at = (iso: string) => new Date(iso);
    const subscription = (tenantId: string, id: string): PushSubscription => ({
      id,
      tenantId,
      verificationHash: 'c'.repeat(64),
      eventFilters: ['/restapi/v1.0/account/1/extension/2/message-store'],
      disabledFilters: [],
      status: 'Active',
      expiresAt: at('2026-03-08T00:00:00Z'),
      createdAt: at('2026-03-01T00:00:00Z'),
      checkedAt: at('2026-03-01T00:00:00Z'),
      lastEventAt: null,
    });

    it('keeps subscriptions by id, per tenant, with the last event time only moving forward', async () => {
      const { store, other } = stores();
      await tenant(store, 'push-subs');
      await store.savePushSubscription(subscription('push-subs', 'sub-b'));
      await store.savePushSubscription({
        ...subscription('push-subs', 'sub-a'),
        createdAt: at('2026-03-02T00:00:00Z'),
      });
      expect((await other.listPushSubscriptions('push-subs')).map((s) => s.id)).toEqual(['sub-b', 'sub-a']);
      expect(await store.getPushSubscription('sub-b')).toEqual(subscription('push-subs', 'sub-b'));

      expect(await store.recordPushEvent('push-subs', 'sub-b', 'u1', at('2026-03-01T10:00:00Z'))).toBe(true);
      expect(await other.recordPushEvent('push-subs', 'sub-b', 'u1', at('2026-03-01T10:00:05Z'))).toBe(false);
      expect((await store.getPushSubscription('sub-b'))?.lastEventAt).toEqual(at('2026-03-01T10:00:05Z'));
      // A renewal written with an older view of the row keeps the later event time.
      await store.savePushSubscription({
        ...subscription('push-subs', 'sub-b'),
        expiresAt: at('2026-03-15T00:00:00Z'),
        lastEventAt: at('2026-03-01T09:00:00Z'),
      });
      expect(await store.getPushSubscription('sub-b')).toMatchObject({
        expiresAt: at('2026-03-15T00:00:00Z'),
        lastEventAt: at('2026-03-01T10:00:05Z'),
      });

      await store.deletePushSubscription('sub-b');
      expect(await store.getPushSubscription('sub-b')).toBeNull();
      expect((await store.listPushSubscriptions('push-subs')).map((s) => s.id)).toEqual(['sub-a']);
    });

    it('sees each notification uuid once per tenant until pruned', async () => {
      const { store } = stores();
      await tenant(store, 'push-seen');
      await tenant(store, 'push-seen-2');
      const results = await Promise.all(
        Array.from({ length: 5 }, () =>
          store.recordPushEvent('push-seen', 'none', 'same', at('2026-03-01T00:00:00Z')),
        ),
      );
      expect(results.filter(Boolean)).toHaveLength(1);
      expect(await store.recordPushEvent('push-seen-2', 'none', 'same', at('2026-03-01T00:00:00Z'))).toBe(
        true,
      );
      await store.prunePushEvents('push-seen', at('2026-03-01T00:00:01Z'));
      expect(await store.recordPushEvent('push-seen', 'none', 'same', at('2026-03-01T00:00:02Z'))).toBe(true);
      expect(await store.recordPushEvent('push-seen-2', 'none', 'same', at('2026-03-01T00:00:02Z'))).toBe(
        false,
      );
    });

    it('merges concurrent notifications into one dirty mark, armed once', async () => {
      const { store, other } = stores();
      await tenant(store, 'push-dirty');
      const marks = await Promise.all(
        Array.from({ length: 6 }, (_, i) =>
          (i % 2 ? store : other).markStreamDirty('push-dirty', 'calllog', {
            at: at(`2026-03-01T00:00:0${i}Z`),
            dueAt: at(`2026-03-01T00:01:0${i}Z`),
            since: i === 4 ? at('2026-02-28T23:00:00Z') : i === 5 ? at('2026-02-28T23:30:00Z') : null,
            awaiting: i < 3 ? [`r${i}`] : [],
          }),
        ),
      );
      expect(marks.filter((m) => m.armed).length).toBeGreaterThanOrEqual(1);
      const [mark] = await store.listDirtyStreams('push-dirty');
      expect(mark).toMatchObject({
        stream: 'calllog',
        changedAt: at('2026-03-01T00:00:05Z'),
        dueAt: at('2026-03-01T00:01:00Z'),
        since: at('2026-02-28T23:00:00Z'),
        attempts: 0,
        version: 6,
      });
      expect([...mark!.awaiting].sort()).toEqual(['r0', 'r1', 'r2']);

      // Joining a pending mark does not arm it; asking for an earlier time does.
      expect(
        await store.markStreamDirty('push-dirty', 'calllog', {
          at: at('2026-03-01T00:00:09Z'),
          dueAt: at('2026-03-01T00:05:00Z'),
          since: null,
          awaiting: [],
        }),
      ).toEqual({ armed: false, dueAt: at('2026-03-01T00:01:00Z') });
      expect(
        await store.markStreamDirty('push-dirty', 'calllog', {
          at: at('2026-03-01T00:00:10Z'),
          dueAt: at('2026-03-01T00:00:30Z'),
          since: null,
          awaiting: [],
        }),
      ).toEqual({ armed: true, dueAt: at('2026-03-01T00:00:30Z') });
    });

    it('settles a dirty mark only from the version that was read', async () => {
      const { store, other } = stores();
      await tenant(store, 'push-settle');
      await store.markStreamDirty('push-settle', 'mailbox:7', {
        at: at('2026-03-01T00:00:00Z'),
        dueAt: at('2026-03-01T00:00:10Z'),
        since: null,
        awaiting: [],
      });
      await store.markStreamDirty('push-settle', 'calllog', {
        at: at('2026-03-01T00:00:00Z'),
        dueAt: at('2026-03-01T00:00:20Z'),
        since: null,
        awaiting: ['r9'],
      });
      const [mailbox, calllog] = await store.listDirtyStreams('push-settle');
      expect(mailbox?.stream).toBe('mailbox:7');

      // A notification arrives between the read and the settle: the settle loses.
      await other.markStreamDirty('push-settle', 'mailbox:7', {
        at: at('2026-03-01T00:00:05Z'),
        dueAt: at('2026-03-01T00:00:15Z'),
        since: null,
        awaiting: [],
      });
      expect(await store.settleDirtyStream('push-settle', 'mailbox:7', mailbox!.version, null)).toBe(false);
      const [again] = await store.listDirtyStreams('push-settle');
      expect(await store.settleDirtyStream('push-settle', 'mailbox:7', again!.version, null)).toBe(true);

      expect(
        await store.settleDirtyStream('push-settle', 'calllog', calllog!.version, {
          dueAt: at('2026-03-01T00:02:00Z'),
          attempts: 1,
          awaiting: ['r9'],
        }),
      ).toBe(true);
      expect(await other.listDirtyStreams('push-settle')).toEqual([
        expect.objectContaining({
          stream: 'calllog',
          dueAt: at('2026-03-01T00:02:00Z'),
          attempts: 1,
          awaiting: ['r9'],
        }),
      ]);
    });

    it('deleting a tenant removes its push records', async () => {
      const { store } = stores();
      await tenant(store, 'push-gone');
      await store.savePushSubscription(subscription('push-gone', 'sub-gone'));
      await store.markStreamDirty('push-gone', 'calllog', {
        at: at('2026-03-01T00:00:00Z'),
        dueAt: at('2026-03-01T00:00:00Z'),
        since: null,
        awaiting: [],
      });
      await store.recordPushEvent('push-gone', 'sub-gone', 'u', at('2026-03-01T00:00:00Z'));
      await store.deleteTenant('push-gone');
      expect(await store.getPushSubscription('sub-gone')).toBeNull();
      expect(await store.listDirtyStreams('push-gone')).toEqual([]);
      await tenant(store, 'push-gone');
      expect(await store.recordPushEvent('push-gone', 'sub-gone', 'u', at('2026-03-01T00:00:00Z'))).toBe(
        true,
      );
    });
  });
}
