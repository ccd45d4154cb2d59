import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { checkedBody, readAll, toNodeReadable } from '../../../src/archive/sources/checked-body.ts';
import { SourceError } from '../../../src/archive/sources/source-error.ts';

const what = 'GET /restapi/v1.0/account/1/recording/7/content';

async function outcome(body: Readable): Promise<{ bytes: number; error: unknown; ended: boolean }> {
  let ended = false;
  body.on('end', () => (ended = true));
  try {
    return { bytes: (await readAll(body)).length, error: null, ended };
  } catch (error) {
    return { bytes: -1, error, ended };
  }
}

describe('checkedBody', () => {
  it('passes a whole body through', async () => {
    const source = Readable.from([Buffer.alloc(6), Buffer.alloc(4)]);
    const result = await outcome(checkedBody(source, { expectedBytes: 10, stallTimeoutMs: 1_000, what }));
    expect(result).toEqual({ bytes: 10, error: null, ended: true });
  });

  it('fails a body that ends before its Content-Length', async () => {
    const source = Readable.from([Buffer.alloc(6)]);
    const result = await outcome(checkedBody(source, { expectedBytes: 10, stallTimeoutMs: 1_000, what }));
    expect(result.error).toBeInstanceOf(SourceError);
    expect(result.error).toMatchObject({ kind: 'retry' });
    expect((result.error as Error).message).toBe(
      `${what}: the body ended early after 6 of 10 bytes. It is retried.`,
    );
    expect(result.ended).toBe(false);
  });

  it('fails a body whose connection closes or errors midway', async () => {
    const closing = new PassThrough();
    const checked = checkedBody(closing, { expectedBytes: 10, stallTimeoutMs: 1_000, what });
    closing.write(Buffer.alloc(3));
    setTimeout(() => closing.destroy(), 10);
    expect((await outcome(checked)).error).toMatchObject({ kind: 'retry' });

    const failing = new PassThrough();
    const checkedFailing = checkedBody(failing, { expectedBytes: null, stallTimeoutMs: 1_000, what });
    setTimeout(() => failing.destroy(new Error('ECONNRESET')), 10);
    const { error } = await outcome(checkedFailing);
    expect(error).toMatchObject({ kind: 'retry' });
    expect((error as Error).message).toContain('ECONNRESET');
  });

  it('fails a body that stops sending while it is being read (a connection gone quiet)', async () => {
    const stalled = new PassThrough();
    stalled.write(Buffer.alloc(5));
    const started = Date.now();
    const { error } = await outcome(checkedBody(stalled, { expectedBytes: 10, stallTimeoutMs: 100, what }));
    expect(error).toMatchObject({ kind: 'retry' });
    expect((error as Error).message).toContain('no data for 100 ms after 5 of 10 bytes');
    expect(Date.now() - started).toBeLessThan(1_000);
  });

  it('does not mistake a consumer that is slow to read for a stall', async () => {
    const chunk = () => Buffer.alloc(64 * 1024);
    const source = Readable.from([chunk(), chunk(), chunk(), chunk()]);
    const body = checkedBody(source, { expectedBytes: 256 * 1024, stallTimeoutMs: 50, what });
    let bytes = 0;
    const done = new Promise<unknown>((resolve) => {
      body.on('end', () => resolve(null));
      body.on('error', resolve);
    });
    body.once('data', () => {
      // The consumer (say, an upload waiting for its server) stops reading for a while.
      body.pause();
      setTimeout(() => body.resume(), 200);
    });
    body.on('data', (c: Buffer) => (bytes += c.length));
    expect(await done).toBeNull();
    expect(bytes).toBe(256 * 1024);
  });

  it('stops with the run when it is aborted', async () => {
    const controller = new AbortController();
    const source = new PassThrough();
    const body = checkedBody(source, {
      expectedBytes: null,
      stallTimeoutMs: 1_000,
      signal: controller.signal,
      what,
    });
    setTimeout(() => controller.abort(new Error('shutdown')), 10);
    expect((await outcome(body)).error).toEqual(new Error('shutdown'));
    expect(source.destroyed).toBe(true);
  });

  it('reads web streams too', async () => {
    const web = new Response('hello').body;
    const body = checkedBody(toNodeReadable(web), { expectedBytes: 5, stallTimeoutMs: 1_000, what });
    expect((await readAll(body)).toString()).toBe('hello');
  });
});
