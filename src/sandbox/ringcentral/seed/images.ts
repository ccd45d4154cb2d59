/**
 * Tiny real images for MMS attachments: a 32×32 RGB PNG with a seeded pattern and a 16×16
 * grayscale baseline JPEG of four flat blocks. Both decode in ordinary viewers.
 */
import { crc32, deflateSync } from 'node:zlib';
import { createRng } from './prng.ts';

export const PNG_SIZE = 32;
export const JPEG_SIZE = 16;

function pngChunk(type: string, data: Buffer): Buffer {
  const head = Buffer.alloc(8);
  head.writeUInt32BE(data.length, 0);
  head.write(type, 4, 'ascii');
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(Buffer.concat([head.subarray(4), data])), 0);
  return Buffer.concat([head, data, crc]);
}

export function buildPng(seed: number): Buffer {
  const rng = createRng(`png:${seed}`);
  const a = [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  const b = [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  const stripe = rng.int(2, 8);
  const rows: Buffer[] = [];
  for (let y = 0; y < PNG_SIZE; y++) {
    const row = Buffer.alloc(1 + PNG_SIZE * 3); // filter byte 0, then RGB
    for (let x = 0; x < PNG_SIZE; x++) {
      const c = Math.floor((x + y) / stripe) % 2 === 0 ? a : b;
      row[1 + x * 3] = c[0]!;
      row[2 + x * 3] = c[1]!;
      row[3 + x * 3] = c[2]!;
    }
    rows.push(row);
  }
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(PNG_SIZE, 0);
  ihdr.writeUInt32BE(PNG_SIZE, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // truecolour
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    pngChunk('IHDR', ihdr),
    // Stored (level 0) deflate: every PNG has the same length, known without building it.
    pngChunk('IDAT', deflateSync(Buffer.concat(rows), { level: 0 })),
    pngChunk('IEND', Buffer.alloc(0)),
  ]);
}

/** Big-endian bit writer with JPEG byte stuffing (0xFF is followed by 0x00 in entropy data). */
class BitWriter {
  bytes: number[] = [];
  private acc = 0;
  private n = 0;
  write(value: number, bits: number): void {
    for (let i = bits - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >> i) & 1);
      this.n++;
      if (this.n === 8) this.flushByte();
    }
  }
  private flushByte(): void {
    this.bytes.push(this.acc);
    if (this.acc === 0xff) this.bytes.push(0);
    this.acc = 0;
    this.n = 0;
  }
  finish(): number[] {
    while (this.n !== 0) this.write(1, 1); // pad with ones
    return this.bytes;
  }
}

function segment(marker: number, body: number[]): number[] {
  const len = body.length + 2;
  return [0xff, marker, len >> 8, len & 0xff, ...body];
}

export function buildJpeg(seed: number): Buffer {
  const rng = createRng(`jpeg:${seed}`);
  const grays = [0, 1, 2, 3].map(() => rng.int(16, 240));
  // With an all-ones quantisation table the DC coefficient of a flat block is 8 × (level − 128).
  // DC table: categories 0..11 all with 4-bit codes, so category k is coded as k in 4 bits.
  // AC table: one symbol, end-of-block (0x00), coded as a single 0 bit.
  const bits = new BitWriter();
  let previous = 0;
  for (const level of grays) {
    const dc = 8 * (level - 128);
    const diff = dc - previous;
    previous = dc;
    const magnitude = Math.abs(diff);
    const category = magnitude === 0 ? 0 : Math.floor(Math.log2(magnitude)) + 1;
    bits.write(category, 4);
    if (category > 0) bits.write(diff >= 0 ? diff : diff + (1 << category) - 1, category);
    bits.write(0, 1); // EOB
  }
  const dcCounts = [0, 0, 0, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const acCounts = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
  const bytes = [
    0xff,
    0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]),
    ...segment(0xdb, [0, ...new Array<number>(64).fill(1)]),
    ...segment(0xc0, [8, 0, JPEG_SIZE, 0, JPEG_SIZE, 1, 1, 0x11, 0]),
    ...segment(0xc4, [0x00, ...dcCounts, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]),
    ...segment(0xc4, [0x10, ...acCounts, 0x00]),
    ...segment(0xda, [1, 1, 0x00, 0, 63, 0]),
    ...bits.finish(),
    0xff,
    0xd9,
  ];
  return Buffer.from(bytes);
}

/** Byte length of every PNG from buildPng (stored deflate makes it independent of the seed). */
export const PNG_BYTES = buildPng(0).length;
