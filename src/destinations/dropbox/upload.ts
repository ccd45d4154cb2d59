import type { Readable } from 'node:stream';
import { crashPoint } from '../../lib/crash-points.ts';
import { ChunkReader, type Chunk, type SourceTotals } from './chunk-reader.ts';
import { abortReason, findNumber, responseTags } from './errors.ts';
import { callDropbox, type CallContext } from './retry.ts';

/**
 * Uploads one file into a closed upload session, ready for a batch commit. Every file takes the
 * same path: `upload_session/start` carries the first chunk (for a small file, the whole body with
 * `close: true`), then one `append_v2` per further chunk, the last with `close: true`. Each call
 * sends the content_hash of its own bytes, so Dropbox refuses bytes damaged on the way; a refused or
 * failed call is sent again from the chunk still in memory.
 *
 * The next chunk is read while the current one is on the wire, so a put holds at most two chunks.
 * Nothing is committed here: a source that fails, ends short or runs long leaves only an
 * uncommitted session, which Dropbox drops after 7 days.
 */

interface UploadedSession extends SourceTotals {
  sessionId: string;
}

export interface UploadOptions {
  chunkSize: number;
  /** Exact byte count announced by the source, when known. */
  size?: number;
  signal?: AbortSignal;
}

export async function uploadToSession(
  ctx: CallContext,
  path: string,
  body: Readable | Buffer,
  options: UploadOptions,
): Promise<UploadedSession> {
  const { signal } = options;
  signal?.throwIfAborted();
  const reader = new ChunkReader(body, {
    chunkSize: options.chunkSize,
    ...(options.size !== undefined ? { expectedSize: options.size } : {}),
  });
  const stopReading = (): void => reader.close();
  signal?.addEventListener('abort', stopReading, { once: true });
  // Once the upload has failed, a call still on the wire (or waiting to retry) is stopped too.
  const failed = new AbortController();
  const callSignal = signal ? AbortSignal.any([signal, failed.signal]) : failed.signal;
  const what = `upload of ${path}`;

  const start = (chunk: Chunk): Promise<string> =>
    callDropbox(
      ctx,
      'startCalls',
      what,
      async (client, request) => {
        ctx.counters.add('bytesSent', chunk.data.length);
        const arg = { close: chunk.last, content_hash: chunk.contentHash, contents: chunk.data };
        return (await client.filesUploadSessionStart(arg, request)).result.session_id;
      },
      callSignal,
    );

  const append = (sessionId: string, offset: number, chunk: Chunk): Promise<void> =>
    callDropbox(
      ctx,
      'appendCalls',
      what,
      async (client, request, attempt) => {
        ctx.counters.add('bytesSent', chunk.data.length);
        const cursor = { session_id: sessionId, offset };
        try {
          await client.filesUploadSessionAppendV2(
            { cursor, close: chunk.last, content_hash: chunk.contentHash, contents: chunk.data },
            request,
          );
        } catch (error) {
          if (!landedEarlier(error, offset + chunk.data.length, chunk.last && attempt > 1)) throw error;
          ctx.counters.add('reconciled');
        }
        // Fault injection for the reliability suite (inert unless named): a session half sent.
        if (!chunk.last) crashPoint('mid-upload');
      },
      callSignal,
    );

  try {
    let sessionId = '';
    let offset = 0;
    let chunk = await reader.next();
    for (;;) {
      const sending =
        sessionId === ''
          ? start(chunk).then((id) => void (sessionId = id))
          : append(sessionId, offset, chunk);
      if (chunk.last) {
        await sending;
        break;
      }
      // Both must settle before the next call; whichever fails first fails the upload.
      const [, next] = await Promise.all([sending, reader.next()]);
      offset += chunk.data.length;
      reader.recycle(chunk);
      chunk = next;
    }
    return { sessionId, ...reader.totals };
  } catch (error) {
    failed.abort(error);
    reader.close();
    if (signal?.aborted) throw abortReason(signal);
    throw error;
  } finally {
    signal?.removeEventListener('abort', stopReading);
  }
}

/**
 * A lost response to an append that Dropbox did apply: the retry is told the session is already at
 * the end of this chunk (`incorrect_offset` with that `correct_offset`), or, for a retried closing
 * append, that the session is `closed`.
 */
function landedEarlier(error: unknown, end: number, retriedClose: boolean): boolean {
  const [tag] = responseTags(error);
  if (tag === 'incorrect_offset') {
    return findNumber((error as { error?: unknown }).error, 'correct_offset') === end;
  }
  return tag === 'closed' && retriedClose;
}
