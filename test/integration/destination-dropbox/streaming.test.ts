import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DropboxSim, SimFilesSnapshot } from '../../../src/sandbox/dropbox/index.ts';
import { spawnNode } from '../../support/processes.ts';
import {
  commitCallsOf,
  destinationAt,
  destinationError,
  destinationFor,
  expectNoRenamedCopies,
  filesOf,
  generatedSource,
  startSim,
} from './helpers.ts';

// Streaming sources: constant memory for a large file, and sources that end short, run long, fail
// or are aborted, none of which may leave a file behind.

const SIM_PROCESS = fileURLToPath(new URL('./fixtures/simulator-process.ts', import.meta.url));
const jsonPost = (body: unknown): RequestInit => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});
const MB = 1_000_000;
const MIB = 1024 * 1024;
let sim: DropboxSim;

beforeAll(async () => {
  sim = await startSim();
});

afterAll(async () => {
  await expectNoRenamedCopies(sim);
  await sim.close();
});

describe('a 300 MB stream', () => {
  // What is measured is what a worker holds: the source, the adapter (two 8 MiB chunks), the SDK and
  // its HTTP transport. The simulator runs in a process of its own, and the source recycles its
  // pieces (see generatedSource), so neither adds its own buffers to the figure.
  // Node's built-in fetch copies each 8 MiB request body and V8 frees the copies late: the growth is
  // still bounded (it does not grow with the file), but about three times larger; hence nodeHttpFetch.
  it.each([
    ['nodeHttpFetch', 'node-http', 100],
    ["Node's built-in fetch", 'native', 250],
  ] as const)(
    'goes through an upload session in constant memory over %s',
    { timeout: 180_000 },
    async (_, transport, budgetMiB) => {
      const simProcess = spawnNode(SIM_PROCESS, [], {});
      try {
        const url = (await simProcess.waitFor(/DROPBOX_SIM_URL=\S+/)).split('=')[1]!;
        const email = `large-${transport}@example.com`;
        const tokens = (await (await fetch(`${url}/__sim/tokens`, jsonPost({ email }))).json()) as Record<
          string,
          unknown
        >;
        const destination = destinationAt(url, tokens, undefined, { transport });
        const size = 300 * MB;
        const source = generatedSource(size, { recycle: true });

        const baseline = process.memoryUsage().rss;
        let peak = baseline;
        const sampler = setInterval(() => {
          peak = Math.max(peak, process.memoryUsage().rss);
        }, 10);
        const started = Date.now();
        let committed;
        try {
          committed = await destination.put('/large/recording.wav', source.stream, { mode: 'add', size });
        } finally {
          clearInterval(sampler);
        }
        peak = Math.max(peak, process.memoryUsage().rss);
        const seconds = (Date.now() - started) / 1000;
        const growthMb = (peak - baseline) / MIB;
        console.log(
          `300 MB stream over ${transport}: RSS ${(baseline / MIB).toFixed(0)} MiB → peak ${(peak / MIB).toFixed(0)} MiB ` +
            `(growth ${growthMb.toFixed(1)} MiB) in ${seconds.toFixed(1)} s (${(size / MB / seconds).toFixed(0)} MB/s); ` +
            `stats ${JSON.stringify(destination.stats())}`,
        );

        expect(growthMb).toBeLessThan(budgetMiB);
        expect(committed.sha256).toBe(source.sha256());
        const snapshot = (await (await fetch(`${url}/__sim/files`)).json()) as SimFilesSnapshot;
        const stored = snapshot.accounts.find((a) => a.email === email)?.files;
        expect(stored).toEqual([
          {
            path_display: '/large/recording.wav',
            size,
            sha256: source.sha256(),
            content_hash: committed.remoteHash.value,
          },
        ]);
        expect(destination.stats()).toMatchObject({
          startCalls: 1,
          appendCalls: Math.ceil(size / (8 * MIB)) - 1,
        });
      } finally {
        simProcess.child.kill('SIGTERM');
        await simProcess.exited();
      }
    },
  );
});

describe('sources that do not deliver what they announced', () => {
  it("a truncated stream (size larger than the bytes) fails with kind 'retry' and leaves no file", async () => {
    const email = 'truncated@example.com';
    const destination = await destinationFor(sim, email);
    for (const [path, bytes] of [
      ['/short/small.mp3', 1000],
      ['/short/large.mp3', 20 * MIB],
    ] as const) {
      const error = await destinationError(
        destination.put(path, generatedSource(bytes).stream, { mode: 'add', size: bytes + 1 }),
        'retry',
      );
      expect(error.message).toMatch(/truncated/);
    }
    await destination.flush();
    expect((await filesOf(sim, email)).size).toBe(0);
    expect(await commitCallsOf(sim, email)).toBe(0);
  });

  it("a stream longer than announced fails with kind 'retry' and leaves no file", async () => {
    const email = 'long@example.com';
    const destination = await destinationFor(sim, email);
    await destinationError(
      destination.put('/long/a.mp3', generatedSource(9 * MIB).stream, { mode: 'add', size: 8 * MIB }),
      'retry',
    );
    await destinationError(
      destination.put('/long/b.mp3', generatedSource(5000).stream, { mode: 'add', size: 4999 }),
      'retry',
    );
    await destination.flush();
    expect((await filesOf(sim, email)).size).toBe(0);
  });

  it('a source stream that fails halfway fails the put and leaves no file', async () => {
    const email = 'failing@example.com';
    const destination = await destinationFor(sim, email);
    const small = generatedSource(100_000, { failAfter: 50_000 });
    const large = generatedSource(30 * MIB, { failAfter: 15 * MIB });
    const [e1, e2] = await Promise.all([
      destinationError(
        destination.put('/failing/small.mp3', small.stream, { mode: 'add', size: 100_000 }),
        'retry',
      ),
      destinationError(destination.put('/failing/large.mp3', large.stream, { mode: 'add' }), 'retry'),
    ]);
    expect(e1.message).toContain('source connection reset');
    expect(e2.message).toContain('source connection reset');
    expect((e2.cause as Error).message).toBe('source connection reset');
    await destination.flush();
    expect((await filesOf(sim, email)).size).toBe(0);
    expect(await commitCallsOf(sim, email)).toBe(0);
  });
});

describe('abort', () => {
  it('an abort mid-upload stops it, rejects with the reason and commits nothing', async () => {
    const email = 'abort@example.com';
    const destination = await destinationFor(sim, email);
    const source = generatedSource(200 * MIB);
    const controller = new AbortController();
    const put = destination.put('/abort/big.mp3', source.stream, { mode: 'add', signal: controller.signal });
    while (source.emitted() < 20 * MIB) await new Promise((r) => setTimeout(r, 5));
    controller.abort(new Error('worker shutting down'));
    await expect(put).rejects.toThrow('worker shutting down');
    expect(source.stream.destroyed).toBe(true);
    expect(source.emitted()).toBeLessThan(60 * MIB);
    await destination.flush();
    expect((await filesOf(sim, email)).size).toBe(0);
  });

  it('an abort while the entry waits for its batch removes it from the batch', async () => {
    const email = 'abort-queued@example.com';
    const destination = await destinationFor(sim, email, { batchIdleMs: 60_000, batchMaxWaitMs: 60_000 });
    const controller = new AbortController();
    const aborted = destination.put('/abort/queued.txt', Buffer.from('q'), {
      mode: 'add',
      signal: controller.signal,
    });
    const kept = destination.put('/abort/kept.txt', Buffer.from('k'), { mode: 'add' });
    await new Promise((r) => setTimeout(r, 300));
    controller.abort(new Error('run cut by its time box'));
    await expect(aborted).rejects.toThrow('run cut by its time box');
    await destination.flush();
    await expect(kept).resolves.toMatchObject({ size: 1 });
    expect([...(await filesOf(sim, email)).keys()]).toEqual(['/abort/kept.txt']);
  });
});
