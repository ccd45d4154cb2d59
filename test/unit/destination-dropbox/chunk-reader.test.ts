import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { ChunkReader, type Chunk } from '../../../src/destinations/dropbox/chunk-reader.ts';
import { DestinationError } from '../../../src/destinations/types.ts';
import { contentHash } from '../../../src/lib/content-hash.ts';

const MIB = 1024 * 1024;
const bytes = (n: number) => {
  const out = Buffer.allocUnsafe(n);
  for (let i = 0; i < n; i += 1) out[i] = (i * 31 + 7) & 0xff;
  return out;
};

async function readAll(reader: ChunkReader): Promise<Chunk[]> {
  const chunks: Chunk[] = [];
  for (;;) {
    const chunk = await reader.next();
    chunks.push(chunk);
    if (chunk.last) return chunks;
  }
}

const pieces = (data: Buffer, size: number) =>
  Readable.from(
    Array.from({ length: Math.ceil(data.length / size) }, (_, i) => data.subarray(i * size, (i + 1) * size)),
  );

describe('ChunkReader', () => {
  it.each([0, 1, 4 * MIB - 1, 4 * MIB, 4 * MIB + 1, 8 * MIB, 9 * MIB + 5])(
    'cuts %i bytes into 4 MiB chunks whose hashes cover their own bytes',
    async (size) => {
      const data = bytes(size);
      for (const source of [data, pieces(data, 100_003)]) {
        const reader = new ChunkReader(source, { chunkSize: 4 * MIB });
        const chunks = await readAll(reader);
        // Buffer.equals: vitest's deep equality walks a 4 MiB Buffer byte by byte, very slowly.
        expect(Buffer.concat(chunks.map((c) => c.data)).equals(data)).toBe(true);
        expect(chunks.length).toBe(Math.max(1, Math.ceil(size / (4 * MIB))));
        for (const c of chunks) expect(c.contentHash).toBe(contentHash(c.data));
        expect(chunks.filter((c) => c.last)).toHaveLength(1);
        expect(reader.totals).toEqual({
          size,
          sha256: createHash('sha256').update(data).digest('hex'),
          contentHash: contentHash(data),
        });
      }
    },
  );

  it('hands out views of a Buffer source without copying it', async () => {
    const data = bytes(9 * MIB);
    const chunks = await readAll(new ChunkReader(data, { chunkSize: 4 * MIB }));
    expect(chunks.every((c) => c.data.buffer === data.buffer)).toBe(true);
  });

  it('reuses a recycled chunk buffer for a later chunk', async () => {
    const data = bytes(13 * MIB);
    const reader = new ChunkReader(pieces(data, 64 * 1024), { chunkSize: 4 * MIB });
    const first = await reader.next();
    const second = await reader.next();
    reader.recycle(first);
    const third = await reader.next();
    // Identity checked as booleans: vitest's matchers format multi-MiB Buffers very slowly.
    expect(first.pooled !== null && third.pooled === first.pooled).toBe(true);
    expect(second.pooled === first.pooled).toBe(false);
  });

  it('takes string pieces (a stream with an encoding)', async () => {
    const reader = new ChunkReader(Readable.from(['héllo ', 'wörld']), { chunkSize: 4 * MIB });
    const [chunk] = await readAll(reader);
    expect(chunk!.data.toString()).toBe('héllo wörld');
  });

  it("fails a source that ends short of or runs past its announced size with kind 'retry'", async () => {
    const short = new ChunkReader(pieces(bytes(1000), 100), { chunkSize: 4 * MIB, expectedSize: 1001 });
    await expect(short.next()).rejects.toMatchObject({
      kind: 'retry',
      message: expect.stringMatching(/truncated/),
    });
    const long = new ChunkReader(pieces(bytes(4 * MIB + 1), 64 * 1024), {
      chunkSize: 4 * MIB,
      expectedSize: 4 * MIB,
    });
    await expect(long.next()).rejects.toBeInstanceOf(DestinationError);
  });

  it('refuses a chunk size that is not a multiple of 4 MiB', () => {
    expect(() => new ChunkReader(Buffer.alloc(0), { chunkSize: 5 * MIB })).toThrow(/multiple of 4 MiB/);
  });
});
