import { createHash } from 'node:crypto';
import type { Readable } from 'node:stream';
import { CONTENT_HASH_BLOCK_SIZE, ContentHasher, contentHashFromBlocks } from '../../lib/content-hash.ts';
import { DropboxDestinationError } from './errors.ts';

/**
 * Cuts a source into upload chunks of `chunkSize` bytes, hashing on the way: SHA-256 and the
 * content_hash of the whole file, and the content_hash of each chunk (what an upload call's
 * `content_hash` argument covers). Chunks are multiples of 4 MiB, so each chunk's hash is made from
 * the file's own block digests and nothing is hashed twice.
 *
 * Memory: one chunk being filled; the caller holds at most one more (the one on the wire). Small
 * files are kept as the source's own pieces and joined at their exact size; a file that passes
 * `PREALLOCATE_AFTER` bytes fills a chunk-sized buffer instead, and the caller hands each buffer
 * back (`recycle`) once the call that sent it has settled, so a large file cycles through the same
 * two buffers instead of leaving a trail of 8 MiB garbage for the collector.
 */

const PREALLOCATE_AFTER = 1024 * 1024;

export interface Chunk {
  data: Buffer;
  /** The source ended with this chunk (checked, not assumed: a full chunk waits for the next piece). */
  last: boolean;
  /** content_hash of `data` alone. */
  contentHash: string;
  /** The chunk-sized buffer `data` is a view of, when it is one the reader may fill again. */
  readonly pooled: Buffer | null;
}

export interface SourceTotals {
  size: number;
  sha256: string;
  contentHash: string;
}

/** A stream piece as a Buffer without copying it (streams may yield Uint8Array or, with an encoding, strings). */
function asBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  return Buffer.from(String(value));
}

export class ChunkReader {
  readonly #chunkSize: number;
  readonly #expectedSize: number | undefined;
  readonly #source: Readable | Buffer;
  readonly #pieces: AsyncIterator<unknown> | null;
  readonly #sha = createHash('sha256');
  readonly #blocks: Buffer[] = [];
  readonly #hasher = new ContentHasher((digest) => this.#blocks.push(digest));
  #leftover: Buffer | null = null;
  readonly #spare: Buffer[] = [];
  #ended = false;
  #total = 0;
  #totals: SourceTotals | null = null;

  constructor(source: Readable | Buffer, options: { chunkSize: number; expectedSize?: number }) {
    if (options.chunkSize % CONTENT_HASH_BLOCK_SIZE !== 0)
      throw new Error('chunkSize must be a multiple of 4 MiB');
    this.#chunkSize = options.chunkSize;
    this.#expectedSize = options.expectedSize;
    this.#source = source;
    this.#pieces = Buffer.isBuffer(source) ? null : source[Symbol.asyncIterator]();
    if (Buffer.isBuffer(source)) this.#leftover = source;
  }

  /** Bytes taken from the source so far. */
  get bytesRead(): number {
    return this.#total;
  }

  /** Size and hashes of the whole source; available once a chunk with `last` was returned. */
  get totals(): SourceTotals {
    if (!this.#totals) throw new Error('the source has not been read to its end');
    return this.#totals;
  }

  async next(): Promise<Chunk> {
    const { data, pooled } = await this.#fill();
    if (!this.#ended && data.length === this.#chunkSize) await this.#peek();
    if (this.#ended) this.#finish();
    return { data, pooled, last: this.#ended, contentHash: contentHashFromBlocks(this.#blocks.splice(0)) };
  }

  /** The chunk's bytes are no longer needed (its call settled): its buffer may hold a later chunk. */
  recycle(chunk: Chunk): void {
    if (chunk.pooled) this.#spare.push(chunk.pooled);
  }

  /** Stops reading: the source is destroyed (with `reason`) unless it already ended. */
  close(reason?: Error): void {
    if (this.#ended || Buffer.isBuffer(this.#source)) return;
    this.#ended = true;
    if (!this.#source.destroyed) this.#source.destroy(reason);
  }

  async #pull(): Promise<Buffer | null> {
    if (this.#leftover) {
      const piece = this.#leftover;
      this.#leftover = null;
      return piece;
    }
    if (!this.#pieces) return null;
    let result: IteratorResult<unknown>;
    try {
      result = await this.#pieces.next();
    } catch (error) {
      throw new DropboxDestinationError(
        'retry',
        `The source stream failed after ${this.#total} bytes: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    if (result.done) return null;
    return asBuffer(result.value);
  }

  async #fill(): Promise<{ data: Buffer; pooled: Buffer | null }> {
    let parts: Buffer[] = [];
    let target: Buffer | null = null;
    let length = 0;
    while (length < this.#chunkSize) {
      let piece = await this.#pull();
      if (piece === null) {
        this.#ended = true;
        break;
      }
      const room = this.#chunkSize - length;
      if (piece.length > room) {
        this.#leftover = piece.subarray(room);
        piece = piece.subarray(0, room);
      }
      this.#take(piece);
      if (target) piece.copy(target, length);
      else parts.push(piece);
      length += piece.length;
      if (!target && length > PREALLOCATE_AFTER && length < this.#chunkSize) {
        target = this.#spare.pop() ?? Buffer.allocUnsafe(this.#chunkSize);
        let at = 0;
        for (const part of parts) at += part.copy(target, at);
        parts = [];
      }
    }
    if (target) return { data: target.subarray(0, length), pooled: target };
    // One piece (always so for a Buffer source, whose chunks are views of it): no copy at all.
    return { data: parts.length === 1 && parts[0] ? parts[0] : Buffer.concat(parts, length), pooled: null };
  }

  /** After a full chunk: is there more? The piece read to know stays for the next chunk. */
  async #peek(): Promise<void> {
    for (;;) {
      const piece = await this.#pull();
      if (piece === null) {
        this.#ended = true;
        return;
      }
      if (piece.length > 0) {
        this.#checkNotLonger(this.#total + piece.length);
        this.#leftover = piece;
        return;
      }
    }
  }

  #take(piece: Buffer): void {
    this.#checkNotLonger(this.#total + piece.length);
    this.#total += piece.length;
    this.#sha.update(piece);
    this.#hasher.update(piece);
  }

  #checkNotLonger(total: number): void {
    if (this.#expectedSize !== undefined && total > this.#expectedSize) {
      throw new DropboxDestinationError(
        'retry',
        `The source sent more than the ${this.#expectedSize} bytes it announced; nothing was committed`,
      );
    }
  }

  #finish(): void {
    if (this.#totals) return;
    if (this.#expectedSize !== undefined && this.#total !== this.#expectedSize) {
      throw new DropboxDestinationError(
        'retry',
        `The source ended after ${this.#total} of the ${this.#expectedSize} bytes it announced (truncated); nothing was committed`,
      );
    }
    this.#hasher.flushPartialBlock();
    this.#totals = { size: this.#total, sha256: this.#sha.digest('hex'), contentHash: this.#hasher.digest() };
  }
}
