import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectFacts,
  judge,
  type DeletedItem,
  type Invariant,
  type ProcessLog,
} from '../../chaos/seeded/invariants.ts';
import { allLedger } from '../../support/archive-check.ts';
import { runArchive } from '../../support/archive-run.ts';
import { onboardTenant } from '../../support/onboard.ts';
import { spawnNode } from '../../support/processes.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * The seeded chaos run's invariants (test/chaos/seeded/invariants.ts), each broken on purpose in a
 * real archive — a file deleted from the simulated Dropbox, a ledger row's file altered, a lease
 * left held, a run left "running", an audit entry rewritten, a crashing process — and seen to fire.
 * A clean archive breaks none. Tests run in order: each checks its invariant held just before.
 */

const EMAIL = 'invariants@example.com';

describe('chaos invariants fire when broken', () => {
  let stack: TestStack;
  let tenantId: string;
  let db: pg.Client;
  const deleted: DeletedItem[] = [];
  const logs: ProcessLog[] = [];

  const fired = async (): Promise<Set<Invariant>> =>
    new Set(judge(await collectFacts(stack, tenantId, EMAIL, { deleted, logs })).map((v) => v.invariant));
  /** Checks `invariant` holds, breaks it, and sees it fire. */
  const breaks = async (invariant: Invariant, damage: () => Promise<void> | void) => {
    expect(await fired()).not.toContain(invariant);
    await damage();
    expect(await fired()).toContain(invariant);
  };
  const ledgerOf = async (kind: string) => (await allLedger(stack, tenantId)).filter((e) => e.kind === kind);

  beforeAll(async () => {
    stack = await startStack({
      rc: {
        rateLimitWindowSeconds: 1,
        limits: { Heavy: 100, Medium: 400, Light: 500 },
        accounts: [
          {
            seed: 1515,
            extensions: 3,
            days: 1,
            callsPerExtensionPerDay: 4,
            recordedShare: 0.6,
            messagesPerExtensionPerDay: 2,
            mmsShare: 0.5,
            recordingSizeRange: [2_000, 8_000],
            voicemailSizeRange: [1_000, 3_000],
            lateRecordingShare: 0,
          },
        ],
      },
    });
    ({ tenantId } = await onboardTenant(stack, { email: EMAIL }));
    for (let i = 0; i < 5; i += 1) {
      const outcome = await runArchive(stack, tenantId);
      if (outcome.outcome === 'finished' && !outcome.moreWork) break;
    }
    db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await stack?.close();
  });

  it('a complete archive breaks none', async () => {
    const facts = await collectFacts(stack, tenantId, EMAIL, { deleted, logs });
    expect(facts.check.expected).toBeGreaterThan(20);
    expect(facts.manifests.length).toBeGreaterThan(0);
    expect(judge(facts)).toEqual([]);
  });

  it('no-lease-held: a lease left held', async () => {
    let token = 0;
    await breaks('no-lease-held', async () => {
      token = (await stack.services.store.acquireRunLease(tenantId, 'gone-worker', 60_000))!.token;
    });
    await stack.services.store.releaseRunLease(tenantId, token);
  });

  it('no-run-running: a run whose worker died reads "running" until the next run takes the lease', async () => {
    let id = '';
    await breaks('no-run-running', async () => {
      id = (await stack.services.store.startRun({ tenantId, trigger: 'schedule' })).id;
    });
    expect(await runArchive(stack, tenantId)).toMatchObject({ outcome: 'finished', status: 'succeeded' });
    expect(await stack.services.store.getRun(tenantId, id)).toMatchObject({ status: 'interrupted' });
    expect(await fired()).not.toContain('no-run-running');
  });

  it('audit-chain: an audit entry rewritten', async () => {
    await breaks('audit-chain', async () => {
      const { rowCount } = await db.query(
        `UPDATE audit_log SET details = '{"rewritten": true}' WHERE tenant_id = $1 AND seq = 1`,
        [tenantId],
      );
      expect(rowCount).toBe(1);
    });
  });

  it('no-unhandled-error: a process that dies of an unhandled rejection', async () => {
    const child = spawnNode('-e', ['Promise.reject(new Error("nobody handles this"))'], {});
    const code = await child.exited();
    await breaks('no-unhandled-error', () => {
      logs.push({ name: 'crashing process', output: child.output(), unexpectedExit: code });
    });
    logs.length = 0;
  });

  it('deleted-skipped: an item deleted at RingCentral left waiting instead of skipped', async () => {
    const [message] = (await ledgerOf('mms')).length ? await ledgerOf('mms') : await ledgerOf('sms');
    await breaks('deleted-skipped', async () => {
      deleted.push({ kind: 'message', id: 'deleted-before-copy' });
      await stack.services.store.saveOutstanding({
        tenantId,
        kind: message!.kind,
        sourceId: 'deleted-before-copy',
        attachmentId: '',
        status: 'pending',
        attempts: 1,
        lastError: 'RingCentral answered 503',
        nextAttemptAt: new Date(),
        descriptor: {},
      });
    });
    // Skipped with the reason, it holds again (the item is gone at RingCentral: nothing to copy).
    await stack.services.store.saveOutstanding({
      tenantId,
      kind: message!.kind,
      sourceId: 'deleted-before-copy',
      attachmentId: '',
      status: 'skipped',
      attempts: 1,
      lastError: 'Deleted at RingCentral before it could be archived.',
      nextAttemptAt: null,
      descriptor: {},
    });
    expect(await fired()).not.toContain('deleted-skipped');
  });

  it('nothing-outstanding: an item RingCentral still has, skipped', async () => {
    const [recording] = await ledgerOf('recording');
    await breaks('nothing-outstanding', async () => {
      await stack.services.store.saveOutstanding({
        tenantId,
        kind: 'recording',
        sourceId: recording!.sourceId,
        attachmentId: recording!.attachmentId,
        status: 'skipped',
        attempts: 1,
        lastError: 'Dropbox refused it',
        nextAttemptAt: null,
        descriptor: {},
      });
    });
    await stack.services.store.deleteOutstanding(tenantId, recording!);
  });

  it('nothing-twice: a "(1)" copy next to a file', async () => {
    const [recording] = await ledgerOf('recording');
    const copy = recording!.path.replace(/(\.[^./]+)$/, ' (1)$1');
    await breaks('nothing-twice', async () => {
      await stack.dbx.putFile(EMAIL, copy, 'the same recording again');
    });
    await stack.dbx.deleteFile(EMAIL, copy);
  });

  it('manifest: a day whose manifest.csv is gone, from the ledger and from Dropbox', async () => {
    const [manifest] = (await ledgerOf('report')).filter((e) => e.sourceId.startsWith('manifest.csv:'));
    await breaks('manifest', async () => {
      await stack.services.store.deleteLedgerEntry(tenantId, manifest!);
      await stack.dbx.deleteFile(EMAIL, manifest!.path);
    });
  });

  it("ledger-equals-dropbox: a ledger row's file altered in Dropbox", async () => {
    const [calls] = (await ledgerOf('report')).filter((e) => e.sourceId.startsWith('calls.csv:'));
    await breaks('ledger-equals-dropbox', async () => {
      await stack.dbx.alterFile(EMAIL, calls!.path, Buffer.from('not the calls\n'));
    });
  });

  it('archive-complete: a recording deleted from Dropbox', async () => {
    const [recording] = await ledgerOf('recording');
    await breaks('archive-complete', async () => {
      expect((await stack.dbx.deleteFile(EMAIL, recording!.path)).deleted).toBe(1);
    });
  });
});
