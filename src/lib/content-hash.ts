import { createHash, type Hash } from 'node:crypto';

/** Dropbox hashes content in blocks of exactly 4 MiB (4,194,304 bytes). */
export const CONTENT_HASH_BLOCK_SIZE = 4 * 1024 * 1024;

/**
 * Dropbox's `content_hash`: SHA-256 of the concatenated binary SHA-256 digests of each 4 MiB block,
 * as lowercase hex. Chunks may be of any size and need not line up with block boundaries; memory
 * stays constant (two running hashes), so it can hash a multi-gigabyte stream as it passes by.
 *
 * `onBlock` sees each block's 32-byte digest in order (the simulator keeps them for upload sessions
 * whose pieces arrive out of order).
 */
export class ContentHasher {
  #outer: Hash;
  #block: Hash;
  #inBlock: number;
  #onBlock: ((digest: Buffer) => void) | undefined;

  constructor(onBlock?: (digest: Buffer) => void) {
    this.#outer = createHash('sha256');
    this.#block = createHash('sha256');
    this.#inBlock = 0;
    this.#onBlock = onBlock;
  }

  update(chunk: Uint8Array): this {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(CONTENT_HASH_BLOCK_SIZE - this.#inBlock, chunk.length - offset);
      // Most chunks fit inside the current block whole: hash them without making a view.
      this.#block.update(take === chunk.length ? chunk : chunk.subarray(offset, offset + take));
      this.#inBlock += take;
      offset += take;
      if (this.#inBlock === CONTENT_HASH_BLOCK_SIZE) this.#closeBlock();
    }
    return this;
  }

  /**
   * The hash of everything seen so far. It does not finalize the hasher, so a caller may keep
   * feeding it (an upload session reports after each append).
   */
  digest(): string {
    const outer = this.#outer.copy();
    // An empty file has no block at all: its hash is SHA-256 of the empty string.
    if (this.#inBlock > 0) outer.update(this.#block.copy().digest());
    return outer.digest('hex');
  }

  /** An independent hasher with the same state; the original is unaffected by later updates to it. */
  copy(): ContentHasher {
    const clone = new ContentHasher(this.#onBlock);
    clone.#outer = this.#outer.copy();
    clone.#block = this.#block.copy();
    clone.#inBlock = this.#inBlock;
    return clone;
  }

  /** Emits the partial last block's digest to `onBlock` (a final chunk shorter than 4 MiB). */
  flushPartialBlock(): void {
    if (this.#inBlock > 0) this.#closeBlock();
  }

  #closeBlock(): void {
    const digest = this.#block.digest();
    this.#outer.update(digest);
    this.#onBlock?.(digest);
    this.#block = createHash('sha256');
    this.#inBlock = 0;
  }
}

export function contentHash(bytes: Uint8Array): string {
  return new ContentHasher().update(bytes).digest();
}

/** The content_hash of a file given its block digests in order (how Dropbox combines them). */
export function contentHashFromBlocks(blockDigests: Iterable<Uint8Array>): string {
  const outer = createHash('sha256');
  for (const digest of blockDigests) outer.update(digest);
  return outer.digest('hex');
}
