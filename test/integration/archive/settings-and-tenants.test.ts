import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAILBOX_ACCESS } from '../../../src/archive/mailbox-access.ts';
import type { JsonObject } from '../../../src/store/types.ts';
import { parseSettings } from '../../../src/tenants/settings.ts';
import { allLedger, checkArchive, expectComplete } from '../../support/archive-check.ts';
import { runArchive } from '../../support/archive-run.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/** Settings decide what is archived and where; tenants archived side by side never mix. */
describe('settings and tenants', () => {
  let stack: TestStack;
  let tenantA: string;
  let tenantB: string;

  beforeAll(async () => {
    stack = await startStack({
      clockFromRc: true,
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' },
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 100, Medium: 400, Light: 500, Auth: 100 },
        accounts: [
          {
            seed: 41,
            extensions: 6,
            days: 3,
            recordingSizeRange: [1_000, 8_000],
            voicemailSizeRange: [1_000, 4_000],
            companyName: 'Alpha Co',
          },
          {
            seed: 42,
            extensions: 6,
            days: 3,
            recordingSizeRange: [1_000, 8_000],
            voicemailSizeRange: [1_000, 4_000],
            companyName: 'Beta Co',
          },
        ],
      },
    });
    tenantA = (await onboardTenant(stack, { accountIndex: 0, email: 'alpha@example.com' })).tenantId;
    tenantB = (await onboardTenant(stack, { accountIndex: 1, email: 'beta@example.com' })).tenantId;
  }, 120_000);
  afterAll(async () => stack?.close());

  const setSettings = async (tenantId: string, change: (s: JsonObject) => JsonObject) => {
    const tenant = await stack.services.store.getTenant(tenantId);
    const current = parseSettings(tenant!.settings) as unknown as JsonObject;
    await stack.services.store.updateTenant(tenantId, { settings: change(structuredClone(current)) });
  };

  it('archives two tenants at once in one process without mixing a single file', async () => {
    // B archives with voicemail switched off and one extension excluded.
    const inventoryB = await stack.rc.inventory(tenantB, { sha256: false });
    const excluded = inventoryB.extensions.find((e) => e.extensionNumber === '103')!;
    await setSettings(tenantB, (s) => ({
      ...s,
      dataTypes: { ...(s.dataTypes as JsonObject), voicemail: false },
      extensions: { mode: 'exclude', ids: [excluded.id] },
    }));

    const [a, b] = await Promise.all([runArchive(stack, tenantA), runArchive(stack, tenantB)]);
    expect(a).toMatchObject({ outcome: 'finished', status: 'succeeded' });
    expect(b).toMatchObject({ outcome: 'finished', status: 'succeeded' });

    const checkA = expectComplete(await checkArchive(stack, tenantA, 'alpha@example.com'));
    const files = await stack.dbx.files();
    const pathsOf = (email: string) =>
      files.accounts.find((x) => x.email === email)!.files.map((f) => f.path_display);
    expect(pathsOf('alpha@example.com').every((p) => p.startsWith('/Alpha Co/'))).toBe(true);
    expect(pathsOf('beta@example.com').every((p) => p.startsWith('/Beta Co/'))).toBe(true);
    // No id of B's RingCentral account appears in A's Dropbox, and the other way round.
    const idsA = new Set((await allLedger(stack, tenantA)).map((e) => e.sourceId));
    const idsB = new Set((await allLedger(stack, tenantB)).map((e) => e.sourceId));
    expect([...idsA].filter((id) => idsB.has(id) && !id.includes(':'))).toEqual([]);
    console.log(
      `two tenants: ${checkA.expected} items of A checked complete; ${pathsOf('beta@example.com').length} files of B, none in A`,
    );

    // B: nothing of the switched-off type, nothing of the excluded extension's mailbox.
    const ledgerB = await allLedger(stack, tenantB);
    expect(ledgerB.filter((e) => e.kind === 'voicemail')).toEqual([]);
    const excludedMessages = new Set(
      inventoryB.messages.filter((m) => m.extensionId === excluded.id).map((m) => m.id),
    );
    expect(excludedMessages.size).toBeGreaterThan(0);
    expect(ledgerB.filter((e) => excludedMessages.has(e.sourceId))).toEqual([]);
    expect(pathsOf('beta@example.com').filter((p) => p.includes('/Voicemail/'))).toEqual([]);
    expect(pathsOf('beta@example.com').filter((p) => p.includes(`Ext ${excluded.extensionNumber} `))).toEqual(
      [],
    );
    // Everything else of B is there.
    expectComplete(
      await checkArchive(stack, tenantB, 'beta@example.com', {
        include: ({ kind, extensionId }) =>
          kind !== 'voicemail' && extensionId !== excluded.id && kind !== 'call' && kind !== 'recording',
      }),
    );
  }, 180_000);

  it('files new items under a changed template and leaves archived ones where they are', async () => {
    const before = new Map(
      (await allLedger(stack, tenantA)).map((e) => [`${e.kind}|${e.sourceId}|${e.attachmentId}`, e.path]),
    );
    await setSettings(tenantA, (s) => ({
      ...s,
      folderTemplate: 'Archive/{company}/{type}/{yyyy}-{mm}',
      fileTemplate: '{date}_{direction}_{id}',
    }));
    stack.rc.addActivity({
      accountId: tenantA,
      extensionNumber: '101',
      calls: 2,
      recordedCalls: 1,
      recordingSize: 3_000,
      sms: 1,
    });
    expect(await runArchive(stack, tenantA)).toMatchObject({ outcome: 'finished', status: 'succeeded' });

    const after = await allLedger(stack, tenantA);
    const moved = after.filter(
      (e) =>
        before.has(`${e.kind}|${e.sourceId}|${e.attachmentId}`) &&
        before.get(`${e.kind}|${e.sourceId}|${e.attachmentId}`) !== e.path &&
        e.kind !== 'report',
    );
    expect(moved).toEqual([]);
    const added = after.filter(
      (e) => !before.has(`${e.kind}|${e.sourceId}|${e.attachmentId}`) && e.kind !== 'report',
    );
    expect(added.length).toBeGreaterThanOrEqual(4);
    for (const e of added)
      expect(e.path).toMatch(
        /^\/Archive\/Alpha Co\/(Calls|Recordings|SMS)\/\d{4}-\d{2}\/\d{4}-\d{2}-\d{2}_(inbound|outbound)_/,
      );
    expectComplete(await checkArchive(stack, tenantA, 'alpha@example.com'));
  }, 120_000);

  it('reads every mailbox through the admin export when RingCentral refuses direct reads', async () => {
    stack.rc.setFaults({ adminCanReadOtherMailboxes: false });
    try {
      // Forget what was decided before, so this run finds out again.
      const { store } = stack.services;
      const decided = await MAILBOX_ACCESS.read(store, tenantA);
      await MAILBOX_ACCESS.write(store, tenantA, decided, MAILBOX_ACCESS.fromRecord(null).value);
      stack.rc.addActivity({
        accountId: tenantA,
        extensionNumber: '102',
        voicemails: 1,
        sms: 2,
        mms: 1,
        faxes: 1,
      });
      const outcome = await runArchive(stack, tenantA);
      const run = (await stack.services.store.listRuns(tenantA, { limit: 1 })).items[0]!;
      expect(outcome, JSON.stringify(run.errors).slice(0, 2000)).toMatchObject({
        outcome: 'finished',
        status: 'succeeded',
      });
      expect((await MAILBOX_ACCESS.read(store, tenantA)).value.mode).toBe('export');
      const check = expectComplete(await checkArchive(stack, tenantA, 'alpha@example.com'));
      console.log(`export mode: ${check.expected} items checked complete`);
    } finally {
      stack.rc.setFaults({ adminCanReadOtherMailboxes: true });
    }
  }, 120_000);
});
