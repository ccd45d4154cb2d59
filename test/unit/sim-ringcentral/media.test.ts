/**
 * Generated binaries: audio is deterministic and seekable (any range equals the same slice of the
 * whole), with real WAV/MP3 headers; the PDF, PNG and JPEG are structurally valid files.
 */
import { inflateSync, crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildJpeg, buildPng, PNG_BYTES, PNG_SIZE } from '../../../src/sandbox/ringcentral/seed/images.ts';
import { audioSource, readAll } from '../../../src/sandbox/ringcentral/seed/media.ts';
import { buildPdf } from '../../../src/sandbox/ringcentral/seed/pdf.ts';
import { digestOf } from '../../../src/sandbox/ringcentral/hashing.ts';

async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

describe('generated audio', () => {
  const size = 300_001; // spans several 64 KiB noise blocks and ends mid-frame

  it('is the same for the same key and different for another', async () => {
    const a = await readAll(audioSource('rec:1', 'audio/mpeg', size));
    const b = await readAll(audioSource('rec:1', 'audio/mpeg', size));
    const c = await readAll(audioSource('rec:2', 'audio/mpeg', size));
    expect(a.length).toBe(size);
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
  });

  it('gives any range (stream or fill, aligned or not) exactly the slice of the whole', async () => {
    const source = audioSource('rec:3', 'audio/wav', size);
    const whole = await readAll(source);
    for (const [start, end] of [
      [0, 0],
      [1, 4],
      [43, 45],
      [65_530, 65_541],
      [65_536, 131_071],
      [100_003, 299_999],
      [size - 3, size - 1],
    ] as const) {
      expect((await read(source.open(start, end))).equals(whole.subarray(start, end + 1))).toBe(true);
      const buf = Buffer.alloc(end - start + 1);
      source.fill!(start, buf);
      expect(buf.equals(whole.subarray(start, end + 1))).toBe(true);
    }
  });

  it('does not repeat itself block after block', async () => {
    const whole = await readAll(audioSource('rec:4', 'audio/wav', 4 * 65_536));
    const blocks = [0, 1, 2, 3].map((i) => whole.subarray(i * 65_536 + 64, (i + 1) * 65_536).toString('hex'));
    expect(new Set(blocks).size).toBe(4);
  });

  it('starts with a WAV header whose sizes match the file', async () => {
    const wav = await readAll(audioSource('rec:5', 'audio/wav', 16_044));
    expect(wav.toString('ascii', 0, 4)).toBe('RIFF');
    expect(wav.readUInt32LE(4)).toBe(16_044 - 8);
    expect(wav.toString('ascii', 8, 16)).toBe('WAVEfmt ');
    expect(wav.readUInt16LE(20)).toBe(1); // PCM
    expect(wav.readUInt32LE(24)).toBe(8000);
    expect(wav.toString('ascii', 36, 40)).toBe('data');
    expect(wav.readUInt32LE(40)).toBe(16_000);
  });

  it('starts with an ID3 tag and has an MPEG frame header every 384 bytes', async () => {
    const mp3 = await readAll(audioSource('rec:6', 'audio/mpeg', 10 + 384 * 5));
    expect(mp3.toString('ascii', 0, 3)).toBe('ID3');
    for (let f = 0; f < 5; f++)
      expect(mp3.subarray(10 + f * 384, 14 + f * 384)).toEqual(Buffer.from([0xff, 0xfb, 0x94, 0xc0]));
  });

  it('hashes by streaming to the same digest as the bytes', async () => {
    const source = audioSource('rec:7', 'audio/mpeg', 1_234_567);
    const { createHash } = await import('node:crypto');
    const whole = await readAll(source);
    const digest = await digestOf(source);
    expect(digest.sha256).toBe(createHash('sha256').update(whole).digest('hex'));
    expect(digest.crc32).toBe(crc32(whole));
  });
});

describe('fax PDF', () => {
  it('is a PDF whose xref offsets point at its objects', () => {
    const pdf = buildPdf('Fax 1 (test)', ['From: +15551230000', 'Back\\slash'], 2);
    const text = pdf.toString('latin1');
    expect(text.startsWith('%PDF-1.4\n')).toBe(true);
    expect(text.trimEnd().endsWith('%%EOF')).toBe(true);
    const startxref = Number(/startxref\n(\d+)\n/.exec(text)![1]);
    expect(text.slice(startxref, startxref + 4)).toBe('xref');
    const [, count] = /xref\n0 (\d+)\n/.exec(text)!;
    const entries = text
      .slice(startxref)
      .split('\n')
      .slice(3, 2 + Number(count));
    entries.forEach((line, i) => {
      const offset = Number(line.slice(0, 10));
      expect(text.slice(offset, offset + `${i + 1} 0 obj`.length)).toBe(`${i + 1} 0 obj`);
    });
    expect(text).toContain('/Count 2');
    expect(text).toContain('(Fax 1 \\(test\\) - page 1 of 2) Tj');
    for (const m of text.matchAll(/<< \/Length (\d+) >>\nstream\n/g)) {
      const start = m.index + m[0].length;
      expect(text.slice(start + Number(m[1]), start + Number(m[1]) + 9)).toBe('endstream');
    }
  });
});

describe('MMS images', () => {
  it('builds a PNG with valid chunk CRCs and the declared pixels, always of the same length', () => {
    const png = buildPng(42);
    expect(png.length).toBe(PNG_BYTES);
    expect(buildPng(7).length).toBe(PNG_BYTES);
    expect(png.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    let at = 8;
    const chunks: string[] = [];
    let idat = Buffer.alloc(0);
    while (at < png.length) {
      const len = png.readUInt32BE(at);
      const type = png.toString('ascii', at + 4, at + 8);
      const data = png.subarray(at + 8, at + 8 + len);
      expect(png.readUInt32BE(at + 8 + len)).toBe(crc32(png.subarray(at + 4, at + 8 + len)));
      if (type === 'IHDR') {
        expect(data.readUInt32BE(0)).toBe(PNG_SIZE);
        expect(data.readUInt32BE(4)).toBe(PNG_SIZE);
      }
      if (type === 'IDAT') idat = Buffer.concat([idat, data]);
      chunks.push(type);
      at += 12 + len;
    }
    expect(chunks).toEqual(['IHDR', 'IDAT', 'IEND']);
    const raw = inflateSync(idat);
    expect(raw.length).toBe(PNG_SIZE * (1 + PNG_SIZE * 3));
    for (let y = 0; y < PNG_SIZE; y++) expect(raw[y * (1 + PNG_SIZE * 3)]).toBe(0); // filter: none
  });

  it('builds a baseline JPEG whose Huffman-coded blocks decode with its own tables', () => {
    const jpeg = buildJpeg(9);
    expect(jpeg.subarray(0, 2)).toEqual(Buffer.from([0xff, 0xd8]));
    expect(jpeg.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    // Walk the segments up to the scan.
    let at = 2;
    const tables = new Map<number, Map<string, number>>();
    let width = 0;
    let height = 0;
    for (;;) {
      expect(jpeg[at]).toBe(0xff);
      const marker = jpeg[at + 1]!;
      const len = jpeg.readUInt16BE(at + 2);
      const body = jpeg.subarray(at + 4, at + 2 + len);
      if (marker === 0xc0) {
        height = body.readUInt16BE(1);
        width = body.readUInt16BE(3);
      }
      if (marker === 0xc4) {
        const counts = [...body.subarray(1, 17)];
        const symbols = [...body.subarray(17)];
        const codes = new Map<string, number>();
        let code = 0;
        let k = 0;
        counts.forEach((n, i) => {
          for (let j = 0; j < n; j++) codes.set((code++).toString(2).padStart(i + 1, '0'), symbols[k++]!);
          code <<= 1;
        });
        tables.set(body[0]!, codes);
      }
      at += 2 + len;
      if (marker === 0xda) break;
    }
    expect([width, height]).toEqual([16, 16]);
    // Entropy-coded data: unstuff 0xFF00, then decode four DC-only blocks.
    const data: number[] = [];
    for (let i = at; i < jpeg.length - 2; i++) {
      data.push(jpeg[i]!);
      if (jpeg[i] === 0xff) i++;
    }
    const bits = data.map((b) => b.toString(2).padStart(8, '0')).join('');
    let p = 0;
    const decode = (table: Map<string, number>): number => {
      for (let len = 1; len <= 16; len++) {
        const sym = table.get(bits.slice(p, p + len));
        if (sym !== undefined) {
          p += len;
          return sym;
        }
      }
      throw new Error(`no Huffman code at bit ${p}`);
    };
    let dc = 0;
    const levels: number[] = [];
    for (let block = 0; block < 4; block++) {
      const category = decode(tables.get(0x00)!);
      let diff = 0;
      if (category > 0) {
        const raw = parseInt(bits.slice(p, p + category), 2);
        p += category;
        diff = raw >= 1 << (category - 1) ? raw : raw - (1 << category) + 1;
      }
      dc += diff;
      expect(decode(tables.get(0x10)!)).toBe(0x00); // end of block
      levels.push(dc / 8 + 128);
    }
    for (const level of levels) {
      expect(Number.isInteger(level)).toBe(true);
      expect(level).toBeGreaterThanOrEqual(16);
      expect(level).toBeLessThanOrEqual(240);
    }
    expect(/^1*$/.test(bits.slice(p))).toBe(true); // only padding left
  });
});
