import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/lib/content-hash.ts';
import { simulatorFetch } from '../../../src/destinations/dropbox/simulator-fetch.ts';
import type { RemoteFile } from '../../../src/destinations/types.ts';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import { destinationFor, patternBytes, startSim } from './helpers.ts';

// Reading back: list (recursive, paged with list_folder/continue), read, space usage.

let sim: DropboxSim;
const email = 'reader@example.com';

beforeAll(async () => {
  sim = await startSim();
});

afterAll(async () => {
  await sim.close();
});

async function all(files: AsyncIterable<RemoteFile>): Promise<RemoteFile[]> {
  const out: RemoteFile[] = [];
  for await (const file of files) out.push(file);
  return out;
}

describe('list', () => {
  it('lists every file under a folder recursively, across pages', async () => {
    // More entries than one list_folder page holds (2000), in nested folders, put there as the user.
    const expected = new Map<string, RemoteFile>();
    for (let i = 0; i < 2100; i += 1) {
      const path = `/Acme/2026/2026-0${(i % 3) + 1}/Ext ${i % 7}/file-${i}.json`;
      const bytes = Buffer.from(`{"i":${i}}`);
      await sim.putFile(email, path, bytes);
      expected.set(path, {
        path,
        size: bytes.length,
        remoteHash: { algorithm: 'dropbox-content-hash', value: contentHash(bytes) },
      });
    }
    await sim.putFile(email, '/Elsewhere/other.txt', 'not listed');
    const destination = await destinationFor(sim, email);

    const listed = await all(destination.list('/Acme'));

    expect(listed).toHaveLength(2100);
    expect(new Map(listed.map((f) => [f.path, f]))).toEqual(expected);
    expect(destination.stats().listCalls).toBeGreaterThanOrEqual(2);
    // The root is "" for Dropbox; "/" and "" both mean it here.
    expect(await all(destination.list('/'))).toHaveLength(2101);
  });

  it('lists a folder that does not exist as empty', async () => {
    const destination = await destinationFor(sim, email);
    expect(await all(destination.list('/Nobody/here'))).toEqual([]);
  });
});

describe('read', () => {
  it('reads a file back, and answers null for a path with nothing there', async () => {
    const destination = await destinationFor(sim, email);
    const bytes = patternBytes(70_000, 4);
    await destination.put('/read/calls.csv', bytes, { mode: 'overwrite' });
    expect(await destination.read('/read/calls.csv')).toEqual(bytes);
    expect(await destination.read('/read/missing.csv')).toBeNull();
    expect(await destination.read('/nowhere/at/all.csv')).toBeNull();
  });
});

describe('spaceUsage', () => {
  it('reports used and allocated bytes', async () => {
    const destination = await destinationFor(sim, email);
    await sim.setQuota(email, 5_000_000_000);
    const usage = await destination.spaceUsage();
    const account = (await sim.stats(email)).accounts[0]!;
    expect(usage).toEqual({ used: account.usedBytes, allocated: 5_000_000_000 });
    expect(usage.used).toBeGreaterThan(0);
  });
});

describe('temporaryLink', () => {
  it('hands out a link that serves the file without credentials, for four hours', async () => {
    const bytes = patternBytes(50_000, 7);
    await sim.putFile(email, '/Acme/link/rec.mp3', bytes);
    const destination = await destinationFor(sim, email);
    expect(destination.capabilities.temporaryLinks).toBe(true);
    const before = Date.now();
    const link = await destination.temporaryLink('/Acme/link/rec.mp3');
    expect(link.expiresAt.getTime() - before).toBeGreaterThan(4 * 3_600_000 - 60_000);
    expect(link.expiresAt.getTime() - Date.now()).toBeLessThanOrEqual(4 * 3_600_000);
    // The link is Dropbox's own host; the simulator's fetch routes it there, as it does every call.
    const res = await simulatorFetch(sim.url)(link.url);
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(bytes)).toBe(true);
    expect(destination.stats().linkCalls).toBe(1);
  });
});
