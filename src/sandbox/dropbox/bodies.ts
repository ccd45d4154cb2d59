import type { Readable } from 'node:stream';
import { finished } from 'node:stream/promises';

/** Reads and throws away a request body, returning its length (e.g. to refuse data where none is allowed). */
export async function discardBody(body: Readable): Promise<number> {
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) size += chunk.length;
  return size;
}

/**
 * Makes sure a request body has been read before answering: a client still sending a large body
 * should see the answer, not a reset connection.
 */
export async function drainBody(body: Readable): Promise<void> {
  if (body.readableEnded || body.destroyed) return;
  body.resume();
  await finished(body).catch(() => undefined);
}

/** Reads a small body (RPC arguments, forms) into a string, refusing more than `limit` bytes. */
export async function readSmallBody(body: Readable, limit: number): Promise<string | null> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size <= limit) chunks.push(chunk);
  }
  return size > limit ? null : Buffer.concat(chunks).toString('utf8');
}
