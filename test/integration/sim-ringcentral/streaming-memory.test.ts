/**
 * Streaming a 2 GB recording through the simulator keeps its memory flat. The simulator runs in a
 * child process (Node 24, --expose-gc) so its RSS and heap are measured alone; the test reads the
 * recording over HTTP with the SDK's bearer token, hashes it, and compares with the inventory.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { get, type IncomingMessage } from 'node:http';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Inventory } from '../../../src/sandbox/ringcentral/index.ts';
import { signIn } from './helpers.ts';

const SIZE = 2 * 1024 ** 3;
const MB = 1024 * 1024;

let child: ChildProcess;
let nextId = 1;
const pending = new Map<number, (result: unknown) => void>();

function ask<T>(cmd: string): Promise<T> {
  const id = nextId++;
  return new Promise((resolve) => {
    pending.set(id, resolve as (result: unknown) => void);
    child.send({ id, cmd });
  });
}

let addresses: { url: string; mediaUrl: string };

beforeAll(async () => {
  const script = fileURLToPath(new URL('./support/sim-child.ts', import.meta.url));
  child = fork(script, [], {
    execArgv: ['--expose-gc'],
    env: { ...process.env, RC_CHILD_RECORDING_BYTES: String(SIZE) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  addresses = await new Promise((resolve, reject) => {
    child.once('error', reject);
    child.on('message', (msg: { id: number; result: unknown }) => {
      if (msg.id === 0) resolve(msg.result as { url: string; mediaUrl: string });
      pending.get(msg.id)?.(msg.result);
      pending.delete(msg.id);
    });
  });
});

afterAll(async () => {
  if (child.connected) await ask('close');
  child.kill();
});

describe('streaming a 2 GB recording', () => {
  it('keeps the simulator process flat in memory and delivers the right bytes', async () => {
    const platform = await signIn({ url: addresses.url }, '101');
    const { access_token } = await platform.auth().data();
    const records = (await (
      await platform.get('/restapi/v1.0/account/~/call-log', { recordingType: 'All' })
    ).json()) as {
      records: Array<{ recording: { contentUri: string } }>;
    };
    const contentUri = records.records[0]!.recording.contentUri;
    expect(contentUri.startsWith(addresses.mediaUrl)).toBe(true);

    const before = await ask<{ rss: number; heapUsed: number }>('memory');
    // The simulator hashes the recording for its inventory while it streams it to us (both
    // through reused buffers): the comparison costs no extra wall time on a two-core runner.
    const inventory = ask<Inventory>('inventory');
    // node:http rather than fetch: the reader's own overhead should not dominate the run.
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      get(contentUri, { headers: { Authorization: `Bearer ${access_token}` } }, resolve).on('error', reject);
    });
    expect(res.statusCode).toBe(200);
    expect(Number(res.headers['content-length'])).toBe(SIZE);

    const hash = createHash('sha256');
    let received = 0;
    let peakRss = before.rss;
    let nextSample = 256 * MB;
    const started = Date.now();
    for await (const chunk of res as AsyncIterable<Buffer>) {
      hash.update(chunk);
      received += chunk.length;
      if (received >= nextSample) {
        nextSample += 256 * MB;
        peakRss = Math.max(peakRss, (await ask<{ rss: number }>('memory')).rss);
      }
    }
    const seconds = (Date.now() - started) / 1000;
    const expected = (await inventory).callLog[0]!.recording!.sha256;
    const after = await ask<{ rss: number; heapUsed: number }>('memory');
    const growth = (after.rss - before.rss) / MB;
    const peakGrowth = (peakRss - before.rss) / MB;
    const heapGrowth = (after.heapUsed - before.heapUsed) / MB;
    console.log(
      `2 GB recording streamed in ${seconds.toFixed(1)} s (while the simulator also hashed it); simulator RSS ${(before.rss / MB).toFixed(1)} → ` +
        `${(after.rss / MB).toFixed(1)} MB (growth ${growth.toFixed(1)} MB, peak growth ${peakGrowth.toFixed(1)} MB), ` +
        `heap ${(before.heapUsed / MB).toFixed(1)} → ${(after.heapUsed / MB).toFixed(1)} MB`,
    );
    expect(received).toBe(SIZE);
    expect(growth).toBeLessThan(50);
    expect(peakGrowth).toBeLessThan(50);
    expect(heapGrowth).toBeLessThan(50);
    expect(hash.digest('hex')).toBe(expected);
  }, 120_000);
});
