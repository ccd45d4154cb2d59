/**
 * A response body that cannot end quietly short. Node's fetch (the SDK's transport, see
 * connections/ringcentral/connector.ts) fails a body whose connection closes before the promised
 * Content-Length, but a connection can also just go quiet, and other fetches (node-fetch 2, the
 * SDK's default) let a cut body stop without ending or failing. So the body is watched: it fails
 * with a `retry` SourceError when the source errors, closes or ends before the promised length, or
 * sends nothing for `stallTimeoutMs` while the consumer is waiting for data (a consumer that is
 * slow to read is never mistaken for a stall).
 */
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { SourceError } from './source-error.ts';

interface CheckedBodyOptions {
  /** Content-Length, or null when the server did not promise one. */
  expectedBytes: number | null;
  stallTimeoutMs: number;
  signal?: AbortSignal | undefined;
  /** What is being read, for error messages (method and path, never a query or token). */
  what: string;
}

/** node-fetch hands out a Node stream, a WHATWG fetch a web stream; both become a Readable. */
export function toNodeReadable(body: unknown): Readable {
  if (body instanceof Readable) return body;
  if (body && typeof (body as { getReader?: unknown }).getReader === 'function') {
    return Readable.fromWeb(body as WebReadableStream<Uint8Array>);
  }
  if (body === null || body === undefined) return Readable.from([]);
  throw new TypeError('The response body is neither a Node nor a web stream');
}

export function checkedBody(source: Readable, options: CheckedBodyOptions): Readable {
  const { expectedBytes, stallTimeoutMs, signal, what } = options;
  let received = 0;
  let timer: NodeJS.Timeout | undefined;
  let ended = false;

  const fail = (message: string, cause?: unknown) =>
    new SourceError({
      kind: 'retry',
      message: `${what}: ${message} after ${received}${expectedBytes === null ? '' : ` of ${expectedBytes}`} bytes. It is retried.`,
      cause,
    });
  const disarm = () => {
    clearTimeout(timer);
    timer = undefined;
  };
  const arm = () => {
    disarm();
    timer = setTimeout(() => out.destroy(fail(`no data for ${stallTimeoutMs} ms`)), stallTimeoutMs);
    timer.unref();
  };
  const onAbort = () => out.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));

  const out = new Readable({
    read() {
      source.resume();
      if (!ended) arm();
    },
    destroy(error, callback) {
      disarm();
      signal?.removeEventListener('abort', onAbort);
      if (!source.destroyed) source.destroy();
      callback(error);
    },
  });

  source.on('data', (chunk: Buffer) => {
    disarm();
    received += chunk.length;
    if (expectedBytes !== null && received > expectedBytes) {
      out.destroy(fail('more data than the promised Content-Length'));
      return;
    }
    if (out.push(chunk)) arm();
    else source.pause();
  });
  source.pause();
  source.once('end', () => {
    ended = true;
    disarm();
    if (expectedBytes !== null && received < expectedBytes) out.destroy(fail('the body ended early'));
    else out.push(null);
  });
  source.on('error', (error: Error) => out.destroy(fail(`the connection failed (${error.message})`, error)));
  source.once('close', () => {
    if (!ended && !out.destroyed) out.destroy(fail('the connection closed early'));
  });
  if (signal?.aborted) onAbort();
  else signal?.addEventListener('abort', onAbort, { once: true });
  return out;
}

/** Reads a checked body to the end (JSON pages: a few MB at most). */
export async function readAll(body: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
