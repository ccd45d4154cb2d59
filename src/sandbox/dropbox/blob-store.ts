import { createReadStream } from 'node:fs';
import { mkdir, mkdtemp, open, rename, rm, truncate } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { randomToken } from './ids.ts';

/**
 * File bytes live on disk, never in memory: upload bodies stream straight into files, committed
 * files keep their own file, and downloads stream back out. A 2 GB upload costs no RAM.
 */
export class BlobStore {
  readonly root: string;

  private constructor(root: string) {
    this.root = root;
  }

  /** A private directory for this simulator run, inside `parent` (default: the system temp dir). */
  static async create(parent?: string): Promise<BlobStore> {
    if (parent) await mkdir(parent, { recursive: true });
    const root = await mkdtemp(join(parent ?? tmpdir(), 'dropbox-sim-'));
    await mkdir(join(root, 'sessions'));
    await mkdir(join(root, 'files'));
    return new BlobStore(root);
  }

  /** A new, empty session file. */
  async newSessionFile(): Promise<string> {
    const path = join(this.root, 'sessions', randomToken(24));
    await (await open(path, 'w')).close();
    return path;
  }

  /** Moves a finished upload into the committed files (same file system, so a rename). */
  async adopt(sessionFile: string, size: number): Promise<string> {
    const path = join(this.root, 'files', randomToken(24));
    // Concurrent sessions may have been written past their end by a refused append.
    await truncate(sessionFile, size);
    await rename(sessionFile, path);
    return path;
  }

  async writeFile(bytes: Uint8Array): Promise<string> {
    const path = join(this.root, 'files', randomToken(24));
    const handle = await open(path, 'w');
    try {
      await handle.write(bytes);
    } finally {
      await handle.close();
    }
    return path;
  }

  /** Copies `source` into `target` at `position`, showing each chunk to `onChunk` on the way. */
  async appendFile(
    target: string,
    position: number,
    source: string,
    onChunk: (chunk: Buffer) => void,
  ): Promise<void> {
    const handle = await open(target, 'r+');
    try {
      let at = position;
      for await (const chunk of createReadStream(source) as AsyncIterable<Buffer>) {
        onChunk(chunk);
        await handle.write(chunk, 0, chunk.length, at);
        at += chunk.length;
      }
    } finally {
      await handle.close();
    }
  }

  async remove(path: string): Promise<void> {
    await rm(path, { force: true });
  }

  async close(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }
}

interface ReceiveOptions {
  file: string;
  position: number;
  /** Bytes past this many are counted but neither stored nor hashed. */
  limit: number;
  hashers: ReadonlyArray<{ update(chunk: Uint8Array): unknown }>;
  /**
   * Asked once, at the first byte: whether to flip it on arrival (the `corruptUploads` fault,
   * bytes damaged in transit). Asking only when there is a byte keeps empty bodies from using it up.
   */
  corrupt: () => boolean;
}

/** Write batches of about 1 MiB: few system calls, and memory per request stays bounded. */
const WRITE_BATCH_BYTES = 1024 * 1024;

/** Streams a request body into `file` at `position`, feeding the hashers on the way. */
export async function receiveBody(
  body: Readable,
  options: ReceiveOptions,
): Promise<{ size: number; overLimit: boolean }> {
  const handle = await open(options.file, 'r+');
  let size = 0;
  let written = 0;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  const flush = async (): Promise<void> => {
    if (pendingBytes === 0) return;
    await handle.writev(pending, options.position + written);
    written += pendingBytes;
    pending = [];
    pendingBytes = 0;
  };
  try {
    for await (const received of body as AsyncIterable<Buffer>) {
      let chunk = received;
      if (size === 0 && chunk.length > 0 && options.corrupt()) {
        chunk = Buffer.from(chunk);
        chunk[0] = (chunk[0] ?? 0) ^ 0xff;
      }
      size += chunk.length;
      if (size > options.limit) continue;
      for (const hasher of options.hashers) hasher.update(chunk);
      pending.push(chunk);
      pendingBytes += chunk.length;
      if (pendingBytes >= WRITE_BATCH_BYTES) await flush();
    }
    if (size <= options.limit) await flush();
  } finally {
    await handle.close();
  }
  return { size, overLimit: size > options.limit };
}
