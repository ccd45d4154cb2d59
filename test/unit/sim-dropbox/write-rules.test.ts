import { describe, expect, it } from 'vitest';
import { autorenamed } from '../../../src/sandbox/dropbox/write.ts';
import { Namespace } from '../../../src/sandbox/dropbox/namespace.ts';

describe('autorenamed', () => {
  it('numbers files before the extension and folders at the end', () => {
    expect(autorenamed('report.pdf', 1, 'number', true)).toBe('report (1).pdf');
    expect(autorenamed('archive.tar.gz', 2, 'number', true)).toBe('archive.tar (2).gz');
    expect(autorenamed('.bashrc', 1, 'number', true)).toBe('.bashrc (1)');
    expect(autorenamed('v1.2', 1, 'number', false)).toBe('v1.2 (1)');
  });

  it('marks failed updates as conflicted copies', () => {
    expect(autorenamed('doc.txt', 1, 'conflicted', true)).toBe('doc (conflicted copy).txt');
    expect(autorenamed('doc.txt', 2, 'conflicted', true)).toBe('doc (conflicted copy 2).txt');
  });
});

describe('Namespace', () => {
  const file = (path: string, size: number) => ({
    kind: 'file' as const,
    id: `id:${path}`,
    name: path.split('/').pop()!,
    pathLower: path.toLowerCase(),
    pathDisplay: path,
    seq: 0,
    size,
    contentHash: 'h',
    sha256: 's',
    rev: '000000001',
    clientModified: 0,
    serverModified: 0,
    blobPath: '/dev/null',
  });

  it('tracks usage, sequence numbers and tombstones', () => {
    const ns = new Namespace();
    ns.put({ kind: 'folder', id: 'id:d', name: 'D', pathLower: '/d', pathDisplay: '/D', seq: 0 });
    ns.put(file('/D/a.txt', 5));
    ns.put(file('/D/b.txt', 7));
    expect(ns.usedBytes).toBe(12);
    ns.put(file('/D/a.txt', 1));
    expect(ns.usedBytes).toBe(8);
    expect(ns.seq).toBe(4);
    expect(
      ns
        .children('/d')
        .map((n) => n.name)
        .sort(),
    ).toEqual(['a.txt', 'b.txt']);

    const removed = ns.remove('/d');
    expect(removed.map((n) => n.pathLower).sort()).toEqual(['/d', '/d/a.txt', '/d/b.txt']);
    expect(ns.usedBytes).toBe(0);
    expect(ns.tombstone('/d/a.txt')?.seq).toBeGreaterThan(4);
    expect(ns.getById('id:/D/b.txt')).toBeUndefined();
    // Writing the path again clears its tombstone.
    ns.put(file('/D/a.txt', 2));
    expect(ns.tombstone('/d/a.txt')).toBeUndefined();
  });

  it('hands out distinct hex revs of at least nine characters', () => {
    const ns = new Namespace();
    const revs = new Set(Array.from({ length: 50 }, () => ns.newRev()));
    expect(revs.size).toBe(50);
    for (const rev of revs) expect(rev).toMatch(/^[0-9a-f]{9,}$/);
  });
});
