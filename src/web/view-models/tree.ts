/**
 * The archive as a folder tree, from the ledger's paths (no Dropbox call): folders with how many
 * files they hold, and the files themselves at the deepest levels shown.
 */
export interface TreeLine {
  depth: number;
  name: string;
  folder: boolean;
  files: number;
  bytes: number;
}

interface Node {
  children: Map<string, Node>;
  files: number;
  bytes: number;
  file: boolean;
}

const newNode = (file = false): Node => ({ children: new Map(), files: 0, bytes: 0, file });

export function treeLines(
  entries: Iterable<{ path: string; size: number }>,
  maxLines = 2_000,
): { lines: TreeLine[]; truncated: boolean } {
  const root = newNode();
  for (const { path, size } of entries) {
    const parts = path.split('/').filter(Boolean);
    let node = root;
    node.files += 1;
    node.bytes += size;
    parts.forEach((part, i) => {
      const leaf = i === parts.length - 1;
      let child = node.children.get(part);
      if (!child) node.children.set(part, (child = newNode(leaf)));
      child.files += 1;
      child.bytes += size;
      node = child;
    });
  }
  const lines: TreeLine[] = [];
  let truncated = false;
  const walk = (node: Node, depth: number) => {
    const names = [...node.children.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    for (const name of names) {
      if (lines.length >= maxLines) {
        truncated = true;
        return;
      }
      const child = node.children.get(name)!;
      lines.push({ depth, name, folder: !child.file, files: child.files, bytes: child.bytes });
      walk(child, depth + 1);
    }
  };
  walk(root, 0);
  return { lines, truncated };
}
