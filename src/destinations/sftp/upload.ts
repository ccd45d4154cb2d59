import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { abortReason } from '../../lib/errors.ts';
import { isNoSuchFile, statusOf } from './errors.ts';
import type { SftpSession } from './session.ts';

/**
 * Streaming one file onto the server under a temporary name, with as few round trips as the
 * protocol allows: SFTP answers every request, and waiting for each answer before sending the next
 * would make a small file cost six round trips and a large one one per write. So writes go out
 * while earlier ones are still unanswered (up to `inFlight` of them, which bounds the memory a put
 * holds), and the sync, size check and close of the finished file go out together. Nothing here
 * gives the file its real name.
 */

export interface UploadOptions {
  /** Bytes per SFTP write request (the client splits larger ones into packets). */
  writeSize: number;
  /** Writes sent and not yet answered, at most. */
  inFlight: number;
  signal?: AbortSignal;
}

export interface Uploaded {
  sha256: string;
  /** Bytes sent. */
  size: number;
  /** Bytes the server says the file holds once it was synced. */
  sizeOnServer: number;
}

export async function uploadTemporary(
  s: SftpSession,
  tmp: string,
  body: Readable | Buffer,
  options: UploadOptions,
): Promise<Uploaded> {
  const { writeSize, signal } = options;
  const hash = createHash('sha256');
  const handle = await s.open(tmp, 'wx');
  const sending = new Set<Promise<void>>();
  // The first write the server refused (the others are then only waited for).
  const trouble: { write: { error: unknown } | null } = { write: null };
  let size = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  /** Sends what is pending in writes of `writeSize` (all of it when `all`), keeping at most
   *  `inFlight` of them unanswered. */
  const send = async (all: boolean) => {
    if (pendingBytes === 0) return;
    const data = pending.length === 1 ? pending[0]! : Buffer.concat(pending, pendingBytes);
    let position = size - pendingBytes;
    let offset = 0;
    while (data.length - offset >= writeSize || (all && offset < data.length)) {
      const piece = data.subarray(offset, offset + writeSize);
      const write: Promise<void> = s
        .write(handle, piece, position)
        .catch((error: unknown) => void (trouble.write ??= { error }))
        .finally(() => sending.delete(write));
      sending.add(write);
      offset += piece.length;
      position += piece.length;
      while (sending.size >= options.inFlight) await Promise.race(sending);
      if (trouble.write) throw trouble.write.error;
    }
    pending = offset < data.length ? [data.subarray(offset)] : [];
    pendingBytes = data.length - offset;
  };
  let closed = false;
  try {
    for await (const chunk of (Buffer.isBuffer(body) ? [body] : body) as AsyncIterable<Buffer> | Buffer[]) {
      if (signal?.aborted) throw abortReason(signal);
      const piece = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk);
      hash.update(piece);
      size += piece.length;
      pending.push(piece);
      pendingBytes += piece.length;
      if (pendingBytes >= writeSize) await send(false);
    }
    await send(true);
    await Promise.all(sending);
    if (trouble.write) throw trouble.write.error;
    // Sync (fsync@openssh.com: on disk before the file gets its real name; a server without it has
    // no way), size and close, sent together: the server answers them in order on one handle.
    const [, stats] = await Promise.all([
      s.fsync(handle).catch((error: unknown) => {
        if (statusOf(error) === undefined) throw error;
      }),
      s.fstat(handle).catch(() => null),
      s.closeHandle(handle).finally(() => (closed = true)),
    ]);
    const sizeOnServer = stats ? stats.size : (await s.stat(tmp)).size;
    return { sha256: hash.digest('hex'), size, sizeOnServer };
  } finally {
    if (!closed) {
      await Promise.allSettled(sending);
      await s.closeHandle(handle).catch(() => undefined);
    }
  }
}

/** Puts `tmp` in place of `target` in one step; a server without posix-rename@openssh.com gets the
 *  old file removed first (a short moment with no file there, never half a file). */
export async function replaceWith(s: SftpSession, tmp: string, target: string): Promise<void> {
  try {
    await s.renameOver(tmp, target);
  } catch (error) {
    if (statusOf(error) !== undefined) throw error;
    await s.unlink(target).catch((e: unknown) => {
      if (!isNoSuchFile(e)) throw e;
    });
    await s.rename(tmp, target);
  }
}
