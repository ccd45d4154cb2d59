import { Long, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { toAuditEntry } from '../../../src/store/mongo/audit.ts';
import { connectionPatchSet, toConnection } from '../../../src/store/mongo/connections.ts';
import { toCursor } from '../../../src/store/mongo/cursors.ts';
import { COLLECTIONS } from '../../../src/store/mongo/db.ts';
import { toEntry, toTotals } from '../../../src/store/mongo/ledger.ts';
import { INDEXES } from '../../../src/store/mongo/migrations.ts';
import { toItem, toStatusCounts } from '../../../src/store/mongo/outstanding.ts';
import { runPatchSet, toRun } from '../../../src/store/mongo/runs.ts';
import { toTenant, type TenantDoc } from '../../../src/store/mongo/tenants.ts';
import type { ConnectionPatch } from '../../../src/store/types.ts';

const at = new Date('2026-03-01T12:00:00.000Z');

describe('MongoDB documents as Store records', () => {
  it('a tenant: _id becomes id, and the run lease kept in the same document stays private', () => {
    const doc: TenantDoc = {
      _id: '123456',
      companyName: 'Acme',
      installedBy: { extensionId: '101', name: 'Ada' },
      status: 'paused',
      statusReason: 'paused by the admin',
      settings: { lookbackHours: 48 },
      runLeaseOwner: 'worker-a',
      runLeaseUntil: at,
      runLeaseToken: 7,
      createdAt: at,
      updatedAt: at,
    };
    expect(toTenant(doc)).toEqual({
      id: '123456',
      companyName: 'Acme',
      installedBy: { extensionId: '101', name: 'Ada' },
      status: 'paused',
      statusReason: 'paused by the admin',
      settings: { lookbackHours: 48 },
      createdAt: at,
      updatedAt: at,
    });
  });

  it('a connection: fields the document lacks read as null, a widened version as a number', () => {
    const connection = toConnection({
      tenantId: 't',
      provider: 'dropbox',
      accountId: 'dbid:1',
      accountLabel: 'ada@example.com',
      tokenCiphertext: 'sealed',
      keyId: 'k1',
      version: Long.fromNumber(3) as unknown as number,
      createdAt: at,
      updatedAt: at,
    } as Parameters<typeof toConnection>[0]);
    expect(connection).toMatchObject({ version: 3, accessExpiresAt: null, refreshLeaseUntil: null });
    expect(connection.lastRefreshError).toBeNull();
    expect(connection.lastRefreshedAt).toBeNull();
  });

  it('a connection patch writes exactly the keys it has, undefined as null', () => {
    const patch: ConnectionPatch = { tokenCiphertext: 'new', lastRefreshError: undefined };
    expect(connectionPatchSet(patch)).toEqual({ tokenCiphertext: 'new', lastRefreshError: null });
    const smuggled = { keyId: 'k2', version: 99, tenantId: 'other' } as ConnectionPatch;
    expect(connectionPatchSet(smuggled)).toEqual({ keyId: 'k2' });
    expect(connectionPatchSet({})).toEqual({});
  });

  it('cursors, ledger entries and outstanding items keep their dates and numbers', () => {
    expect(
      toCursor({ tenantId: 't', stream: 'calllog', position: { a: 1 }, version: 2, updatedAt: at }),
    ).toEqual({
      tenantId: 't',
      stream: 'calllog',
      position: { a: 1 },
      version: 2,
      updatedAt: at,
    });
    const entry = {
      tenantId: 't',
      kind: 'recording',
      sourceId: 'r1',
      attachmentId: '',
      path: '/a.mp3',
      size: Long.fromNumber(6_000_000_000) as unknown as number,
      sha256: 'a',
      remoteHash: { algorithm: 'sha256', value: 'b' },
      sourceModifiedAt: null,
      archivedAt: at,
    };
    // Entries written before the day field existed read as day: null.
    expect(toEntry(entry)).toEqual({ ...entry, size: 6_000_000_000, day: null });
    expect(toEntry({ ...entry, day: '2026-01-02' }).day).toBe('2026-01-02');
    // Entries written before the remote hash named its algorithm held Dropbox's content_hash alone.
    const { remoteHash: _, ...legacy } = entry;
    expect(toEntry({ ...legacy, contentHash: 'c' }).remoteHash).toEqual({
      algorithm: 'dropbox-content-hash',
      value: 'c',
    });
    const item = toItem({
      tenantId: 't',
      kind: 'fax',
      sourceId: 'f',
      attachmentId: '1',
      status: 'pending',
      attempts: 2,
      firstSeenAt: at,
      updatedAt: at,
    } as Parameters<typeof toItem>[0]);
    expect(item).toMatchObject({ attempts: 2, lastError: null, nextAttemptAt: null, descriptor: {} });
  });

  it('ledger totals and outstanding counts from aggregation rows', () => {
    expect(
      toTotals([
        { _id: 'recording', count: 2, bytes: Long.fromNumber(5_000_000_000) },
        { _id: 'sms', count: 1, bytes: 10 },
      ]),
    ).toEqual({ recording: { count: 2, bytes: 5_000_000_000 }, sms: { count: 1, bytes: 10 } });
    expect(toStatusCounts([{ _id: 'failed', count: 3 }])).toEqual({ pending: 0, failed: 3, skipped: 0 });
    expect(toStatusCounts([{ _id: 'unknown', count: 1 }])).toEqual({ pending: 0, failed: 0, skipped: 0 });
  });

  it('a run: its id is the ObjectId hex, and a patch leaves absent and null fields alone', () => {
    const _id = new ObjectId();
    const run = toRun({
      _id,
      tenantId: 't',
      trigger: 'schedule',
      status: 'running',
      startedAt: at,
      finishedAt: null,
      stats: {},
      errors: [],
      timeBoxed: false,
    });
    expect(run.id).toBe(_id.toHexString());
    expect(runPatchSet({ status: 'succeeded', finishedAt: null, stats: { a: 1 } })).toEqual({
      status: 'succeeded',
      stats: { a: 1 },
    });
    expect(runPatchSet({ timeBoxed: false })).toEqual({ timeBoxed: false });
  });

  it('an audit entry: a widened seq reads as a number', () => {
    const entry = toAuditEntry({
      tenantId: 't',
      seq: Long.fromNumber(4) as unknown as number,
      at,
      actor: 'ada',
      action: 'connect',
      details: {},
      prevHash: 'p',
      hash: 'h',
    });
    expect(entry.seq).toBe(4);
  });
});

describe('MongoDB indexes', () => {
  const indexesOf = (name: string) => INDEXES.find(([collection]) => collection === name)?.[1] ?? [];

  it('make every record key unique', () => {
    const uniqueKeys = INDEXES.flatMap(([collection, indexes]) =>
      indexes.filter((i) => i.unique).map((i) => `${collection}:${Object.keys(i.key).join(',')}`),
    );
    expect(uniqueKeys).toEqual(
      expect.arrayContaining([
        'connections:tenantId,provider',
        'cursors:tenantId,stream',
        'ledger:tenantId,kind,sourceId,attachmentId',
        'outstandingItems:tenantId,kind,sourceId,attachmentId',
        'auditLog:tenantId,seq',
        'reportRows:tenantId,day,report,rowKey',
      ]),
    );
  });

  it('allow one repeating job per tenant, using the fields the job library stores', () => {
    const [index] = indexesOf(COLLECTIONS.jobs);
    expect(index).toMatchObject({ key: { name: 1, 'data.tenantId': 1 }, unique: true });
    // The library writes repeatInterval: null on one-off jobs, which $exists would match.
    expect(index?.partialFilterExpression).toEqual({
      type: 'normal',
      'data.tenantId': { $exists: true },
      repeatInterval: { $type: ['string', 'number'] },
    });
  });

  it('have unique names within each collection', () => {
    for (const [, indexes] of INDEXES) {
      const names = indexes.map((i) => i.name);
      expect(new Set(names).size).toBe(names.length);
    }
  });
});
