import { kindLabel } from '../../archive/kinds/registry.ts';
import { folderName, parentFolder } from '../../store/folders.ts';
import type { LedgerEntry, SearchEntry } from '../../store/types.ts';
import { itemId } from './search.ts';

/**
 * One archived call or message as its page shows it: the record's fields from the search index,
 * and each archived file with how the browser shows it (an audio player, the PDF, the picture) —
 * its bytes always come from the destination's short-lived link, never through this server.
 */

export type Presentation = 'audio' | 'pdf' | 'image' | 'text' | 'record' | 'file';

/** What a file is shown as, from its name (the archive names files by their content type). */
export function presentationOf(path: string): Presentation {
  const extension = /\.([A-Za-z0-9]+)$/.exec(path)?.[1]?.toLowerCase() ?? '';
  if (['mp3', 'wav', 'ogg', 'm4a'].includes(extension)) return 'audio';
  if (extension === 'pdf') return 'pdf';
  if (['jpg', 'jpeg', 'png', 'gif', 'bmp', 'webp'].includes(extension)) return 'image';
  if (extension === 'txt') return 'text';
  if (extension === 'json') return 'record';
  return 'file';
}

/** Why a file's bytes were asked for: each is written to the audit log as its own action. */
export const ACCESS_ACTIONS = {
  play: 'item.played',
  view: 'item.viewed',
  download: 'item.downloaded',
} as const;
export type AccessPurpose = keyof typeof ACCESS_ACTIONS;

export function accessPurpose(value: unknown): AccessPurpose | null {
  return value === 'play' || value === 'view' || value === 'download' ? value : null;
}

/** Dropbox's own page of the file's folder, with the file previewed; null when unknown. */
export function dropboxWebUrl(appFolder: string | undefined, path: string): string {
  const base = `https://www.dropbox.com/home/Apps${appFolder ? `/${encodeURIComponent(appFolder)}` : ''}`;
  if (!appFolder) return base;
  const folder = parentFolder(path).split('/').map(encodeURIComponent).join('/');
  return `${base}${folder}?preview=${encodeURIComponent(folderName(path))}`;
}

export function itemView(
  entry: SearchEntry,
  ledger: readonly LedgerEntry[],
  options: { dropbox: boolean; appFolder: string | undefined },
) {
  const id = itemId(entry);
  const byKey = new Map(ledger.map((e) => [`${e.kind}\u0000${e.sourceId}\u0000${e.attachmentId}`, e]));
  const files = entry.files.map((key, index) => {
    const archived = byKey.get(`${key.kind}\u0000${key.sourceId}\u0000${key.attachmentId}`) ?? null;
    const show = archived ? presentationOf(archived.path) : 'file';
    const content = `/items/${id}/content?file=${index}`;
    return {
      index,
      label: kindLabel(key.kind),
      name: archived ? folderName(archived.path) : null,
      size: archived?.size ?? null,
      archived: archived !== null,
      show,
      src: `${content}&as=${show === 'audio' ? 'play' : 'view'}`,
      download: `${content}&as=download`,
      dropbox: archived && options.dropbox ? dropboxWebUrl(options.appFolder, archived.path) : null,
    };
  });
  return { id, entry, label: kindLabel(entry.kind), files };
}
