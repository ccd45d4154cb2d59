import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { Dropbox } from 'dropbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/lib/content-hash.ts';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import { clientFor, dropboxError, patternBytes, raw, startSim } from './helpers.ts';

let sim: DropboxSim;
let dbx: Dropbox;
const EMAIL = 'uploader@example.com';
beforeAll(async () => {
  sim = await startSim();
  dbx = await clientFor(sim, EMAIL);
});
afterAll(() => sim.close());

const MiB = 1024 * 1024;
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/** The 409 summary: the tags, a slash, then 0 to 3 random dots. */
const summaryOf = (tags: string) => new RegExp(`^${tags.replace(/\//g, '\\/')}\\/\\.{0,3}$`);

describe('files/upload', () => {
  it('stores a small file and answers with FileMetadata (no .tag) and Dropbox headers', async () => {
    const bytes = Buffer.from('call,from,to\n1,+1555,+1666\n');
    const res = await dbx.filesUpload({
      path: '/Acme/2026/calls.csv',
      contents: bytes,
      content_hash: contentHash(bytes),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json');
    expect(res.headers.get('x-dropbox-request-id')).toMatch(/^[0-9a-f]{32}$/);
    const meta = res.result;
    expect(meta).not.toHaveProperty('.tag');
    expect(meta).toMatchObject({
      name: 'calls.csv',
      path_display: '/Acme/2026/calls.csv',
      path_lower: '/acme/2026/calls.csv',
      size: bytes.length,
      content_hash: contentHash(bytes),
      is_downloadable: true,
    });
    expect(meta.id).toMatch(/^id:[A-Za-z0-9_-]+$/);
    expect(meta.rev).toMatch(/^[0-9a-f]{9,}$/);
    expect(meta.server_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(meta.client_modified).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);

    // Parents were created implicitly, and downloads return the bytes with the metadata header.
    const parent = await dbx.filesGetMetadata({ path: '/acme/2026' });
    expect(parent.result).toMatchObject({ '.tag': 'folder', path_display: '/Acme/2026' });
    const download = await dbx.filesDownload({ path: '/ACME/2026/CALLS.CSV' });
    expect((download.result as unknown as { fileBinary: Buffer }).fileBinary.toString()).toBe(
      bytes.toString(),
    );
    expect(JSON.parse(download.headers.get('dropbox-api-result'))).toMatchObject({
      id: meta.id,
      rev: meta.rev,
    });
  });

  it.each([
    ['empty', 0],
    ['1 byte', 1],
    ['exactly 4 MiB', 4 * MiB],
    ['4 MiB + 1', 4 * MiB + 1],
    ['10 MiB', 10 * MiB],
  ])('computes content_hash exactly for a %s file', async (_label, size) => {
    const bytes = Buffer.alloc(size, 'A');
    const res = await dbx.filesUpload({
      path: `/hash/${size}.bin`,
      contents: bytes,
      content_hash: contentHash(bytes),
    });
    expect(res.result.size).toBe(size);
    expect(res.result.content_hash).toBe(contentHash(bytes));
  });

  it('returns the published hashes for the n-bytes-of-A vectors', async () => {
    const files = await sim.files();
    const hashes = Object.fromEntries(
      files.accounts[0]!.files.filter((f) => f.path_display.startsWith('/hash/')).map((f) => [
        f.size,
        f.content_hash,
      ]),
    );
    expect(hashes[0]).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(hashes[1]).toBe('1cd6ef71e6e0ff46ad2609d403dc3fee244417089aa4461245a4e4fe23a55e42');
    expect(hashes[4194304]).toBe('d4d63bac5b866c71620185392a8a6218ac1092454a2d16f820363b69852befa3');
    expect(hashes[4194305]).toBe('8f553da8d00d0bf509d8470e242888be33019c20c0544811f5b2b89e98360b92');
  });

  it('rejects a content_hash that does not match the bytes, and stores nothing', async () => {
    const e = await dropboxError(
      dbx.filesUpload({
        path: '/bad-hash.txt',
        contents: 'hello',
        content_hash: contentHash(Buffer.from('hellO')),
      }),
    );
    expect(e.status).toBe(409);
    expect(e.error.error).toEqual({ '.tag': 'content_hash_mismatch' });
    expect(e.error.error_summary).toMatch(summaryOf('content_hash_mismatch'));
    const lookup = await dropboxError(dbx.filesGetMetadata({ path: '/bad-hash.txt' }));
    expect(lookup.error.error).toEqual({ '.tag': 'path', path: { '.tag': 'not_found' } });
    expect(lookup.error.error_summary).toMatch(summaryOf('path/not_found'));
  });

  it('accepts a stream body, sent chunked by the SDK', async () => {
    const bytes = patternBytes(3 * MiB + 17);
    const stream = Readable.from([bytes.subarray(0, MiB), bytes.subarray(MiB)]);
    const res = await dbx.filesUpload({ path: '/stream.bin', contents: stream });
    expect(res.result.content_hash).toBe(contentHash(bytes));
  });

  it('refuses more than 150 MiB in one request with payload_too_large', async () => {
    const chunk = Buffer.alloc(MiB);
    const stream = Readable.from(
      (function* () {
        for (let i = 0; i < 150; i += 1) yield chunk;
        yield Buffer.alloc(1);
      })(),
    );
    const e = await dropboxError(dbx.filesUpload({ path: '/too-big.bin', contents: stream }));
    expect(e.status).toBe(409);
    expect(e.error.error).toEqual({ '.tag': 'payload_too_large' });
  });
});

describe('write modes', () => {
  it('treats identical bytes in add mode as success without a new rev', async () => {
    const first = await dbx.filesUpload({ path: '/same.txt', contents: 'same' });
    const again = await dbx.filesUpload({ path: '/Same.txt', contents: 'same', mode: { '.tag': 'add' } });
    expect(again.result).toEqual(first.result);
  });

  it('answers a conflict with path/conflict/file and an upload_session_id', async () => {
    await dbx.filesUpload({ path: '/conflict.txt', contents: 'one' });
    const e = await dropboxError(
      dbx.filesUpload({ path: '/conflict.txt', contents: 'two', mode: 'add' as never }),
    );
    expect(e.status).toBe(409);
    expect(e.error.error_summary).toMatch(summaryOf('path/conflict/file'));
    expect(e.error.error).toMatchObject({
      '.tag': 'path',
      reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
    });
    expect(e.error.error.upload_session_id).toMatch(/^pid_upload_session:/);

    // The uploaded bytes wait in that session: they can be committed elsewhere.
    const finished = await dbx.filesUploadSessionFinish({
      cursor: { session_id: e.error.error.upload_session_id, offset: 3 },
      commit: { path: '/conflict-2.txt' },
      contents: Buffer.alloc(0),
    });
    expect(finished.result.content_hash).toBe(contentHash(Buffer.from('two')));
  });

  it('autorenames with " (1)", " (2)" before the extension', async () => {
    await dbx.filesUpload({ path: '/report.pdf', contents: 'a' });
    const one = await dbx.filesUpload({ path: '/report.pdf', contents: 'b', autorename: true });
    const two = await dbx.filesUpload({ path: '/report.pdf', contents: 'c', autorename: true });
    expect([one.result.name, two.result.name]).toEqual(['report (1).pdf', 'report (2).pdf']);
  });

  it('overwrites (same id, new rev), updates by rev and refuses a stale rev', async () => {
    const original = await dbx.filesUpload({ path: '/modes.txt', contents: 'v1' });
    const overwritten = await dbx.filesUpload({
      path: '/modes.txt',
      contents: 'v2',
      mode: { '.tag': 'overwrite' },
    });
    expect(overwritten.result.id).toBe(original.result.id);
    expect(overwritten.result.rev).not.toBe(original.result.rev);

    const updated = await dbx.filesUpload({
      path: '/modes.txt',
      contents: 'v3',
      mode: { '.tag': 'update', update: overwritten.result.rev },
    });
    expect(updated.result.rev).not.toBe(overwritten.result.rev);

    const stale = await dropboxError(
      dbx.filesUpload({
        path: '/modes.txt',
        contents: 'v4',
        mode: { '.tag': 'update', update: original.result.rev },
      }),
    );
    expect(stale.error.error.reason).toEqual({ '.tag': 'conflict', conflict: { '.tag': 'file' } });
    const copy = await dbx.filesUpload({
      path: '/modes.txt',
      contents: 'v4',
      mode: { '.tag': 'update', update: original.result.rev },
      autorename: true,
    });
    expect(copy.result.name).toBe('modes (conflicted copy).txt');
  });

  it('keeps the first-written name when a differently-cased path overwrites the file', async () => {
    const first = await dbx.filesUpload({ path: '/Case/Report.TXT', contents: 'one' });
    const second = await dbx.filesUpload({
      path: '/CASE/report.txt',
      contents: 'two',
      mode: { '.tag': 'overwrite' },
    });
    expect(second.result).toMatchObject({
      id: first.result.id,
      name: 'Report.TXT',
      path_display: '/Case/Report.TXT',
    });
  });

  it('makes identical content a conflict under strict_conflict', async () => {
    await dbx.filesUpload({ path: '/strict.txt', contents: 'x' });
    const e = await dropboxError(
      dbx.filesUpload({ path: '/strict.txt', contents: 'x', strict_conflict: true }),
    );
    expect(e.error.error.reason).toEqual({ '.tag': 'conflict', conflict: { '.tag': 'file' } });
  });

  it('reports a file standing where a parent folder should be, and a folder at the target', async () => {
    await dbx.filesUpload({ path: '/plain.txt', contents: 'x' });
    const ancestor = await dropboxError(dbx.filesUpload({ path: '/plain.txt/child.txt', contents: 'x' }));
    expect(ancestor.error.error.reason).toEqual({
      '.tag': 'conflict',
      conflict: { '.tag': 'file_ancestor' },
    });
    await dbx.filesCreateFolderV2({ path: '/a-folder' });
    const folder = await dropboxError(dbx.filesUpload({ path: '/A-Folder', contents: 'x' }));
    expect(folder.error.error.reason).toEqual({ '.tag': 'conflict', conflict: { '.tag': 'folder' } });
  });
});

describe('path rules', () => {
  it.each(['desktop.ini', 'Thumbs.db', '.DS_Store', '.dropbox', 'icon\r'])(
    'refuses the disallowed name %j',
    async (name) => {
      const e = await dropboxError(dbx.filesUpload({ path: `/dir/${name}`, contents: 'x' }));
      expect(e.status).toBe(409);
      expect(e.error.error_summary).toMatch(summaryOf('path/disallowed_name'));
      expect(e.error.error).toMatchObject({ '.tag': 'path', reason: { '.tag': 'disallowed_name' } });
    },
  );

  it.each([
    ['a trailing slash', '/dir/'],
    ['a trailing space', '/dir/name '],
    ['an empty component', '/dir//x'],
    ['a backslash', '/dir/a\\b'],
    ['a 256-unit component', `/${'x'.repeat(256)}`],
    ['emoji past 255 UTF-16 units', `/${'😀'.repeat(128)}`],
  ])('answers malformed_path for %s', async (_label, path) => {
    const e = await dropboxError(dbx.filesUpload({ path, contents: 'x' }));
    expect(e.status).toBe(409);
    expect(e.error.error).toMatchObject({ '.tag': 'path', reason: { '.tag': 'malformed_path' } });
  });

  it('accepts a 255-unit component', async () => {
    const res = await dbx.filesUpload({ path: `/${'y'.repeat(255)}`, contents: 'x' });
    expect(res.result.name).toHaveLength(255);
  });

  it('answers "/" and relative paths with 400 plain text quoting the pattern', async () => {
    const root = await dropboxError(dbx.filesUpload({ path: '/', contents: 'x' }));
    expect(root.status).toBe(400);
    expect(root.headers.get('content-type')).toBe('text/plain; charset=utf-8');
    expect(root.error).toBe(
      'Error in call to API function "files/upload": HTTP header "Dropbox-API-Arg": path: The root folder is unsupported.',
    );
    const relative = await dropboxError(dbx.filesUpload({ path: 'pack.zip', contents: 'x' }));
    expect(relative.error).toBe(
      String.raw`Error in call to API function "files/upload": HTTP header "Dropbox-API-Arg": path: 'pack.zip' did not match pattern '(/(.|[\r\n])*)|(ns:[0-9]+(/(.|[\r\n])*)?)|(id:.*)'`,
    );
    const list = await dropboxError(dbx.filesListFolder({ path: '/' }));
    expect(list.error).toBe(
      'Error in call to API function "files/list_folder": request body: path: Specify the root folder as an empty string rather than as "/".',
    );
  });

  it('decodes \\u escapes in Dropbox-API-Arg and refuses raw non-ASCII', async () => {
    const res = await dbx.filesUpload({ path: '/Ünïcødé/naïve ☺.txt', contents: 'x' });
    expect(res.result.path_display).toBe('/Ünïcødé/naïve ☺.txt');
    const token = (await sim.issueTokens(EMAIL)).access_token as string;
    const rawArg = await raw(sim, '/2/files/upload', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        'Content-Type': 'application/octet-stream',
        'Dropbox-API-Arg': '{"path":"/caf\u00e9.txt"}',
      },
      body: 'x',
    });
    expect(rawArg.status).toBe(400);
    expect(await rawArg.text()).toBe(
      'Error in call to API function "files/upload": HTTP header "Dropbox-API-Arg": could not decode input as JSON',
    );
  });
});

describe('quota', () => {
  it('refuses uploads past the allocation with path/insufficient_space and reports usage', async () => {
    const other = await clientFor(sim, 'full@example.com');
    await sim.setQuota('full@example.com', 1000);
    await other.filesUpload({ path: '/fits.bin', contents: Buffer.alloc(600) });
    const e = await dropboxError(other.filesUpload({ path: '/overflows.bin', contents: Buffer.alloc(401) }));
    expect(e.status).toBe(409);
    expect(e.error.error_summary).toMatch(summaryOf('path/insufficient_space'));
    expect(e.error.error).toMatchObject({ '.tag': 'path', reason: { '.tag': 'insufficient_space' } });
    const usage = await other.usersGetSpaceUsage();
    expect(usage.result).toEqual({ used: 600, allocation: { '.tag': 'individual', allocated: 1000 } });
    // Overwriting replaces the old size rather than adding to it.
    await other.filesUpload({
      path: '/fits.bin',
      contents: Buffer.alloc(1000),
      mode: { '.tag': 'overwrite' },
    });
  });
});

describe('GET /__sim/files', () => {
  it('lists exactly what was uploaded, with each file’s sha256', async () => {
    const sim2 = await startSim();
    try {
      const client = await clientFor(sim2, 'listing@example.com');
      const a = patternBytes(1234, 7);
      const b = Buffer.from('second file');
      await client.filesUpload({ path: '/Acme/b.txt', contents: b });
      await client.filesUpload({ path: '/Acme/a.bin', contents: a });
      const res = await raw(sim2, '/__sim/files');
      expect(res.headers.get('content-type')).toBe('application/json');
      const body = await res.json();
      expect(body).toEqual({
        accounts: [
          {
            accountId: expect.stringMatching(/^dbid:/),
            email: 'listing@example.com',
            files: [
              {
                path_display: '/Acme/a.bin',
                size: a.length,
                content_hash: contentHash(a),
                sha256: sha256(a),
              },
              {
                path_display: '/Acme/b.txt',
                size: b.length,
                content_hash: contentHash(b),
                sha256: sha256(b),
              },
            ],
          },
        ],
      });
    } finally {
      await sim2.close();
    }
  });
});
