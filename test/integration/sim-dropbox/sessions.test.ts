import { bytesUpload, DropboxFileUploader, type Dropbox } from 'dropbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/lib/content-hash.ts';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import { clientFor, dropboxError, patternBytes, startSim } from './helpers.ts';

let sim: DropboxSim;
let dbx: Dropbox;
const EMAIL = 'sessions@example.com';
beforeAll(async () => {
  sim = await startSim();
  dbx = await clientFor(sim, EMAIL);
});
afterAll(() => sim.close());

const MiB = 1024 * 1024;
const empty = Buffer.alloc(0);

describe('sequential upload sessions', () => {
  it('uploads a file in chunks: start with data, appends, finish with the last bytes', async () => {
    const bytes = patternBytes(9 * MiB + 5, 3);
    const first = bytes.subarray(0, 3 * MiB);
    const start = await dbx.filesUploadSessionStart({ contents: first, content_hash: contentHash(first) });
    const sessionId = start.result.session_id;
    expect(sessionId).toMatch(/^pid_upload_session:/);
    for (const offset of [3 * MiB, 6 * MiB]) {
      const chunk = bytes.subarray(offset, offset + 3 * MiB);
      const appended = await dbx.filesUploadSessionAppendV2({
        cursor: { session_id: sessionId, offset },
        contents: chunk,
        content_hash: contentHash(chunk),
      });
      expect(appended.result).toBeNull();
    }
    const finished = await dbx.filesUploadSessionFinish({
      cursor: { session_id: sessionId, offset: 9 * MiB },
      commit: { path: '/Recordings/big.mp3', mode: { '.tag': 'add' } },
      contents: bytes.subarray(9 * MiB),
    });
    expect(finished.result).not.toHaveProperty('.tag');
    expect(finished.result).toMatchObject({ size: bytes.length, content_hash: contentHash(bytes) });
    const download = await dbx.filesDownload({ path: '/recordings/BIG.mp3' });
    expect(Buffer.compare((download.result as unknown as { fileBinary: Buffer }).fileBinary, bytes)).toBe(0);
  });

  it('checks offsets and reports the correct one', async () => {
    const { session_id } = (await dbx.filesUploadSessionStart({ contents: Buffer.alloc(10) })).result;
    const wrong = await dropboxError(
      dbx.filesUploadSessionAppendV2({ cursor: { session_id, offset: 4 }, contents: Buffer.alloc(5) }),
    );
    expect(wrong.status).toBe(409);
    expect(wrong.error.error).toEqual({ '.tag': 'incorrect_offset', correct_offset: 10 });
    expect(wrong.error.error_summary).toMatch(/^incorrect_offset\/\.{0,3}$/);

    const finish = await dropboxError(
      dbx.filesUploadSessionFinish({
        cursor: { session_id, offset: 3 },
        commit: { path: '/x.bin' },
        contents: empty,
      }),
    );
    expect(finish.error.error).toEqual({
      '.tag': 'lookup_failed',
      lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 10 },
    });
  });

  it('refuses appends to a closed session and to an unknown one', async () => {
    const { session_id } = (await dbx.filesUploadSessionStart({ contents: Buffer.alloc(4), close: true }))
      .result;
    const closed = await dropboxError(
      dbx.filesUploadSessionAppendV2({ cursor: { session_id, offset: 4 }, contents: Buffer.alloc(1) }),
    );
    expect(closed.error.error).toEqual({ '.tag': 'closed' });
    const missing = await dropboxError(
      dbx.filesUploadSessionAppendV2({
        cursor: { session_id: 'pid_upload_session:nope', offset: 0 },
        contents: Buffer.alloc(1),
      }),
    );
    expect(missing.error.error).toEqual({ '.tag': 'not_found' });
  });

  it('keeps a session unchanged when an append carries a wrong content_hash', async () => {
    const { session_id } = (await dbx.filesUploadSessionStart({ contents: Buffer.from('abc') })).result;
    const bad = await dropboxError(
      dbx.filesUploadSessionAppendV2({
        cursor: { session_id, offset: 3 },
        contents: Buffer.from('def'),
        content_hash: contentHash(Buffer.from('xyz')),
      }),
    );
    expect(bad.error.error).toEqual({ '.tag': 'content_hash_mismatch' });
    await dbx.filesUploadSessionAppendV2({ cursor: { session_id, offset: 3 }, contents: Buffer.from('def') });
    const done = await dbx.filesUploadSessionFinish({
      cursor: { session_id, offset: 6 },
      commit: { path: '/abcdef.txt' },
      contents: empty,
    });
    expect(done.result.content_hash).toBe(contentHash(Buffer.from('abcdef')));
  });

  it('works with the SDK’s own DropboxFileUploader, sequential and parallel', async () => {
    const bytes = patternBytes(13 * MiB + 3, 9);
    const sequential = await new DropboxFileUploader(dbx, { chunkSize: 4 * MiB }).upload(bytesUpload(bytes), {
      path: '/uploader/sequential.bin',
    });
    expect(sequential.metadata.content_hash).toBe(contentHash(bytes));
    const parallel = await new DropboxFileUploader(dbx, { chunkSize: 4 * MiB, parallelUploads: 3 }).upload(
      bytesUpload(bytes),
      { path: '/uploader/parallel.bin' },
    );
    expect(parallel.metadata.content_hash).toBe(contentHash(bytes));
  });
});

describe('concurrent upload sessions', () => {
  async function startConcurrent(): Promise<string> {
    return (await dbx.filesUploadSessionStart({ session_type: { '.tag': 'concurrent' }, contents: empty }))
      .result.session_id;
  }

  it('takes 4 MiB pieces in any order and commits them in offset order', async () => {
    const bytes = patternBytes(10 * MiB + 99, 5);
    const session_id = await startConcurrent();
    const piece = (offset: number, length: number) => bytes.subarray(offset, offset + length);
    await dbx.filesUploadSessionAppendV2({
      cursor: { session_id, offset: 4 * MiB },
      contents: piece(4 * MiB, 4 * MiB),
    });
    await dbx.filesUploadSessionAppendV2({ cursor: { session_id, offset: 0 }, contents: piece(0, 4 * MiB) });
    const early = await dropboxError(
      dbx.filesUploadSessionFinish({
        cursor: { session_id, offset: 8 * MiB },
        commit: { path: '/concurrent.bin' },
        contents: empty,
      }),
    );
    expect(early.error.error).toEqual({ '.tag': 'concurrent_session_not_closed' });
    await dbx.filesUploadSessionAppendV2({
      cursor: { session_id, offset: 8 * MiB },
      contents: piece(8 * MiB, 2 * MiB + 99),
      close: true,
    });
    const done = await dbx.filesUploadSessionFinish({
      cursor: { session_id, offset: bytes.length },
      commit: { path: '/concurrent.bin' },
      contents: empty,
    });
    expect(done.result).toMatchObject({ size: bytes.length, content_hash: contentHash(bytes) });
  });

  it('enforces the 4 MiB rules and the no-data/no-close start', async () => {
    const session_id = await startConcurrent();
    const misaligned = await dropboxError(
      dbx.filesUploadSessionAppendV2({ cursor: { session_id, offset: 1 }, contents: Buffer.alloc(4 * MiB) }),
    );
    expect(misaligned.error.error).toEqual({ '.tag': 'concurrent_session_invalid_offset' });
    const odd = await dropboxError(
      dbx.filesUploadSessionAppendV2({ cursor: { session_id, offset: 0 }, contents: Buffer.alloc(MiB) }),
    );
    expect(odd.error.error).toEqual({ '.tag': 'concurrent_session_invalid_data_size' });

    const data = await dropboxError(
      dbx.filesUploadSessionStart({ session_type: { '.tag': 'concurrent' }, contents: Buffer.alloc(1) }),
    );
    expect(data.error.error).toEqual({ '.tag': 'concurrent_session_data_not_allowed' });
    const close = await dropboxError(
      dbx.filesUploadSessionStart({ session_type: { '.tag': 'concurrent' }, close: true, contents: empty }),
    );
    expect(close.error.error).toEqual({ '.tag': 'concurrent_session_close_not_allowed' });
  });

  it('refuses to finish with a gap', async () => {
    const session_id = await startConcurrent();
    await dbx.filesUploadSessionAppendV2({
      cursor: { session_id, offset: 4 * MiB },
      contents: Buffer.alloc(10),
      close: true,
    });
    const gap = await dropboxError(
      dbx.filesUploadSessionFinish({
        cursor: { session_id, offset: 4 * MiB + 10 },
        commit: { path: '/gap.bin' },
        contents: empty,
      }),
    );
    expect(gap.error.error).toEqual({ '.tag': 'concurrent_session_missing_data' });
  });
});

/** A closed session holding `bytes`, ready for a batch entry. */
async function closedSession(bytes: Buffer): Promise<string> {
  return (await dbx.filesUploadSessionStart({ contents: bytes, close: true })).result.session_id;
}

describe('finish_batch_v2', () => {
  it('commits 100 files in one call', async () => {
    const files = Array.from({ length: 100 }, (_, i) => Buffer.from(`sms ${i}\n`.repeat(i + 1)));
    const ids = await Promise.all(files.map(closedSession));
    await sim.resetStats();
    const res = await dbx.filesUploadSessionFinishBatchV2({
      entries: ids.map((session_id, i) => ({
        cursor: { session_id, offset: files[i]!.length },
        commit: { path: `/Acme/SMS/${String(i).padStart(3, '0')}.txt`, mode: { '.tag': 'add' } },
      })),
    });
    expect(res.status).toBe(200);
    expect(res.result.entries).toHaveLength(100);
    res.result.entries.forEach((entry, i) => {
      expect(entry).toMatchObject({
        '.tag': 'success',
        name: `${String(i).padStart(3, '0')}.txt`,
        size: files[i]!.length,
        content_hash: contentHash(files[i]!),
      });
    });
    const stats = (await sim.stats(EMAIL)).accounts[0]!;
    expect(stats.calls).toEqual({ 'files/upload_session/finish_batch_v2': 1 });
    expect(stats.commitCalls).toBe(1);
    expect(stats.filesCommitted).toBe(100);
  });

  it('fails entries one by one: not closed, conflict, unknown session', async () => {
    const open = (await dbx.filesUploadSessionStart({ contents: Buffer.from('open') })).result.session_id;
    await dbx.filesUpload({ path: '/batch/taken.txt', contents: 'first' });
    const clash = await closedSession(Buffer.from('second'));
    const good = await closedSession(Buffer.from('fine'));
    const res = await dbx.filesUploadSessionFinishBatchV2({
      entries: [
        { cursor: { session_id: open, offset: 4 }, commit: { path: '/batch/open.txt' } },
        { cursor: { session_id: clash, offset: 6 }, commit: { path: '/batch/taken.txt' } },
        { cursor: { session_id: 'pid_upload_session:gone', offset: 0 }, commit: { path: '/batch/gone.txt' } },
        { cursor: { session_id: good, offset: 4 }, commit: { path: '/batch/good.txt' } },
      ],
    });
    const [notClosed, conflict, gone, ok] = res.result.entries as unknown as Array<Record<string, unknown>>;
    expect(notClosed).toEqual({
      '.tag': 'failure',
      failure: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_closed' } },
    });
    expect(conflict).toEqual({
      '.tag': 'failure',
      failure: { '.tag': 'path', path: { '.tag': 'conflict', conflict: { '.tag': 'file' } } },
    });
    expect(gone).toEqual({
      '.tag': 'failure',
      failure: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'not_found' } },
    });
    expect(ok).toMatchObject({ '.tag': 'success', path_display: '/batch/good.txt' });
  });

  it('reports insufficient_space per entry', async () => {
    const small = await clientFor(sim, 'tiny@example.com');
    await sim.setQuota('tiny@example.com', 10);
    const a = (await small.filesUploadSessionStart({ contents: Buffer.alloc(6), close: true })).result
      .session_id;
    const b = (await small.filesUploadSessionStart({ contents: Buffer.alloc(6), close: true })).result
      .session_id;
    const res = await small.filesUploadSessionFinishBatchV2({
      entries: [
        { cursor: { session_id: a, offset: 6 }, commit: { path: '/a.bin' } },
        { cursor: { session_id: b, offset: 6 }, commit: { path: '/b.bin' } },
      ],
    });
    expect(res.result.entries[0]).toMatchObject({ '.tag': 'success' });
    expect(res.result.entries[1]).toEqual({
      '.tag': 'failure',
      failure: { '.tag': 'path', path: { '.tag': 'insufficient_space' } },
    });
  });

  it('refuses more than 1000 entries with a 400', async () => {
    const entries = Array.from({ length: 1001 }, (_, i) => ({
      cursor: { session_id: 'pid_upload_session:x', offset: 0 },
      commit: { path: `/many/${i}` },
    }));
    const e = await dropboxError(dbx.filesUploadSessionFinishBatchV2({ entries }));
    expect(e.status).toBe(400);
    expect(e.error).toMatch(
      /^Error in call to API function "files\/upload_session\/finish_batch_v2": request body: entries:/,
    );
  });
});

describe('start_batch, finish_batch and finish_batch/check', () => {
  it('runs the deprecated asynchronous batch to completion', async () => {
    const { session_ids } = (await dbx.filesUploadSessionStartBatch({ num_sessions: 2 })).result;
    expect(session_ids).toHaveLength(2);
    for (const [i, session_id] of session_ids.entries()) {
      await dbx.filesUploadSessionAppendV2({
        cursor: { session_id, offset: 0 },
        contents: Buffer.from(`v1-${i}`),
        close: true,
      });
    }
    const launch = await dbx.filesUploadSessionFinishBatch({
      entries: session_ids.map((session_id, i) => ({
        cursor: { session_id, offset: 4 },
        commit: { path: `/v1/${i}.txt` },
      })),
    });
    expect(launch.result['.tag']).toBe('async_job_id');
    const jobId = (launch.result as { async_job_id: string }).async_job_id;
    let status = (await dbx.filesUploadSessionFinishBatchCheck({ async_job_id: jobId })).result;
    for (let i = 0; i < 50 && status['.tag'] === 'in_progress'; i += 1) {
      await new Promise((r) => setTimeout(r, 20));
      status = (await dbx.filesUploadSessionFinishBatchCheck({ async_job_id: jobId })).result;
    }
    expect(status['.tag']).toBe('complete');
    expect((status as { entries: Array<{ '.tag': string }> }).entries.map((e) => e['.tag'])).toEqual([
      'success',
      'success',
    ]);

    const unknown = await dropboxError(
      dbx.filesUploadSessionFinishBatchCheck({ async_job_id: 'dbjid:nope' }),
    );
    expect(unknown.error.error).toEqual({ '.tag': 'invalid_async_job_id' });
  });
});

// Last: it moves the simulator clock a week forward.
describe('session lifetime', () => {
  it('forgets a session after seven days of simulator time', async () => {
    const { session_id } = (await dbx.filesUploadSessionStart({ contents: Buffer.from('old') })).result;
    await sim.advanceClock(7 * 24 * 3600 * 1000);
    // The access token expired too; a fresh client shows the session is what is gone.
    const later = await clientFor(sim, EMAIL);
    const e = await dropboxError(
      later.filesUploadSessionAppendV2({ cursor: { session_id, offset: 3 }, contents: Buffer.from('!') }),
    );
    expect(e.error.error).toEqual({ '.tag': 'not_found' });
  });
});
