import type { files } from 'dropbox';
import type { RemoteFile } from '../types.ts';
import { isPathNotFound } from './errors.ts';
import { DROPBOX_HASH } from './identity.ts';
import { callDropbox, type CallContext } from './retry.ts';

/**
 * Every file under a folder, recursively: `files/list_folder` with `recursive: true`, then
 * `list_folder/continue` while `has_more`. Folders and deleted entries are skipped. A folder that
 * does not exist (yet) lists as empty: for the archiver that simply means nothing was archived there.
 */
export async function* listFiles(ctx: CallContext, folder: string): AsyncGenerator<RemoteFile> {
  // Dropbox names the root "" (and refuses "/"); no path may end with a slash.
  const path = folder.replace(/\/+$/, '');
  const what = `listing of ${folder || '/'}`;
  let page: files.ListFolderResult;
  try {
    page = await callDropbox(
      ctx,
      'listCalls',
      what,
      async (client, request) =>
        (
          await client.filesListFolder(
            { path, recursive: true, include_deleted: false, limit: 2000 },
            request,
          )
        ).result,
    );
  } catch (error) {
    if (isPathNotFound(error)) return;
    throw error;
  }
  for (;;) {
    for (const entry of page.entries) {
      if (entry['.tag'] !== 'file') continue;
      yield {
        path: entry.path_display ?? entry.path_lower ?? entry.name,
        size: entry.size,
        remoteHash: { algorithm: DROPBOX_HASH, value: entry.content_hash ?? '' },
      };
    }
    if (!page.has_more) return;
    const cursor = page.cursor;
    page = await callDropbox(
      ctx,
      'listCalls',
      what,
      async (client, request) => (await client.filesListFolderContinue({ cursor }, request)).result,
    );
  }
}
