import type { Dropbox } from 'dropbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import { clientFor, dropboxError, startSim } from './helpers.ts';

let sim: DropboxSim;
let dbx: Dropbox;
beforeAll(async () => {
  sim = await startSim();
  dbx = await clientFor(sim, 'folders@example.com');
});
afterAll(() => sim.close());

type Entry = { '.tag': string; path_display: string; name: string };
const paths = (entries: unknown[]) => (entries as Entry[]).map((e) => `${e['.tag']}:${e.path_display}`);

describe('create_folder_v2', () => {
  it('creates a folder with its parents and answers FolderMetadata without .tag', async () => {
    const res = await dbx.filesCreateFolderV2({ path: '/Acme/2026/Nov' });
    expect(res.result.metadata).not.toHaveProperty('.tag');
    expect(res.result.metadata).toMatchObject({
      name: 'Nov',
      path_display: '/Acme/2026/Nov',
      path_lower: '/acme/2026/nov',
    });
    expect(res.result.metadata.id).toMatch(/^id:/);
  });

  it('answers an existing folder with path/conflict/folder, or renames it on request', async () => {
    const e = await dropboxError(dbx.filesCreateFolderV2({ path: '/acme/2026/NOV' }));
    expect(e.status).toBe(409);
    expect(e.error.error).toEqual({
      '.tag': 'path',
      path: { '.tag': 'conflict', conflict: { '.tag': 'folder' } },
    });
    expect(e.error.error_summary).toMatch(/^path\/conflict\/folder\/\.{0,3}$/);
    const renamed = await dbx.filesCreateFolderV2({ path: '/Acme/2026/Nov', autorename: true });
    expect(renamed.result.metadata.name).toBe('Nov (1)');
  });
});

describe('list_folder', () => {
  beforeAll(async () => {
    for (const name of ['a.txt', 'b.txt', 'c.txt', 'd.txt', 'e.txt']) {
      await dbx.filesUpload({ path: `/List/${name}`, contents: name });
    }
    await dbx.filesUpload({ path: '/List/Sub/deep.txt', contents: 'deep' });
  });

  it('lists the root with "" and a folder’s direct children with .tag on every entry', async () => {
    const root = await dbx.filesListFolder({ path: '' });
    expect(paths(root.result.entries)).toEqual(expect.arrayContaining(['folder:/Acme', 'folder:/List']));
    const list = await dbx.filesListFolder({ path: '/list' });
    expect(paths(list.result.entries).sort()).toEqual([
      'file:/List/a.txt',
      'file:/List/b.txt',
      'file:/List/c.txt',
      'file:/List/d.txt',
      'file:/List/e.txt',
      'folder:/List/Sub',
    ]);
    expect(list.result.has_more).toBe(false);
  });

  it('lists recursively, the folder itself included', async () => {
    const list = await dbx.filesListFolder({ path: '/List', recursive: true });
    expect(paths(list.result.entries)).toEqual(
      expect.arrayContaining(['folder:/List', 'folder:/List/Sub', 'file:/List/Sub/deep.txt']),
    );
    expect(list.result.entries).toHaveLength(8);
  });

  it('pages with limit and continue, then keeps reporting later changes and deletions', async () => {
    const first = await dbx.filesListFolder({ path: '/List', limit: 2 });
    expect(first.result.entries).toHaveLength(2);
    expect(first.result.has_more).toBe(true);
    const seen = [...first.result.entries];
    let cursor = first.result.cursor;
    let hasMore = true;
    while (hasMore) {
      const next = await dbx.filesListFolderContinue({ cursor });
      seen.push(...next.result.entries);
      ({ cursor, has_more: hasMore } = next.result);
    }
    expect(seen).toHaveLength(6);

    // The same cursor stays valid and now reports what changed since.
    await dbx.filesUpload({ path: '/List/f.txt', contents: 'f' });
    await dbx.filesDeleteV2({ path: '/List/a.txt' });
    const changes = await dbx.filesListFolderContinue({ cursor });
    expect(paths(changes.result.entries)).toEqual(['file:/List/f.txt', 'deleted:/List/a.txt']);
    const quiet = await dbx.filesListFolderContinue({ cursor: changes.result.cursor });
    expect(quiet.result).toMatchObject({ entries: [], has_more: false });
  });

  it('gives a latest cursor that sees only what comes after it', async () => {
    const latest = await dbx.filesListFolderGetLatestCursor({ path: '/List' });
    await dbx.filesUpload({ path: '/List/g.txt', contents: 'g' });
    const changes = await dbx.filesListFolderContinue({ cursor: latest.result.cursor });
    expect(paths(changes.result.entries)).toEqual(['file:/List/g.txt']);
  });

  it('answers a missing folder with path/not_found and a file with path/not_folder', async () => {
    const missing = await dropboxError(dbx.filesListFolder({ path: '/nope' }));
    expect(missing.error.error).toEqual({ '.tag': 'path', path: { '.tag': 'not_found' } });
    const file = await dropboxError(dbx.filesListFolder({ path: '/List/b.txt' }));
    expect(file.error.error).toEqual({ '.tag': 'path', path: { '.tag': 'not_folder' } });
  });

  it('refuses a forged cursor with a 400', async () => {
    const e = await dropboxError(dbx.filesListFolderContinue({ cursor: 'not-a-cursor' }));
    expect(e.status).toBe(400);
  });
});

describe('get_metadata and delete_v2', () => {
  it('returns tagged Metadata, by path or by id', async () => {
    const uploaded = await dbx.filesUpload({ path: '/Meta/file.txt', contents: 'meta' });
    const byPath = await dbx.filesGetMetadata({ path: '/meta/FILE.txt' });
    expect(byPath.result).toEqual({ '.tag': 'file', ...uploaded.result });
    const byId = await dbx.filesGetMetadata({ path: uploaded.result.id });
    expect(byId.result).toMatchObject({ '.tag': 'file', id: uploaded.result.id });
  });

  it('refuses the root folder with 400', async () => {
    const e = await dropboxError(dbx.filesGetMetadata({ path: '' }));
    expect(e.status).toBe(400);
    expect(e.error).toBe(
      'Error in call to API function "files/get_metadata": request body: path: The root folder is unsupported.',
    );
  });

  it('deletes a folder with its contents and describes what was deleted', async () => {
    await dbx.filesUpload({ path: '/Gone/one.txt', contents: '1' });
    await dbx.filesUpload({ path: '/Gone/two.txt', contents: '2' });
    const usage = (await dbx.usersGetSpaceUsage()).result.used;
    const res = await dbx.filesDeleteV2({ path: '/gone' });
    expect(res.result.metadata).toMatchObject({ '.tag': 'folder', path_display: '/Gone' });
    expect((await dbx.usersGetSpaceUsage()).result.used).toBe(usage - 2);
    const e = await dropboxError(dbx.filesGetMetadata({ path: '/Gone/one.txt' }));
    expect(e.error.error_summary).toMatch(/^path\/not_found\/\.{0,3}$/);
    const deleted = await dbx.filesGetMetadata({ path: '/Gone/one.txt', include_deleted: true });
    expect(deleted.result).toEqual({
      '.tag': 'deleted',
      name: 'one.txt',
      path_lower: '/gone/one.txt',
      path_display: '/Gone/one.txt',
    });
    const again = await dropboxError(dbx.filesDeleteV2({ path: '/gone' }));
    expect(again.error.error).toEqual({ '.tag': 'path_lookup', path_lookup: { '.tag': 'not_found' } });
  });

  it('deletes a file only at the rev given as parent_rev', async () => {
    const v1 = await dbx.filesUpload({ path: '/Rev/file.txt', contents: 'v1' });
    await dbx.filesUpload({ path: '/Rev/file.txt', contents: 'v2', mode: { '.tag': 'overwrite' } });
    const stale = await dropboxError(dbx.filesDeleteV2({ path: '/Rev/file.txt', parent_rev: v1.result.rev }));
    expect(stale.error.error).toEqual({
      '.tag': 'path_write',
      path_write: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
    });
  });
});

describe('downloads', () => {
  it('serves a byte range with 206', async () => {
    await dbx.filesUpload({ path: '/range.txt', contents: '0123456789' });
    const tokens = await sim.issueTokens('folders@example.com');
    const res = await fetch(`${sim.url}/2/files/download`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${tokens.access_token as string}`,
        'Dropbox-API-Arg': JSON.stringify({ path: '/range.txt' }),
        Range: 'bytes=2-5',
      },
    });
    expect(res.status).toBe(206);
    expect(res.headers.get('content-range')).toBe('bytes 2-5/10');
    expect(await res.text()).toBe('2345');
  });

  it('answers a folder with path/not_file', async () => {
    const e = await dropboxError(dbx.filesDownload({ path: '/List' }));
    expect(e.error.error).toEqual({ '.tag': 'path', path: { '.tag': 'not_file' } });
  });
});
