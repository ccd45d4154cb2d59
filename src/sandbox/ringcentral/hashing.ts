/**
 * SHA-256 (for the inventory) and CRC-32 (for export ZIP headers) of generated content, computed
 * by streaming the content once and cached by key: a 2 GB recording is hashed chunk by chunk, and
 * asking again costs nothing.
 */
import { createHash } from 'node:crypto';
import { crc32 } from 'node:zlib';
import type { ContentSource } from './seed/media.ts';

interface Digest {
  sha256: string;
  crc32: number;
}

export class DigestCache {
  private readonly cache = new Map<string, Promise<Digest>>();

  get(key: string, source: ContentSource): Promise<Digest> {
    let found = this.cache.get(key);
    if (!found) {
      found = digestOf(source);
      this.cache.set(key, found);
      // A failed computation must not poison the cache.
      found.catch(() => this.cache.delete(key));
    }
    return found;
  }
}

const FILL_CHUNK = 1024 * 1024;

export async function digestOf(source: ContentSource): Promise<Digest> {
  const hash = createHash('sha256');
  let crc = 0;
  if (source.fill) {
    // Generated content: one reused buffer, yielding to the event loop between chunks so hashing
    // a 2 GB recording does not stall other requests.
    const buf = Buffer.allocUnsafe(Math.min(FILL_CHUNK, Math.max(1, source.size)));
    for (let pos = 0; pos < source.size; pos += buf.length) {
      const view = buf.subarray(0, Math.min(buf.length, source.size - pos));
      source.fill(pos, view);
      hash.update(view);
      crc = crc32(view, crc);
      if ((pos / buf.length) % 16 === 15) await new Promise((resolve) => setImmediate(resolve));
    }
  } else if (source.size > 0) {
    for await (const chunk of source.open(0, source.size - 1)) {
      const buf = chunk as Buffer;
      hash.update(buf);
      crc = crc32(buf, crc);
    }
  }
  return { sha256: hash.digest('hex'), crc32: crc };
}
