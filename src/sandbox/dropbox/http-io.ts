import { createReadStream } from 'node:fs';
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import type { Reply } from './errors.ts';

/** Writes a Reply; file bodies stream from disk. */
export async function sendReply(res: ServerResponse, reply: Reply): Promise<void> {
  if (res.destroyed || res.headersSent) return;
  res.statusCode = reply.status;
  if (reply.statusMessage) res.statusMessage = reply.statusMessage;
  for (const [name, value] of Object.entries(reply.headers ?? {})) res.setHeader(name, value);
  const body = reply.body ?? '';
  if (typeof body === 'string') {
    res.setHeader('Content-Length', Buffer.byteLength(body));
    res.end(body);
    return;
  }
  // A client that goes away mid-download is not the simulator's error.
  await pipeline(createReadStream(body.file, { start: body.start, end: body.end }), res).catch(
    () => undefined,
  );
}
