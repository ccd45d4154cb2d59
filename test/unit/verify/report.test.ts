import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { reconciliationCsv, reportStamp } from '../../../src/archive/verify/report-file.ts';
import { needsAttention, problemLines, summaryLines } from '../../../src/archive/verify/summary.ts';
import type { Problem, VerifyReport } from '../../../src/archive/verify/types.ts';

const problem = (
  type: Problem['type'],
  path: string,
  outcome: Problem['outcome'],
  detail: string,
): Problem => ({
  type,
  entry: {
    tenantId: 't1',
    kind: 'recording',
    sourceId: 'r1',
    attachmentId: '',
    path,
    size: 1234,
    sha256: 'ab'.repeat(32),
    remoteHash: { algorithm: 'dropbox-content-hash', value: 'cd'.repeat(32) },
    sourceModifiedAt: null,
    archivedAt: new Date(0),
    day: '2026-11-26',
  },
  found:
    type === 'altered'
      ? { path, size: 99, remoteHash: { algorithm: 'dropbox-content-hash', value: 'ef'.repeat(32) } }
      : null,
  outcome,
  detail,
});

function report(overrides: Partial<VerifyReport> = {}): VerifyReport {
  return {
    tenantId: 't1',
    companyName: 'Acme Inc',
    destination: 'Dropbox',
    at: Date.parse('2026-11-26T10:00:00.123Z'),
    counts: {
      listed: 10,
      expected: 10,
      ok: 10,
      missing: 0,
      altered: 0,
      unexpected: 0,
      repaired: 0,
      unrepairable: 0,
      failed: 0,
      notAttempted: 0,
    },
    problems: [],
    unexpected: [],
    auditChain: { ok: true, entries: 4 },
    outstanding: { pending: 0, failed: 0, skipped: 0 },
    reportPath: '/Acme Inc/Reconciliation/2026-11-26T10-00-00Z.csv',
    summaryPath: '/Acme Inc/Reconciliation/2026-11-26T10-00-00Z.txt',
    ...overrides,
  };
}

describe('the reconciliation report', () => {
  it('is named by its time without characters file systems refuse', () => {
    expect(reportStamp(Date.parse('2026-11-26T10:00:00.123Z'))).toBe('2026-11-26T10-00-00Z');
  });

  it('lists every problem and unexpected file as a spreadsheet-safe CSV row', () => {
    const csv = reconciliationCsv(
      report({
        problems: [
          problem('missing', '/Acme Inc/a.mp3', 'repaired', 'Uploaded again from RingCentral.'),
          problem('altered', '/Acme Inc/b.mp3', 'unrepairable', 'Changed in Dropbox.'),
        ],
        unexpected: [
          { path: '/Acme Inc/=HYPERLINK("x").txt', size: 5, remoteHash: { algorithm: 'sha256', value: 'h' } },
        ],
      }),
    );
    expect(csv.startsWith('\ufeffProblem,Path,')).toBe(true);
    expect(csv).toContain('\r\n');
    const rows = parse<Record<string, string>>(csv, { columns: true, bom: true });
    expect(rows.map((r) => [r.Problem, r.Path, r.Outcome])).toEqual([
      ['missing', '/Acme Inc/a.mp3', 'repaired'],
      ['altered', '/Acme Inc/b.mp3', 'unrepairable'],
      ['unexpected', '/Acme Inc/=HYPERLINK("x").txt', 'left as is'],
    ]);
    expect(rows[1]).toMatchObject({
      'Archived size': '1234',
      'Found size': '99',
      'Archived remote hash': `dropbox-content-hash:${'cd'.repeat(32)}`,
      'Found remote hash': `dropbox-content-hash:${'ef'.repeat(32)}`,
    });
    // A path cannot start with "=", but any cell that does is defused.
    expect(
      reconciliationCsv(
        report({ unexpected: [{ path: '=1+1', size: 1, remoteHash: { algorithm: 'sha256', value: '' } }] }),
      ),
    ).toContain("'=1+1");
  });
});

describe('the summary', () => {
  it('says a clean archive is clean and needs nobody', () => {
    const clean = report();
    expect(summaryLines(clean).join('\n')).toMatch(/Missing: 0\n[\s\S]*hash chain intact/);
    expect(needsAttention(clean)).toBe(false);
    expect(needsAttention(report({ counts: { ...clean.counts, unexpected: 3 } }))).toBe(false);
  });

  it('says plainly what was lost, and that a repaired or broken archive needs a look', () => {
    const lost = report({
      counts: { ...report().counts, ok: 9, missing: 1, unrepairable: 1 },
      problems: [problem('missing', '/Acme Inc/a.mp3', 'unrepairable', 'LOST: gone everywhere.')],
    });
    const text = summaryLines(lost).join('\n');
    expect(text).toContain('Missing: 1 (unrepairable 1)');
    expect(text).toContain('LOST: 1 file(s) were deleted from Dropbox and RingCentral no longer has them');
    expect(needsAttention(lost)).toBe(true);
    const broken = report({
      auditChain: { ok: false, entries: 4, brokenAtSeq: 2, reason: 'content does not match its hash' },
    });
    expect(summaryLines(broken).join('\n')).toContain('hash chain BROKEN at entry 2');
    expect(needsAttention(broken)).toBe(true);
  });

  it('lists problems up to a limit and says how many more the report holds', () => {
    const many = report({
      counts: { ...report().counts, missing: 3 },
      problems: ['a', 'b', 'c'].map((n) =>
        problem('missing', `/Acme Inc/${n}.mp3`, 'repaired', 'Uploaded again.'),
      ),
    });
    expect(problemLines(many, 2)).toEqual([
      '  missing /Acme Inc/a.mp3: repaired. Uploaded again.',
      '  missing /Acme Inc/b.mp3: repaired. Uploaded again.',
      '  … and 1 more in the report.',
    ]);
    expect(problemLines(many, 5)).toHaveLength(3);
  });
});
