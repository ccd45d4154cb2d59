import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CONTENT_HASH_BLOCK_SIZE,
  ContentHasher,
  contentHash,
  contentHashFromBlocks,
} from '../../src/lib/content-hash.ts';

// Test vectors for n bytes of 'A', from rclone's dbhash tests.
const VECTORS: Array<[number, string]> = [
  [0, 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'],
  [1, '1cd6ef71e6e0ff46ad2609d403dc3fee244417089aa4461245a4e4fe23a55e42'],
  [2, '01e0655fb754d10418a73760f57515f4903b298e6d67dda6bf0987fa79c22c88'],
  [4096, '8620913d33852befe09f16fff8fd75f77a83160d29f76f07e0276e9690903035'],
  [4194303, '647c8627d70f7a7d13ce96b1e7710a771a55d41a62c3da490d92e56044d311fa'],
  [4194304, 'd4d63bac5b866c71620185392a8a6218ac1092454a2d16f820363b69852befa3'],
  [4194305, '8f553da8d00d0bf509d8470e242888be33019c20c0544811f5b2b89e98360b92'],
  [8388607, '83b30cf4fb5195b04a937727ae379cf3d06673bf8f77947f6a92858536e8369c'],
  [8388608, 'e08b3ba1f538804075c5f939accdeaa9efc7b5c01865c94a41e78ca6550a88e7'],
  [8388609, '02c8a4aefc2bfc9036f89a7098001865885938ca580e5c9e5db672385edd303c'],
];

const as = (n: number): Buffer => Buffer.alloc(n, 'A');

describe('contentHash', () => {
  it.each(VECTORS)('hashes %i bytes of "A" to the published vector', (n, expected) => {
    expect(contentHash(as(n))).toBe(expected);
  });

  it('gives the same hash whatever the chunk boundaries', () => {
    const bytes = as(8388609);
    for (const chunkSize of [
      1,
      7,
      65_536,
      1_000_003,
      CONTENT_HASH_BLOCK_SIZE - 1,
      CONTENT_HASH_BLOCK_SIZE + 1,
    ]) {
      const hasher = new ContentHasher();
      // Single-byte chunks over 8 MiB would be slow; the 1-byte case covers the first block boundary region.
      const limit = chunkSize === 1 ? CONTENT_HASH_BLOCK_SIZE + 3 : bytes.length;
      for (let at = 0; at < limit; at += chunkSize)
        hasher.update(bytes.subarray(at, Math.min(at + chunkSize, limit)));
      const expected = limit === bytes.length ? VECTORS[9]![1] : contentHash(bytes.subarray(0, limit));
      expect(hasher.digest(), `chunk size ${chunkSize}`).toBe(expected);
    }
  });

  it('matches the definition on non-uniform data (SHA-256 of the concatenated block digests)', () => {
    const bytes = Buffer.alloc(10 * 1024 * 1024 + 123);
    for (let i = 0; i < bytes.length; i += 1) bytes[i] = (i * 2654435761) >>> 24;
    const outer = createHash('sha256');
    for (let at = 0; at < bytes.length; at += CONTENT_HASH_BLOCK_SIZE) {
      outer.update(
        createHash('sha256')
          .update(bytes.subarray(at, at + CONTENT_HASH_BLOCK_SIZE))
          .digest(),
      );
    }
    expect(contentHash(bytes)).toBe(outer.digest('hex'));
  });

  it('digest() does not finalize: hashing can continue afterwards', () => {
    const hasher = new ContentHasher().update(as(4194304));
    expect(hasher.digest()).toBe(VECTORS[5]![1]);
    hasher.update(as(1));
    expect(hasher.digest()).toBe(VECTORS[6]![1]);
  });

  it('copy() forks the state without affecting the original', () => {
    const original = new ContentHasher().update(as(2));
    const fork = original.copy().update(as(4094));
    expect(fork.digest()).toBe(VECTORS[3]![1]);
    expect(original.digest()).toBe(VECTORS[2]![1]);
  });

  it('reports block digests that combine into the same hash', () => {
    const blocks: Buffer[] = [];
    const hasher = new ContentHasher((digest) => blocks.push(digest)).update(as(8388609));
    hasher.flushPartialBlock();
    expect(blocks).toHaveLength(3);
    expect(contentHashFromBlocks(blocks)).toBe(VECTORS[9]![1]);
  });
});
