import { randomHex } from './ids.ts';

/**
 * One account's files and folders, keyed by lower-case path (Dropbox paths are case-insensitive
 * and case-preserving). Every change takes the next sequence number, which is what list_folder
 * cursors remember; deletions leave tombstones so a cursor can report them later.
 */

interface NodeBase {
  id: string;
  /** The last path component with its case preserved. */
  name: string;
  pathLower: string;
  pathDisplay: string;
  /** Sequence number of the change that produced this version. */
  seq: number;
}

export interface FolderNode extends NodeBase {
  kind: 'folder';
}

export interface FileNode extends NodeBase {
  kind: 'file';
  size: number;
  contentHash: string;
  sha256: string;
  rev: string;
  clientModified: number;
  serverModified: number;
  /** Where the bytes live on disk; file content never sits in memory. */
  blobPath: string;
}

export type Node = FolderNode | FileNode;

export interface Tombstone {
  name: string;
  pathLower: string;
  pathDisplay: string;
  seq: number;
}

export function parentOf(pathLower: string): string {
  return pathLower.slice(0, pathLower.lastIndexOf('/'));
}

export function isWithin(pathLower: string, folderLower: string): boolean {
  return folderLower === '' || pathLower.startsWith(`${folderLower}/`);
}

export class Namespace {
  readonly #nodes = new Map<string, Node>();
  readonly #children = new Map<string, Set<string>>();
  readonly #byId = new Map<string, Node>();
  readonly #tombstones = new Map<string, Tombstone>();
  /** Revs only need to be unique hex of at least 9 characters; a per-namespace prefix keeps them distinct. */
  readonly #revPrefix = randomHex(4);
  #revCounter = 0;
  #seq = 0;
  #usedBytes = 0;

  get seq(): number {
    return this.#seq;
  }

  get usedBytes(): number {
    return this.#usedBytes;
  }

  get(pathLower: string): Node | undefined {
    return this.#nodes.get(pathLower);
  }

  getById(id: string): Node | undefined {
    return this.#byId.get(id);
  }

  tombstone(pathLower: string): Tombstone | undefined {
    return this.#tombstones.get(pathLower);
  }

  newRev(): string {
    this.#revCounter += 1;
    return `${this.#revPrefix}${this.#revCounter.toString(16).padStart(8, '0')}`;
  }

  /** Inserts a node or replaces the one at the same path; returns the version it replaced. */
  put(node: Node): Node | undefined {
    const previous = this.#nodes.get(node.pathLower);
    if (previous) this.#unindex(previous);
    this.#seq += 1;
    node.seq = this.#seq;
    this.#nodes.set(node.pathLower, node);
    this.#byId.set(node.id, node);
    this.#tombstones.delete(node.pathLower);
    const parent = parentOf(node.pathLower);
    let siblings = this.#children.get(parent);
    if (!siblings) this.#children.set(parent, (siblings = new Set()));
    siblings.add(node.pathLower);
    if (node.kind === 'file') this.#usedBytes += node.size;
    return previous;
  }

  /** Removes a node and everything under it, leaving tombstones; returns what was removed. */
  remove(pathLower: string): Node[] {
    const node = this.#nodes.get(pathLower);
    if (!node) return [];
    const removed = [node, ...this.descendants(pathLower)];
    for (const item of removed) {
      this.#unindex(item);
      this.#nodes.delete(item.pathLower);
      this.#children.get(parentOf(item.pathLower))?.delete(item.pathLower);
      this.#children.delete(item.pathLower);
      this.#seq += 1;
      this.#tombstones.set(item.pathLower, {
        name: item.name,
        pathLower: item.pathLower,
        pathDisplay: item.pathDisplay,
        seq: this.#seq,
      });
    }
    return removed;
  }

  children(folderLower: string): Node[] {
    const keys = this.#children.get(folderLower) ?? new Set<string>();
    return [...keys].map((key) => this.#nodes.get(key)).filter((n): n is Node => !!n);
  }

  /** Everything below a folder (not the folder itself), depth-first. */
  descendants(folderLower: string): Node[] {
    const out: Node[] = [];
    const stack = [folderLower];
    while (stack.length > 0) {
      for (const child of this.children(stack.pop() ?? '')) {
        out.push(child);
        if (child.kind === 'folder') stack.push(child.pathLower);
      }
    }
    return out;
  }

  tombstonesWithin(folderLower: string): Tombstone[] {
    return [...this.#tombstones.values()].filter((t) => isWithin(t.pathLower, folderLower));
  }

  files(): FileNode[] {
    return [...this.#nodes.values()].filter((n): n is FileNode => n.kind === 'file');
  }

  #unindex(node: Node): void {
    this.#byId.delete(node.id);
    if (node.kind === 'file') this.#usedBytes -= node.size;
  }
}
