import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { allLedger, checkArchive, expectComplete, type HeldFile } from '../../support/archive-check.ts';
import { runArchive } from '../../support/archive-run.ts';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { startSshd, type TestSshd } from '../../support/sshd.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const EMAIL = 'archive@acme.example';

/**
 * The first runs of a realistic account (20 extensions, 30 days), then the hourly steady state:
 * complete, exactly once, idempotent, and catching late recordings.
 */
/** A realistic account: 20 extensions, 30 days. */
const ACCOUNT = {
  clockFromRc: true,
  rc: {
    rateLimitWindowSeconds: 1,
    limits: { Heavy: 100, Medium: 400, Light: 500 },
    accounts: [
      {
        seed: 2026,
        extensions: 20,
        days: 30,
        callsPerExtensionPerDay: 5,
        recordedShare: 0.3,
        messagesPerExtensionPerDay: 1,
        recordingSizeRange: [1_000, 12_000] as [number, number],
        voicemailSizeRange: [1_000, 6_000] as [number, number],
      },
    ],
  },
};

/** Runs until the backfill is done (a run may stop at its time box and leave more for the next). */
async function archiveEverything(stack: TestStack, tenantId: string) {
  let outcome = await runArchive(stack, tenantId);
  for (let i = 0; i < 5 && outcome.outcome === 'finished' && outcome.moreWork; i += 1)
    outcome = await runArchive(stack, tenantId);
  return outcome;
}

describe('archiving a whole account', () => {
  let stack: TestStack;
  let tenantId: string;

  beforeAll(async () => {
    stack = await startStack(ACCOUNT);
    tenantId = stack.rc.accounts()[0]!.accountId;
    const browser = new BrowserFlow(stack);
    expect((await browser.signInWithRingCentral()).status).toBe(303);
    expect((await browser.connectDropbox(EMAIL)).status).toBe(303);
  }, 120_000);
  afterAll(async () => stack?.close());

  it('puts every record, recording, voicemail, fax and message in Dropbox exactly once', async () => {
    const inventory = await stack.rc.inventory(tenantId, { sha256: false });
    expect(inventory.extensions.length).toBeGreaterThanOrEqual(20);
    expect(inventory.callLog.length).toBeGreaterThanOrEqual(2000);
    expect(inventory.callLog.filter((c) => c.recording).length).toBeGreaterThanOrEqual(300);
    const types = new Set(inventory.messages.map((m) => m.type));
    for (const t of ['VoiceMail', 'Fax', 'SMS']) expect(types).toContain(t);
    expect(inventory.messages.some((m) => m.attachments.some((a) => a.type === 'MmsAttachment'))).toBe(true);

    const outcome = await archiveEverything(stack, tenantId);
    expect(outcome).toMatchObject({ outcome: 'finished', status: 'succeeded', moreWork: false });

    const check = expectComplete(await checkArchive(stack, tenantId, EMAIL));
    console.log(
      `first run: ${check.expected} items checked (${check.binaries} binaries), ${check.files} files in Dropbox`,
    );
    expect(check.expected).toBeGreaterThan(3000);
  }, 300_000);

  it("writes each day's calls.csv with exactly one row per call-log record", async () => {
    const inventory = await stack.rc.inventory(tenantId, { sha256: false });
    const client = stack.services.connections.provider('dropbox').access(tenantId);
    const files = (await stack.dbx.files()).accounts.find((a) => a.email === EMAIL)!.files;
    const csvPaths = files.map((f) => f.path_display).filter((p) => p.endsWith('/calls.csv'));
    expect(csvPaths.length).toBeGreaterThanOrEqual(30);
    const ids: string[] = [];
    const recordingPaths = new Set(
      (await allLedger(stack, tenantId)).filter((e) => e.kind === 'recording').map((e) => e.path),
    );
    for (const path of csvPaths) {
      const { result } = await client.call((dbx) => dbx.filesDownload({ path }));
      const text = (result as unknown as { fileBinary: Buffer }).fileBinary.toString('utf8');
      const rows = parse<Record<string, string>>(text, { columns: true });
      for (const row of rows) {
        ids.push(row['Call ID']!);
        if (row.Recording) expect(recordingPaths).toContain(row.Recording);
      }
    }
    expect(ids.length).toBe(new Set(ids).size);
    expect(new Set(ids)).toEqual(new Set(inventory.callLog.map((c) => c.id)));
  }, 120_000);

  it('uploads nothing on a second run with no new activity, with a small, stated number of API calls', async () => {
    const stats = async () => (await stack.dbx.stats(EMAIL)).accounts.find((a) => a.email === EMAIL)!;
    const uploads = (s: Awaited<ReturnType<typeof stats>>) =>
      Object.entries(s.calls)
        .filter(([route]) => /upload|finish/.test(route))
        .reduce((n, [, c]) => n + c, 0);
    const before = await stats();
    expect(uploads(before)).toBeGreaterThan(0); // the first run did upload, through these routes
    const outcome = await runArchive(stack, tenantId);
    expect(outcome).toMatchObject({ outcome: 'finished', status: 'succeeded' });
    const run = (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
    const after = await stats();
    expect(run.stats.kinds).toEqual({});
    const calls = run.stats.apiCalls as Record<string, number>;
    const total = Object.values(calls).reduce((a, b) => a + b, 0);
    console.log(
      `idle run: RingCentral calls ${JSON.stringify(calls)}; Dropbox upload calls ${uploads(after) - uploads(before)}`,
    );
    // Extension list (Medium), the call log window (Heavy), one list per mailbox (Light).
    expect(total).toBeLessThanOrEqual(30);
    expect(after.filesCommitted).toBe(before.filesCommitted);
    expect(uploads(after) - uploads(before)).toBe(0);
  }, 120_000);

  it('archives new activity and a recording attached late on the next run, without duplicates', async () => {
    const activity = stack.rc.addActivity({
      accountId: tenantId,
      extensionNumber: '102',
      calls: 3,
      recordedCalls: 2,
      lateRecordingDelaySeconds: 20 * 60,
      recordingSize: 5_000,
      voicemails: 1,
      sms: 1,
      mms: 1,
      faxes: 1,
    });
    await runArchive(stack, tenantId);
    const late = activity.calls.filter((c) => c.recordingId);
    expect(late.length).toBe(2);
    const ledgerKeys = async () =>
      new Set((await allLedger(stack, tenantId)).map((e) => `${e.kind}|${e.sourceId}`));
    // The calls are archived now; their recordings do not exist yet.
    for (const call of activity.calls) expect(await ledgerKeys()).toContain(`call|${call.id}`);
    for (const call of late) expect(await ledgerKeys()).not.toContain(`recording|${call.recordingId}`);

    stack.rc.advanceClock(25 * 60_000); // the recordings attach (lastModifiedTime moves)
    await runArchive(stack, tenantId);
    for (const call of late) expect(await ledgerKeys()).toContain(`recording|${call.recordingId}`);
    const check = expectComplete(await checkArchive(stack, tenantId, EMAIL));
    console.log(
      `after new activity and late recordings: ${check.expected} items checked, none missing or duplicated`,
    );
  }, 120_000);
});

/** Every file under the SFTP server's archive folder, read from its disk: path, SHA-256. */
function sftpFiles(root: string): () => Promise<HeldFile[]> {
  const walk = async (dir: string, prefix: string): Promise<HeldFile[]> => {
    const out: HeldFile[] = [];
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = `${prefix}/${entry.name}`;
      if (entry.isDirectory()) out.push(...(await walk(join(dir, entry.name), path)));
      else {
        const sha256 = createHash('sha256')
          .update(await readFile(join(dir, entry.name)))
          .digest('hex');
        out.push({ path, sha256, remoteHash: sha256 });
      }
    }
    return out;
  };
  return () => walk(root, '');
}

/** The runs of a company (status, problem, first item errors) and its outstanding items, for a failure's message. */
async function runsAndOutstanding(stack: TestStack, tenantId: string): Promise<string> {
  const runs = (await stack.services.store.listRuns(tenantId, { limit: 20 })).items;
  const outstanding = (await stack.services.store.listOutstanding(tenantId, { limit: 20 })).items;
  return JSON.stringify({
    runs: runs.map((r) => ({
      status: r.status,
      problem: r.stats.problem,
      outstanding: r.stats.outstanding,
      errors: r.errors.slice(0, 5),
    })),
    outstanding: outstanding.map((o) => `${o.kind}|${o.sourceId}|${o.status}|${o.lastError}`),
  });
}

/** The same account archived to an SFTP server instead (a real sshd): the pipeline is the same. */
describe('archiving a whole account to an SFTP server', () => {
  let stack: TestStack;
  let sshd: TestSshd;
  let tenantId: string;
  let root: string;
  let browser: BrowserFlow;

  beforeAll(async () => {
    [stack, sshd] = await Promise.all([startStack(ACCOUNT), startSshd()]);
    tenantId = stack.rc.accounts()[0]!.accountId;
    root = join(sshd.root, 'archive');
    browser = new BrowserFlow(stack);
    expect((await browser.signInWithRingCentral()).status).toBe(303);
    const { confirm, done } = await browser.connectSftp({
      host: sshd.host,
      port: String(sshd.port),
      username: sshd.username,
      privateKey: sshd.privateKey,
      folder: root,
    });
    expect(confirm.status).toBe(400);
    expect(confirm.text).toContain(sshd.fingerprint);
    expect(done.status).toBe(303);
    expect((await stack.services.store.getTenant(tenantId))?.status).toBe('active');
  }, 120_000);
  afterAll(async () => {
    await stack?.close();
    await sshd?.close();
  });

  it('puts every record, recording, voicemail, fax and message on the server exactly once', async () => {
    const outcome = await archiveEverything(stack, tenantId);
    // On failure, say why: each run's status, problem and item errors, and what is still outstanding.
    const why = await runsAndOutstanding(stack, tenantId);
    expect(outcome, why).toMatchObject({ outcome: 'finished', status: 'succeeded', moreWork: false });
    const checked = await checkArchive(stack, tenantId, sftpFiles(root));
    expect(checked.missing.length + checked.unexpected.length, why).toBe(0);
    const check = expectComplete(checked);
    expect(check.expected).toBeGreaterThan(3000);
    const ledger = await allLedger(stack, tenantId);
    expect(new Set(ledger.map((e) => e.remoteHash.algorithm))).toEqual(new Set(['sha256']));
    console.log(
      `first run to SFTP: ${check.expected} items checked (${check.binaries} binaries), ${check.files} files`,
    );
  }, 300_000);

  it("names the company's SFTP server, never Dropbox, on its dashboard and uninstall page", async () => {
    const dashboard = await browser.agent.get('/dashboard').expect(200);
    expect(dashboard.text).toContain('<h2>SFTP server</h2>');
    expect(dashboard.text).toContain(`data-testid="sftp-account"`);
    expect(dashboard.text).toContain('Disconnect SFTP server');
    expect(dashboard.text).not.toContain('Dropbox');
    const uninstall = await browser.agent.get('/uninstall').expect(200);
    expect(uninstall.text).toContain('revokes access to RingCentral and SFTP server');
    expect(uninstall.text).not.toContain('Dropbox');
  });

  it('refuses the server once its host key changed: the run stops, says why, and writes nothing', async () => {
    stack.rc.addActivity({
      accountId: tenantId,
      extensionNumber: '102',
      calls: 2,
      recordedCalls: 1,
      recordingSize: 5_000,
    });
    const before = (await sftpFiles(root)()).map((f) => `${f.path} ${f.sha256}`).sort();
    const presented = await sshd.changeHostKey();
    const outcome = await runArchive(stack, tenantId);
    expect(outcome).toMatchObject({ outcome: 'finished', status: 'failed' });
    const run = (await stack.services.store.listRuns(tenantId, { limit: 1 })).items[0]!;
    expect(run.stats.problem).toContain(`presented a different host key (${presented}`);
    expect(run.stats.problem).toContain('wrote nothing');
    expect((await sftpFiles(root)()).map((f) => `${f.path} ${f.sha256}`).sort()).toEqual(before);
    expect((await stack.services.store.getTenant(tenantId))?.status).toBe('needs_reconnect');
  }, 120_000);
});
