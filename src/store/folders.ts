/**
 * Folders of the archive as the store keeps their totals: every folder that holds a file, however
 * deep, counts it (and its bytes). Paths are the ledger's ("/Company/2026/calls.csv"); a folder is
 * "/Company/2026", the root is ''.
 */

/** The folder a file (or folder) is directly in: '' for one at the root. */
export function parentFolder(path: string): string {
  const slash = path.lastIndexOf('/');
  return slash <= 0 ? '' : path.slice(0, slash);
}

/** Every folder that holds the file, from the top down: "/A/B/c.txt" → ["/A", "/A/B"]. */
export function foldersHolding(path: string): string[] {
  const folders: string[] = [];
  for (let i = path.indexOf('/', 1); i > 0; i = path.indexOf('/', i + 1)) folders.push(path.slice(0, i));
  return folders;
}

export const folderName = (path: string): string => path.slice(path.lastIndexOf('/') + 1);

/** A folder path as given by a user or a link: "/A/B/" → "/A/B", "/" and "" → ''. */
export function normalizeFolder(path: string): string {
  const parts = path.split('/').filter(Boolean);
  return parts.length ? `/${parts.join('/')}` : '';
}

/** A change in one folder's totals. */
export interface FolderDelta {
  path: string;
  parent: string;
  files: number;
  bytes: number;
}

/**
 * The totals a ledger write changes: the file leaves the folders of its old path (if it had one)
 * and joins those of its new path, top down, one delta per folder (a folder on both paths gets the
 * net change). Deltas come sorted by path, so concurrent writers lock folder rows in one order.
 */
export function folderDeltas(
  before: { path: string; size: number } | null,
  after: { path: string; size: number } | null,
): FolderDelta[] {
  const deltas = new Map<string, FolderDelta>();
  const add = (file: { path: string; size: number }, sign: number) => {
    for (const folder of foldersHolding(file.path)) {
      const delta = deltas.get(folder) ?? { path: folder, parent: parentFolder(folder), files: 0, bytes: 0 };
      delta.files += sign;
      delta.bytes += sign * file.size;
      deltas.set(folder, delta);
    }
  };
  if (before) add(before, -1);
  if (after) add(after, 1);
  return [...deltas.values()]
    .filter((d) => d.files !== 0 || d.bytes !== 0)
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
