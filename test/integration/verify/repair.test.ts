import { parse } from 'csv-parse/sync';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { summaryLines } from '../../../src/archive/verify/summary.ts';
import type { TestStack } from '../../support/stack.ts';
import { archivedStack, checkWithoutReports, entries, readDropbox, runVerify, verified } from './helpers.ts';

const EMAIL = 'verify@acme.example';
const key = (e: { kind: string; sourceId: string; attachmentId: string }) =>
  `${e.kind}|${e.sourceId}|${e.attachmentId}`;

/**
 * Verification of a small archived account against the simulators: it finds what was deleted,
 * altered or added in Dropbox behind the archiver's back, repairs from RingCentral what it still
 * has, and says plainly what is lost.
 */
describe('verifying a tenant archive', () => {
  let stack: TestStack;
  let tenantId: string;
  let extra: string;

  beforeAll(async () => {
    ({ stack, tenantId } = await archivedStack(EMAIL, 4242));
  }, 120_000);
  afterAll(async () => stack?.close());

  it('finds a clean archive clean and writes its report into Dropbox', async () => {
    const outcome = await runVerify(stack, tenantId);
    expect(outcome).toMatchObject({ outcome: 'finished', status: 'succeeded' });
    const report = outcome.outcome === 'finished' ? outcome.report! : null;
    const ledger = await entries(stack, tenantId, () => true);
    expect(report!.counts).toEqual({
      listed: ledger.length,
      expected: ledger.length,
      ok: ledger.length,
      missing: 0,
      altered: 0,
      unexpected: 0,
      repaired: 0,
      unrepairable: 0,
      failed: 0,
      notAttempted: 0,
    });
    expect(report!.auditChain.ok).toBe(true);
    expect(report!.reportPath).toMatch(/^\/[^/]+\/Reconciliation\/\d{4}-\d\d-\d\dT\d\d-\d\d-\d\dZ\.csv$/);
    const rows = parse<Record<string, string>>(await readDropbox(stack, tenantId, report!.reportPath!), {
      columns: true,
      bom: true,
    });
    expect(rows).toEqual([]);
    expect(await readDropbox(stack, tenantId, report!.summaryPath!)).toContain('Missing: 0');
  });

  it('finds a deleted, an altered and an extra file, repairs the first two and leaves the extra alone', async () => {
    const [recording] = await entries(stack, tenantId, (e) => e.kind === 'recording');
    const [voicemail] = await entries(
      stack,
      tenantId,
      (e) => e.kind === 'voicemail' && e.attachmentId !== '',
    );
    extra = recording!.path.replace(/[^/]+$/, 'notes someone left.txt');
    await stack.dbx.deleteFile(EMAIL, recording!.path);
    await stack.dbx.alterFile(EMAIL, voicemail!.path);
    await stack.dbx.putFile(EMAIL, extra, 'not put here by the archiver');
    const damaged = await checkWithoutReports(stack, tenantId, EMAIL);
    expect(damaged.missing).toEqual([key(recording!)]);
    expect(damaged.mismatched).toEqual([key(voicemail!)]);

    const outcome = await runVerify(stack, tenantId);
    expect(outcome).toMatchObject({ outcome: 'finished', status: 'succeeded' });
    if (outcome.outcome !== 'finished') return;
    const report = outcome.report!;
    expect(report.counts).toMatchObject({
      missing: 1,
      altered: 1,
      unexpected: 1,
      repaired: 2,
      unrepairable: 0,
      failed: 0,
      notAttempted: 0,
    });
    const found = report.problems.map((p) => ({ type: p.type, path: p.entry.path, outcome: p.outcome }));
    expect(found).toEqual(
      expect.arrayContaining([
        { type: 'missing', path: recording!.path, outcome: 'repaired' },
        { type: 'altered', path: voicemail!.path, outcome: 'repaired' },
      ]),
    );
    expect(found).toHaveLength(2);
    expect(report.unexpected.map((f) => f.path)).toEqual([extra]);

    // The archive is whole again: every item at its path with RingCentral's bytes; only the extra remains.
    const after = await checkWithoutReports(stack, tenantId, EMAIL);
    expect({ ...after, unexpected: [] }).toMatchObject({ missing: [], mismatched: [], copies: [] });
    expect(after.unexpected).toEqual([extra.toLowerCase()]);

    const run = (await stack.services.store.getRun(tenantId, outcome.runId))!;
    expect(run).toMatchObject({ trigger: 'verify', status: 'succeeded' });
    expect(run.stats).toMatchObject({
      counts: { missing: 1, altered: 1, unexpected: 1, repaired: 2 },
      auditChain: { ok: true },
      reportPath: report.reportPath,
      unexpectedFiles: [{ path: extra }],
    });
    expect(run.stats.problems).toHaveLength(2);

    const rows = parse<Record<string, string>>(await readDropbox(stack, tenantId, report.reportPath!), {
      columns: true,
      bom: true,
    });
    expect(rows.map((r) => [r.Problem, r.Path, r.Outcome]).sort()).toEqual(
      [
        ['altered', voicemail!.path, 'repaired'],
        ['missing', recording!.path, 'repaired'],
        ['unexpected', extra, 'left as is'],
      ].sort(),
    );
    const audit = await stack.services.store.listAudit(tenantId);
    expect(audit.at(-1)).toMatchObject({
      action: 'verify.completed',
      details: { runId: outcome.runId, missing: 1, altered: 1, unexpected: 1, repaired: 2 },
    });
  });

  it('finds nothing more the next time, and still leaves the extra file alone', async () => {
    const report = await verified(stack, tenantId);
    expect(report.counts).toMatchObject({ missing: 0, altered: 0, unexpected: 1, repaired: 0 });
    expect(report.unexpected.map((f) => f.path)).toEqual([extra]);
  });

  it("restores a message's attachment, a whole message found by asking its mailbox, and a daily report", async () => {
    const [sms] = await entries(
      stack,
      tenantId,
      (e) => (e.kind === 'sms' || e.kind === 'fax') && e.attachmentId !== '',
    );
    const [faxJson] = await entries(
      stack,
      tenantId,
      (e) => e.kind === 'fax' && e.attachmentId === '' && e.sourceId !== sms!.sourceId,
    );
    const wholeFax = await entries(
      stack,
      tenantId,
      (e) => e.kind === 'fax' && e.sourceId === faxJson!.sourceId,
    );
    expect(wholeFax.length).toBeGreaterThan(1); // the JSON and at least one document
    const [callsCsv] = await entries(
      stack,
      tenantId,
      (e) => e.kind === 'report' && e.sourceId.startsWith('calls.csv:'),
    );
    const csvBefore = await readDropbox(stack, tenantId, callsCsv!.path);
    for (const entry of [sms!, ...wholeFax, callsCsv!]) await stack.dbx.deleteFile(EMAIL, entry.path);

    const report = await verified(stack, tenantId);
    const deleted = [sms!, ...wholeFax, callsCsv!].map((e) => e.path).sort();
    expect(report.problems.map((p) => p.entry.path).sort()).toEqual(deleted);
    expect(report.problems.every((p) => p.type === 'missing' && p.outcome === 'repaired')).toBe(true);
    expect(report.counts).toMatchObject({
      missing: deleted.length,
      repaired: deleted.length,
      unrepairable: 0,
    });

    const after = await checkWithoutReports(stack, tenantId, EMAIL);
    expect({ ...after, unexpected: [] }).toMatchObject({ missing: [], mismatched: [], copies: [] });
    expect(await readDropbox(stack, tenantId, callsCsv!.path)).toBe(csvBefore);
    expect(await verified(stack, tenantId)).toMatchObject({ counts: { missing: 0, altered: 0 } });
  });

  it('reports a file deleted from Dropbox that RingCentral no longer has as lost, and keeps its ledger row', async () => {
    const [, recording] = await entries(stack, tenantId, (e) => e.kind === 'recording');
    expect(stack.rc.deleteItem({ accountId: tenantId, kind: 'recording', id: recording!.sourceId })).toBe(
      true,
    );
    await stack.dbx.deleteFile(EMAIL, recording!.path);

    const outcome = await runVerify(stack, tenantId);
    expect(outcome).toMatchObject({ outcome: 'finished', status: 'partial' });
    if (outcome.outcome !== 'finished') return;
    const report = outcome.report!;
    expect(report.counts).toMatchObject({ missing: 1, unrepairable: 1, repaired: 0 });
    expect(report.problems).toHaveLength(1);
    expect(report.problems[0]).toMatchObject({ type: 'missing', outcome: 'unrepairable' });
    expect(report.problems[0]!.detail).toMatch(/^LOST: deleted from Dropbox .* RingCentral no longer has it/);
    expect(summaryLines(report).join('\n')).toMatch(/LOST: 1 file\(s\) were deleted from Dropbox/);
    const [kept] = await stack.services.store.getLedgerEntries(tenantId, [recording!]);
    expect(kept).toEqual(recording);
    const rows = parse<Record<string, string>>(await readDropbox(stack, tenantId, report.reportPath!), {
      columns: true,
      bom: true,
    });
    expect(rows.find((r) => r.Path === recording!.path)).toMatchObject({
      Problem: 'missing',
      Outcome: 'unrepairable',
      'Archived SHA-256': recording!.sha256,
    });
  });
});
