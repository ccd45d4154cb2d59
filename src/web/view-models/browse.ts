import { dataKind, kindLabel } from '../../archive/kinds/registry.ts';
import { folderName, normalizeFolder } from '../../store/folders.ts';
import { UserInputError } from '../../lib/errors.ts';
import type { FolderSummary, LedgerEntry, Page } from '../../store/types.ts';
import { presentationOf } from './item.ts';

/**
 * One folder of the archive at a time (from the store's folder totals, no destination call): its
 * breadcrumbs, its sub-folders with their file counts and sizes, and a page of its own files, each
 * with a way to open or play it and, for a call's or message's record, its item page.
 */

export const FILES_PER_PAGE = 100;

/** The folder a `path=` parameter names: '' is the root; anything odd is a 400. */
export function browsePath(value: unknown): string {
  if (value === undefined || value === '') return '';
  if (typeof value !== 'string' || value.length > 1000 || value.includes('\u0000'))
    throw new UserInputError('That is not a folder of the archive.');
  return normalizeFolder(value);
}

export const browseHref = (path: string): string =>
  path ? `/archive/browse?path=${encodeURIComponent(path)}` : '/archive/browse';

/** A ledger file's own address, to open or play it. */
export const fileHref = (file: LedgerEntry, purpose: 'play' | 'view' | 'download'): string =>
  `/archive/file?${new URLSearchParams({ kind: file.kind, sourceId: file.sourceId, attachmentId: file.attachmentId, as: purpose }).toString()}`;

export function browseView(input: {
  path: string;
  folder: FolderSummary | null;
  folders: FolderSummary[];
  files: Page<LedgerEntry>;
}) {
  const parts = input.path.split('/').filter(Boolean);
  const crumbs = [{ name: 'Archive', href: browseHref('') }].concat(
    parts.map((name, i) => ({ name, href: browseHref(`/${parts.slice(0, i + 1).join('/')}`) })),
  );
  return {
    path: input.path,
    crumbs,
    totals: input.folder,
    folders: input.folders.map((f) => ({ ...f, href: browseHref(f.path) })),
    files: input.files.items.map((file) => {
      const audio = presentationOf(file.path) === 'audio';
      const record = dataKind(file.kind)?.holds.record === true;
      return {
        name: folderName(file.path),
        label: kindLabel(file.kind),
        size: file.size,
        archivedAt: file.archivedAt,
        action: audio ? 'Play' : 'Open',
        href: fileHref(file, audio ? 'play' : 'view'),
        download: fileHref(file, 'download'),
        item: record ? `/items/${file.kind}-${file.sourceId}` : null,
      };
    }),
    nextHref: input.files.next
      ? `${browseHref(input.path)}${input.path ? '&' : '?'}after=${encodeURIComponent(input.files.next)}`
      : null,
  };
}
