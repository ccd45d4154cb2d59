import { bytesUpload, DropboxFileUploader, type Dropbox } from 'dropbox';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/lib/content-hash.ts';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import { clientFor, dropboxError, raw, startSim, type ErrorBody } from './helpers.ts';

let sim: DropboxSim;
let dbx: Dropbox;
const EMAIL = 'limits@example.com';
beforeAll(async () => {
  sim = await startSim();
  dbx = await clientFor(sim, EMAIL);
});
afterEach(() => sim.setFaults({ reset: true }));
afterAll(() => sim.close());

/** Settles every promise and splits outcomes into results and DropboxResponseErrors. */
async function settle<T>(calls: Array<Promise<T>>) {
  const outcomes = await Promise.allSettled(calls);
  return {
    ok: outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value),
    failed: outcomes
      .filter((o) => o.status === 'rejected')
      .map((o) => o.reason as { status: number; headers: Headers; error: ErrorBody }),
  };
}

describe('too_many_write_operations', () => {
  it('refuses a commit that overlaps another one in the same account, with Retry-After: 1', async () => {
    await sim.setFaults({ commitLatencyMs: 300 });
    const { ok, failed } = await settle([
      dbx.filesUpload({ path: '/w/one.txt', contents: 'one' }),
      dbx.filesUpload({ path: '/w/two.txt', contents: 'two' }),
    ]);
    expect(ok).toHaveLength(1);
    expect(failed).toHaveLength(1);
    const e = failed[0]!;
    expect(e.status).toBe(429);
    expect(e.headers.get('retry-after')).toBe('1');
    expect(e.headers.get('content-type')).toBe('application/json');
    expect(e.error.error).toEqual({ reason: { '.tag': 'too_many_write_operations' } });
    expect(e.error.error_summary).toMatch(/^too_many_write_operations\/\.{0,3}$/);
  });

  it('treats finish_batch_v2 and delete_v2 as commits too, and leaves other accounts alone', async () => {
    await dbx.filesUpload({ path: '/w/doomed.txt', contents: 'd' });
    const session = (await dbx.filesUploadSessionStart({ contents: Buffer.from('b'), close: true })).result
      .session_id;
    const other = await clientFor(sim, 'other-namespace@example.com');
    await sim.setFaults({ commitLatencyMs: 300 });
    const blocker = dbx.filesCreateFolderV2({ path: '/w/folder' });
    await new Promise((r) => setTimeout(r, 50));
    const { ok, failed } = await settle<unknown>([
      dbx.filesUploadSessionFinishBatchV2({
        entries: [{ cursor: { session_id: session, offset: 1 }, commit: { path: '/w/b.txt' } }],
      }),
      dbx.filesDeleteV2({ path: '/w/doomed.txt' }),
      other.filesUpload({ path: '/elsewhere.txt', contents: 'x' }),
    ]);
    await blocker;
    expect(ok).toHaveLength(1);
    expect(failed.map((e) => `${e.status} ${String(e.error.error.reason['.tag'])}`)).toEqual([
      '429 too_many_write_operations',
      '429 too_many_write_operations',
    ]);
  });

  it('lets the SDK’s uploader honour Retry-After and then succeed', async () => {
    await sim.setFaults({ commitLatencyMs: 300 });
    const blocker = dbx.filesCreateFolderV2({ path: '/w/blocker' });
    await new Promise((r) => setTimeout(r, 50));
    const started = performance.now();
    const bytes = Buffer.from('retried');
    // The uploader finishes with upload_session/finish, a commit: it meets the held lock first.
    const result = await new DropboxFileUploader(dbx).upload(bytesUpload(bytes), { path: '/w/retry.txt' });
    await blocker;
    expect(result.metadata.content_hash).toBe(contentHash(bytes));
    expect(performance.now() - started).toBeGreaterThanOrEqual(900);
    const stats = (await sim.stats(EMAIL)).accounts[0]!;
    expect(stats.responses['429']).toBeGreaterThanOrEqual(1);
  });
});

describe('too_many_requests', () => {
  it('limits calls per token and window, counting refused calls, with an integer Retry-After', async () => {
    await sim.setFaults({ tooManyRequests: { limit: 3, windowSeconds: 30 } });
    for (let i = 0; i < 3; i += 1) await dbx.usersGetSpaceUsage();
    const e = await dropboxError(dbx.usersGetSpaceUsage());
    expect(e.status).toBe(429);
    const retryAfter = e.headers.get('retry-after');
    expect(retryAfter).toMatch(/^\d+$/);
    expect(Number(retryAfter)).toBeGreaterThanOrEqual(1);
    expect(Number(retryAfter)).toBeLessThanOrEqual(30);
    expect(e.error.error).toEqual({
      reason: { '.tag': 'too_many_requests' },
      retry_after: Number(retryAfter),
    });
    // Another account has its own budget.
    const other = await clientFor(sim, 'budget@example.com');
    expect((await other.usersGetSpaceUsage()).status).toBe(200);
    // The window passes on the simulator clock.
    await sim.advanceClock(30_000);
    expect((await dbx.usersGetSpaceUsage()).status).toBe(200);
  });

  it('refuses the next N calls when given a count, optionally in plain text', async () => {
    await sim.setFaults({ tooManyRequests: { next: 1, retryAfterSeconds: 7, plainText: true } });
    const e = await dropboxError(dbx.usersGetSpaceUsage());
    expect(e.status).toBe(429);
    expect(e.headers.get('retry-after')).toBe('7');
    expect(typeof e.error).toBe('string');
    expect((await dbx.usersGetSpaceUsage()).status).toBe(200);
  });
});

describe('injected faults', () => {
  it('answers the next N calls with a 5xx and leaves state untouched', async () => {
    await sim.setFaults({ errorNext: 2, errorStatus: 503, errorRoutes: ['files/upload'] });
    expect((await dbx.usersGetSpaceUsage()).status).toBe(200);
    expect((await dropboxError(dbx.filesUpload({ path: '/f/x.txt', contents: 'x' }))).status).toBe(503);
    expect((await dropboxError(dbx.filesUpload({ path: '/f/x.txt', contents: 'x' }))).status).toBe(503);
    expect((await dbx.filesUpload({ path: '/f/x.txt', contents: 'x' })).status).toBe(200);
  });

  it('fails every call with errorRate 1', async () => {
    await sim.setFaults({ errorRate: 1 });
    expect((await dropboxError(dbx.usersGetSpaceUsage())).status).toBe(500);
  });

  it('adds latency', async () => {
    await sim.setFaults({ latencyMs: 150 });
    const started = performance.now();
    await dbx.usersGetSpaceUsage();
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it('drops the response after the commit took effect', async () => {
    await sim.setFaults({ dropResponsesNext: 1, errorRoutes: ['files/upload'] });
    await expect(dbx.filesUpload({ path: '/f/dropped.txt', contents: 'kept' })).rejects.toThrow(
      /fetch failed/,
    );
    const meta = await dbx.filesGetMetadata({ path: '/f/dropped.txt' });
    expect(meta.result).toMatchObject({ '.tag': 'file', size: 4 });
  });

  it('drops an append’s answer after storing it; the retry learns the offset moved and carries on', async () => {
    await sim.setFaults({ dropResponsesNext: 1, errorRoutes: ['files/upload_session/append_v2'] });
    const bytes = Buffer.alloc(12 * 1024 * 1024, 7);
    const result = await new DropboxFileUploader(dbx, { chunkSize: 4 * 1024 * 1024, retryDelay: 10 }).upload(
      bytesUpload(bytes),
      { path: '/f/reconciled.bin' },
    );
    expect(result.metadata).toMatchObject({ size: bytes.length, content_hash: contentHash(bytes) });
    const stats = (await sim.stats(EMAIL)).accounts[0]!;
    // The uploader's retry met incorrect_offset (409) and took its correct_offset as done.
    expect(stats.responses['409']).toBeGreaterThanOrEqual(1);
  });

  it('corrupts uploads in transit: caught by content_hash, stored wrong without it', async () => {
    await sim.setFaults({ corruptUploads: 2 });
    const bytes = Buffer.from('precious recording');
    const caught = await dropboxError(
      dbx.filesUpload({ path: '/f/c1.bin', contents: bytes, content_hash: contentHash(bytes) }),
    );
    expect(caught.error.error).toEqual({ '.tag': 'content_hash_mismatch' });
    const stored = await dbx.filesUpload({ path: '/f/c2.bin', contents: bytes });
    expect(stored.result.content_hash).not.toBe(contentHash(bytes));
    const clean = await dbx.filesUpload({
      path: '/f/c3.bin',
      contents: bytes,
      content_hash: contentHash(bytes),
    });
    expect(clean.result.content_hash).toBe(contentHash(bytes));
  });

  it('fails batch entries with too_many_write_operations on request', async () => {
    await sim.setFaults({ batchEntryFailureRate: 1 });
    const session = (await dbx.filesUploadSessionStart({ contents: Buffer.from('e'), close: true })).result
      .session_id;
    const res = await dbx.filesUploadSessionFinishBatchV2({
      entries: [{ cursor: { session_id: session, offset: 1 }, commit: { path: '/f/entry.txt' } }],
    });
    expect(res.result.entries).toEqual([
      { '.tag': 'failure', failure: { '.tag': 'too_many_write_operations' } },
    ]);
  });

  it('revokes an account’s tokens through the faults route', async () => {
    const victim = await clientFor(sim, 'victim@example.com');
    await victim.usersGetSpaceUsage();
    const res = await raw(sim, '/__sim/faults', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ revokeTokensFor: 'victim@example.com' }),
    });
    expect(res.status).toBe(200);
    expect((await dropboxError(victim.usersGetSpaceUsage())).status).toBe(401);
  });

  it('validates fault fields and resets them', async () => {
    const bad = await raw(sim, '/__sim/faults', { method: 'POST', body: JSON.stringify({ errorRate: 2 }) });
    expect(bad.status).toBe(400);
    const unknown = await raw(sim, '/__sim/faults', { method: 'POST', body: JSON.stringify({ typo: 1 }) });
    expect(unknown.status).toBe(400);
    await sim.setFaults({ latencyMs: 5, tooManyRequests: 3 });
    expect((await sim.setFaults({})).tooManyRequests).toMatchObject({ next: 3 });
    const cleared = await sim.setFaults({ reset: true });
    expect(cleared).toMatchObject({ latencyMs: 0, tooManyRequests: null, errorRate: 0 });
  });
});
