import type { Account } from './accounts.ts';
import type { ArgReader, Obj } from './args.ts';
import { TIMESTAMP_PATTERN } from './clock.ts';
import type { JsonObject } from './errors.ts';
import { newItemId } from './ids.ts';
import type { FileNode, FolderNode, Namespace } from './namespace.ts';
import { lowerPath, parsePath, type ParsedPath, type PathProblem } from './paths.ts';
import type { IncomingContent } from './sessions.ts';
import type { SimState } from './state.ts';

/**
 * Writing into a namespace with Dropbox's WriteMode rules: add / overwrite / update(rev),
 * autorename, strict_conflict, identical content as a no-op, implicit parent folders, quota.
 * Failures are WriteError values for the route to wrap in its own union.
 */

type WriteMode = { tag: 'add' } | { tag: 'overwrite' } | { tag: 'update'; rev: string };

export interface CommitInfo {
  path: ParsedPath;
  mode: WriteMode;
  autorename: boolean;
  strictConflict: boolean;
  clientModified: number | null;
}

export type CommitOutcome = { ok: true; node: FileNode; written: boolean } | { ok: false; error: JsonObject };

/** Reads a CommitInfo (or UploadArg) from an argument object; `prefix` names nested fields (`commit.`). */
export function readCommitInfo(reader: ArgReader, obj: Obj, prefix = ''): CommitInfo {
  const path = parsePath(reader.string(obj, 'path', prefix), 'writeOrId', reader.site, `${prefix}path`);
  const mode = reader.union(obj, 'mode', { void: ['add', 'overwrite'], valued: ['update'] }, 'add', prefix);
  const clientModified = reader.optionalString(obj, 'client_modified', prefix);
  if (clientModified !== undefined && !TIMESTAMP_PATTERN.test(clientModified)) {
    reader.fail(
      `${prefix}client_modified`,
      `time data '${clientModified}' does not match format '%Y-%m-%dT%H:%M:%SZ'`,
    );
  }
  let writeMode: WriteMode = { tag: mode.tag === 'overwrite' ? 'overwrite' : 'add' };
  if (mode.tag === 'update') {
    const rev = reader.string(mode.value, 'update', `${prefix}mode.`);
    if (!/^[0-9a-f]{9,}$/.test(rev))
      reader.fail(`${prefix}mode.update`, `'${rev}' did not match pattern '[0-9a-f]+'`);
    writeMode = { tag: 'update', rev };
  }
  return {
    path,
    mode: writeMode,
    autorename: reader.boolean(obj, 'autorename', false, prefix),
    strictConflict: reader.boolean(obj, 'strict_conflict', false, prefix),
    clientModified: clientModified === undefined ? null : Date.parse(clientModified),
  };
}

function pathProblemError(problem: PathProblem): JsonObject {
  return problem === 'malformed_path'
    ? { '.tag': 'malformed_path', malformed_path: null }
    : { '.tag': problem };
}

const conflict = (kind: 'file' | 'folder' | 'file_ancestor'): JsonObject => ({
  '.tag': 'conflict',
  conflict: { '.tag': kind },
});

/** The display components a write targets, or the WriteError why it cannot. */
function writeComponents(account: Account, parsed: ParsedPath): string[] | JsonObject {
  if (parsed.problem) return pathProblemError(parsed.problem);
  const ref = parsed.ref;
  let components: string[];
  if (ref.kind === 'path') components = ref.components;
  else if (ref.kind === 'ns') {
    if (ref.ns !== account.rootNamespaceId) return { '.tag': 'no_write_permission' };
    components = ref.components;
  } else if (ref.kind === 'id') {
    const node = account.namespace.getById(ref.id);
    if (!node || (node.kind === 'file' && ref.components.length > 0))
      return pathProblemError('malformed_path');
    components = [...node.pathDisplay.slice(1).split('/'), ...ref.components];
  } else return pathProblemError('malformed_path');
  return components.length === 0 ? pathProblemError('malformed_path') : components;
}

/**
 * Autorename candidates: `report (1).pdf`, `report (2).pdf`; a failed `update` uses
 * `report (conflicted copy).pdf`. Folders keep their whole name before the number.
 */
export function autorenamed(
  name: string,
  n: number,
  style: 'number' | 'conflicted',
  isFile: boolean,
): string {
  const dot = isFile ? name.lastIndexOf('.') : -1;
  const [base, ext] = dot > 0 ? [name.slice(0, dot), name.slice(dot)] : [name, ''];
  if (style === 'number') return `${base} (${n})${ext}`;
  return n === 1 ? `${base} (conflicted copy)${ext}` : `${base} (conflicted copy ${n})${ext}`;
}

function freeName(
  ns: Namespace,
  parent: string[],
  name: string,
  style: 'number' | 'conflicted',
  isFile: boolean,
) {
  for (let n = 1; ; n += 1) {
    const candidate = autorenamed(name, n, style, isFile);
    if (!ns.get(lowerPath([...parent, candidate]))) return [...parent, candidate];
  }
}

/** A file sitting where one of the parent folders should be. */
export function hasFileAncestor(ns: Namespace, components: string[]): boolean {
  for (let i = 1; i < components.length; i += 1) {
    if (ns.get(lowerPath(components.slice(0, i)))?.kind === 'file') return true;
  }
  return false;
}

/** Creates the missing parent folders of a path (uploads do this implicitly). */
function ensureParents(ns: Namespace, components: string[]): string {
  let display = '';
  for (let i = 1; i < components.length; i += 1) {
    const prefix = components.slice(0, i);
    const existing = ns.get(lowerPath(prefix));
    if (existing) {
      display = existing.pathDisplay;
      continue;
    }
    const name = prefix[prefix.length - 1] ?? '';
    display = `${display}/${name}`;
    ns.put({
      kind: 'folder',
      id: newItemId(),
      name,
      pathLower: lowerPath(prefix),
      pathDisplay: display,
      seq: 0,
    });
  }
  return display;
}

type Placement = { error: JsonObject } | { unchanged: FileNode } | { target: string[] };

/** Where the file goes after applying the write mode, or the WriteError. */
function placeFile(
  account: Account,
  info: CommitInfo,
  content: IncomingContent,
  components: string[],
): Placement {
  const ns = account.namespace;
  if (hasFileAncestor(ns, components)) return { error: conflict('file_ancestor') };
  const existing = ns.get(lowerPath(components));
  const parent = components.slice(0, -1);
  const name = components[components.length - 1] ?? '';
  const rename = (style: 'number' | 'conflicted', kind: 'file' | 'folder'): Placement =>
    info.autorename ? { target: freeName(ns, parent, name, style, true) } : { error: conflict(kind) };

  if (!existing) {
    // strict_conflict makes an update a conflict "even if the existing file has been deleted".
    if (info.mode.tag === 'update' && info.strictConflict) return rename('conflicted', 'file');
    return { target: components };
  }
  if (existing.kind === 'folder') return rename('number', 'folder');
  const identical = existing.contentHash === content.contentHash && existing.size === content.size;
  if (identical && !info.strictConflict) return { unchanged: existing };
  if (info.mode.tag === 'overwrite') return { target: components };
  if (info.mode.tag === 'update') {
    if (existing.rev === info.mode.rev && !(info.strictConflict && identical)) return { target: components };
    return rename('conflicted', 'file');
  }
  return rename('number', 'file');
}

/** Commits uploaded content to a path. The content's file is moved into place on success. */
export async function commitFile(
  sim: SimState,
  account: Account,
  info: CommitInfo,
  content: IncomingContent,
): Promise<CommitOutcome> {
  const components = writeComponents(account, info.path);
  if (!Array.isArray(components)) return { ok: false, error: components };
  const placed = placeFile(account, info, content, components);
  if ('error' in placed) return { ok: false, error: placed.error };
  if ('unchanged' in placed) return { ok: true, node: placed.unchanged, written: false };

  const ns = account.namespace;
  const replaced = ns.get(lowerPath(placed.target));
  const replacedSize = replaced?.kind === 'file' ? replaced.size : 0;
  if (ns.usedBytes - replacedSize + content.size > account.allocatedBytes) {
    return { ok: false, error: { '.tag': 'insufficient_space' } };
  }
  const blobPath = await sim.blobs.adopt(content.file, content.size);
  const now = sim.clock.now();
  const { node, replaced: old } = putFile(ns, placed.target, {
    size: content.size,
    contentHash: content.contentHash,
    sha256: content.sha256,
    blobPath,
    clientModified: info.clientModified ?? now,
    serverModified: now,
  });
  if (old) await sim.blobs.remove(old.blobPath);
  sim.stats.for(account.accountId).filesCommitted += 1;
  return { ok: true, node, written: true };
}

/**
 * Puts a file node at a path, creating parents, keeping the id of a file it replaces and giving it
 * a new rev. Used by commits and by the simulator's own file edits; the caller frees the bytes of
 * the file it returns as replaced.
 */
export function putFile(
  ns: Namespace,
  components: string[],
  data: Pick<FileNode, 'size' | 'contentHash' | 'sha256' | 'blobPath' | 'clientModified' | 'serverModified'>,
): { node: FileNode; replaced: FileNode | null } {
  const parentDisplay = ensureParents(ns, components);
  const previous = ns.get(lowerPath(components));
  // Replacing a file keeps its name as first written: paths differing only in case are one file.
  const name = previous?.name ?? components[components.length - 1] ?? '';
  const node: FileNode = {
    kind: 'file',
    id: previous?.kind === 'file' ? previous.id : newItemId(),
    name,
    pathLower: lowerPath(components),
    pathDisplay: `${parentDisplay}/${name}`,
    seq: 0,
    rev: ns.newRev(),
    ...data,
  };
  ns.put(node);
  return { node, replaced: previous?.kind === 'file' ? previous : null };
}

/** create_folder_v2: a folder and its missing parents, with autorename on conflict. */
export function createFolder(
  account: Account,
  parsed: ParsedPath,
  autorename: boolean,
): FolderNode | JsonObject {
  const components = writeComponents(account, parsed);
  if (!Array.isArray(components)) return components;
  const ns = account.namespace;
  if (hasFileAncestor(ns, components)) return conflict('file_ancestor');
  let target = components;
  const existing = ns.get(lowerPath(components));
  if (existing) {
    if (!autorename) return conflict(existing.kind);
    target = freeName(ns, components.slice(0, -1), components[components.length - 1] ?? '', 'number', false);
  }
  const parentDisplay = ensureParents(ns, target);
  const name = target[target.length - 1] ?? '';
  const folder: FolderNode = {
    kind: 'folder',
    id: newItemId(),
    name,
    pathLower: lowerPath(target),
    pathDisplay: `${parentDisplay}/${name}`,
    seq: 0,
  };
  ns.put(folder);
  return folder;
}
