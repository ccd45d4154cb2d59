import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/lib/content-hash.ts';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import {
  commitCallsOf,
  destinationFor,
  destinationError,
  expectNoRenamedCopies,
  filesOf,
  patternBytes,
  piecewise,
  sha256,
  startSim,
} from './helpers.ts';

// Puts against the simulator over HTTP with the real SDK: batching, sizes around the chunk size,
// write modes and path refusals.

const MIB = 1024 * 1024;
let sim: DropboxSim;

beforeAll(async () => {
  sim = await startSim();
});

afterAll(async () => {
  await expectNoRenamedCopies(sim);
  await sim.close();
});

describe('batch commits', () => {
  it('commits 100 small files with one or two finish_batch_v2 calls, each file intact', async () => {
    const email = 'batch@example.com';
    const destination = await destinationFor(sim, email);
    const files = Array.from({ length: 100 }, (_, i) => ({
      path: `/Acme/2026/2026-01/2026-01-0${(i % 9) + 1}/Calls/call-${i}.json`,
      bytes: patternBytes(200 + i * 37, i + 1),
    }));

    const committed = await Promise.all(
      files.map((f, i) =>
        destination.put(f.path, i % 2 ? f.bytes : piecewise(f.bytes, 100), {
          mode: 'add',
          size: f.bytes.length,
        }),
      ),
    );

    const calls = await commitCallsOf(sim, email);
    expect(calls).toBeGreaterThanOrEqual(1);
    expect(calls).toBeLessThanOrEqual(2);
    expect(destination.stats().commitCalls).toBe(calls);
    const stored = await filesOf(sim, email);
    expect(stored.size).toBe(100);
    files.forEach((f, i) => {
      expect(stored.get(f.path.toLowerCase())?.sha256).toBe(sha256(f.bytes));
      expect(committed[i]).toMatchObject({
        path: f.path,
        size: f.bytes.length,
        sha256: sha256(f.bytes),
        remoteHash: { algorithm: 'dropbox-content-hash', value: contentHash(f.bytes) },
      });
    });
    console.log(`100 small files: ${calls} finish_batch_v2 call(s); adapter stats`, destination.stats());
  });

  it('flush() sends a partial batch at once instead of waiting for the idle timer', async () => {
    const destination = await destinationFor(sim, 'flush@example.com', {
      batchIdleMs: 60_000,
      batchMaxWaitMs: 60_000,
    });
    const put = destination.put('/flush/a.txt', Buffer.from('a'), { mode: 'add' });
    // Give the upload time to reach the queue, then flush.
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    await destination.flush();
    await expect(put).resolves.toMatchObject({ size: 1 });
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});

describe('sizes around the chunk size (8 MiB chunks)', () => {
  const sizes: Array<[string, number, number]> = [
    // name, size, append_v2 calls expected (start carries the first chunk)
    ['0 bytes', 0, 0],
    ['1 byte', 1, 0],
    ['exactly 8 MiB', 8 * MIB, 0],
    ['8 MiB + 1', 8 * MIB + 1, 1],
    ['20 MiB', 20 * MIB, 2],
  ];

  it.each(sizes)('stores %s with the right content_hash', async (name, size, appends) => {
    const email = `size-${size}@example.com`;
    const destination = await destinationFor(sim, email);
    const bytes = patternBytes(size, size + 7);
    const path = `/sizes/${name.replace(/\W+/g, '-')}.bin`;

    const committed = await destination.put(path, piecewise(bytes), { mode: 'add', size });

    expect(committed.remoteHash).toEqual({ algorithm: 'dropbox-content-hash', value: contentHash(bytes) });
    expect(committed.sha256).toBe(sha256(bytes));
    const stored = (await filesOf(sim, email)).get(path.toLowerCase());
    expect(stored).toMatchObject({ size, content_hash: contentHash(bytes), sha256: sha256(bytes) });
    expect(destination.stats()).toMatchObject({ startCalls: 1, appendCalls: appends, commitCalls: 1 });
  });

  it('takes a Buffer body of several chunks, and a stream of unknown size', async () => {
    const email = 'buffers@example.com';
    const destination = await destinationFor(sim, email);
    const a = patternBytes(17 * MIB + 3, 3);
    const b = patternBytes(16 * MIB, 4);
    const [ca, cb] = await Promise.all([
      destination.put('/buffers/a.bin', a, { mode: 'add' }),
      destination.put('/buffers/b.bin', piecewise(b, 1 * MIB + 5), { mode: 'add' }),
    ]);
    expect(ca.remoteHash.value).toBe(contentHash(a));
    expect(cb.remoteHash.value).toBe(contentHash(b));
    const stored = await filesOf(sim, email);
    expect(stored.get('/buffers/a.bin')?.sha256).toBe(sha256(a));
    expect(stored.get('/buffers/b.bin')?.sha256).toBe(sha256(b));
  });
});

describe('write modes', () => {
  const email = 'modes@example.com';

  it("re-putting identical bytes in 'add' mode succeeds without a new revision", async () => {
    const destination = await destinationFor(sim, email);
    const bytes = patternBytes(5000, 11);
    const first = await destination.put('/modes/same.mp3', bytes, { mode: 'add' });
    const committedBefore = (await sim.stats(email)).accounts[0]!.filesCommitted;
    const second = await destination.put('/modes/same.mp3', piecewise(bytes), { mode: 'add' });
    expect(second.rev).toBe(first.rev);
    expect(second.remoteHash).toEqual(first.remoteHash);
    expect((await sim.stats(email)).accounts[0]!.filesCommitted).toBe(committedBefore);
  });

  it("different bytes in 'add' mode fail with kind 'item' naming the path, and leave the file alone", async () => {
    const destination = await destinationFor(sim, email);
    const original = patternBytes(3000, 12);
    await destination.put('/modes/taken.pdf', original, { mode: 'add' });
    const error = await destinationError(
      destination.put('/modes/taken.pdf', patternBytes(3000, 13), { mode: 'add' }),
      'item',
    );
    expect(error.message).toContain('/modes/taken.pdf');
    expect(error.message).toContain('path/conflict/file');
    expect((await filesOf(sim, email)).get('/modes/taken.pdf')?.sha256).toBe(sha256(original));
  });

  it("'overwrite' replaces the file with a new revision", async () => {
    const destination = await destinationFor(sim, email);
    const first = await destination.put('/modes/calls.csv', Buffer.from('a,b\n1,2\n'), { mode: 'overwrite' });
    const next = Buffer.from('a,b\n1,2\n3,4\n');
    const second = await destination.put('/modes/calls.csv', next, { mode: 'overwrite' });
    expect(second.rev).not.toBe(first.rev);
    expect((await filesOf(sim, email)).get('/modes/calls.csv')?.sha256).toBe(sha256(next));
    expect(await destination.read('/modes/calls.csv')).toEqual(next);
  });

  it("refuses names Dropbox refuses with kind 'item' and Dropbox's summary", async () => {
    const destination = await destinationFor(sim, email);
    const disallowed = await destinationError(
      destination.put('/modes/desktop.ini', Buffer.from('x'), { mode: 'add' }),
      'item',
    );
    expect(disallowed.message).toContain('disallowed_name');
    const malformed = await destinationError(
      destination.put(`/modes/${'a'.repeat(256)}.txt`, Buffer.from('x'), { mode: 'add' }),
      'item',
    );
    expect(malformed.message).toContain('malformed_path');
    // A file where a folder should be.
    await destination.put('/modes/file', Buffer.from('x'), { mode: 'add' });
    const ancestor = await destinationError(
      destination.put('/modes/file/child.txt', Buffer.from('y'), { mode: 'add' }),
      'item',
    );
    expect(ancestor.message).toContain('file_ancestor');
  });
});
