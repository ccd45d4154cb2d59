/**
 * Deterministic binary content. Audio of any size (kilobytes to gigabytes) is computed from the
 * item's id at any offset: the same id always yields the same bytes, a Range request starts
 * anywhere without generating what precedes it, and a 2 GB recording costs no more memory than
 * the buffers it passes through. Small files (text, PDF, images) are rebuilt in
 * memory on each request.
 */
import { createCipheriv, createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import type { AttachmentBody, AudioFormat } from '../model.ts';
import { buildPdf } from './pdf.ts';
import { buildJpeg, buildPng } from './images.ts';

export interface ContentSource {
  size: number;
  contentType: string;
  /** Bytes [start, end] inclusive as a stream. */
  open(start: number, end: number): Readable;
  /**
   * Generated content only: writes the bytes at [pos, pos + buf.length) into `buf`. Lets callers
   * stream huge bodies through reused buffers instead of allocating a buffer per chunk.
   */
  fill?: (pos: number, buf: Buffer) => void;
}

const CHUNK = 64 * 1024;

/** Both formats run at 16,000 bytes per second: 128 kbit/s MP3 or 8 kHz 16-bit mono PCM. */
export const AUDIO_BYTES_PER_SECOND = 16_000;
const MP3_FRAME = 384; // MPEG-1 Layer III, 128 kbit/s, 48 kHz, no padding
const MP3_FRAME_HEADER = Buffer.from([0xff, 0xfb, 0x94, 0xc0]);
const ID3_HEADER = Buffer.from([0x49, 0x44, 0x33, 0x04, 0, 0, 0, 0, 0, 0]); // empty ID3v2.4 tag

function wavHeader(size: number): Buffer {
  const h = Buffer.alloc(44);
  h.write('RIFF', 0, 'ascii');
  h.writeUInt32LE(Math.min(size - 8, 0xffffffff), 4);
  h.write('WAVEfmt ', 8, 'ascii');
  h.writeUInt32LE(16, 16); // PCM chunk size
  h.writeUInt16LE(1, 20); // PCM
  h.writeUInt16LE(1, 22); // mono
  h.writeUInt32LE(8000, 24); // sample rate
  h.writeUInt32LE(AUDIO_BYTES_PER_SECOND, 28); // byte rate
  h.writeUInt16LE(2, 32); // block align
  h.writeUInt16LE(16, 34); // bits per sample
  h.write('data', 36, 'ascii');
  h.writeUInt32LE(Math.min(size - 44, 0xffffffff), 40);
  return h;
}

/** Copies the bytes of `header` (placed at `at` in the file) that fall inside `buf` (at `pos`). */
function copyAt(buf: Buffer, pos: number, size: number, header: Buffer, at: number): void {
  for (let i = 0; i < header.length; i++) {
    const p = at + i;
    if (p >= pos && p < pos + buf.length && p < size) buf[p - pos] = header[i]!;
  }
}

/** Writes the format's header bytes that fall inside [pos, pos + buf.length) over the noise. */
function overlayHeaders(format: AudioFormat, size: number, pos: number, buf: Buffer): void {
  const end = Math.min(pos + buf.length, size);
  if (format === 'audio/wav') {
    if (pos < 44) copyAt(buf, pos, size, wavHeader(size), 0);
    return;
  }
  if (pos < ID3_HEADER.length) copyAt(buf, pos, size, ID3_HEADER, 0);
  const first = Math.max(0, Math.floor((pos - ID3_HEADER.length) / MP3_FRAME));
  for (let at = ID3_HEADER.length + first * MP3_FRAME; at < end; at += MP3_FRAME) {
    if (at >= pos && at + 4 <= end) {
      buf[at - pos] = 0xff;
      buf[at - pos + 1] = 0xfb;
      buf[at - pos + 2] = 0x94;
      buf[at - pos + 3] = 0xc0;
    } else {
      copyAt(buf, pos, size, MP3_FRAME_HEADER, at);
    }
  }
}

/**
 * Noise for position p: a per-item 64 KiB base block (AES-128-CTR keystream of the item's key)
 * repeated block after block, with a value mixed from the block number XOR-ed into one word of
 * every 64 bytes so no two blocks are alike. Any byte can be computed without the ones before it,
 * filling a caller's buffer is mostly a memcpy and allocates nothing, so a 2 GB body streams fast
 * through a few reusable buffers.
 */
const BLOCK = 64 * 1024;
const STRIDE = 64;

interface Noise {
  base: Buffer;
  salt: number;
}

function mix(block: number, salt: number): number {
  let h = (Math.imul(block | 0, 0x9e3779b1) ^ Math.floor(block / 4294967296) ^ salt) | 0;
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

function noiseBase(seedKey: string): Noise {
  const digest = createHash('sha256').update(`rc-sim-media:${seedKey}`).digest();
  const cipher = createCipheriv('aes-128-ctr', digest.subarray(0, 16), digest.subarray(16, 32));
  return { base: cipher.update(Buffer.alloc(BLOCK)), salt: digest.readUInt32LE(0) };
}

function fillNoise(noise: Noise, pos: number, buf: Buffer): void {
  const { base } = noise;
  let off = 0;
  while (off < buf.length) {
    const p = pos + off;
    const block = Math.floor(p / BLOCK);
    const within = p - block * BLOCK;
    const n = Math.min(BLOCK - within, buf.length - off);
    base.copy(buf, off, within, within + n);
    const m = mix(block, noise.salt);
    // The marked word of each 64-byte stride is base ^ m; write the bytes of it that fall in range.
    const end = within + n;
    for (let q = Math.ceil(within / STRIDE) * STRIDE; q + 4 <= end; q += STRIDE) {
      buf.writeUInt32LE((base.readUInt32LE(q) ^ m) >>> 0, off + q - within);
    }
    // A marked word cut by the start or the end of the range.
    for (const q of [Math.floor(within / STRIDE) * STRIDE, Math.floor((end - 1) / STRIDE) * STRIDE]) {
      if (q >= within && q + 4 <= end) continue;
      const word = (base.readUInt32LE(q) ^ m) >>> 0;
      for (let b = 0; b < 4; b++) {
        const at = q + b;
        if (at >= within && at < end) buf[off + at - within] = (word >>> (8 * b)) & 0xff;
      }
    }
    off += n;
  }
}

export function audioSource(seedKey: string, format: AudioFormat, size: number): ContentSource {
  let noise: Noise | undefined;
  const fill = (pos: number, buf: Buffer): void => {
    noise ??= noiseBase(seedKey);
    fillNoise(noise, pos, buf);
    overlayHeaders(format, size, pos, buf);
  };
  return {
    size,
    contentType: format,
    fill,
    open(start, end) {
      let pos = start;
      return new Readable({
        highWaterMark: CHUNK,
        read() {
          if (pos > end) {
            this.push(null);
            return;
          }
          const chunk = Buffer.allocUnsafe(Math.min(CHUNK, end - pos + 1));
          fill(pos, chunk);
          pos += chunk.length;
          this.push(chunk);
        },
      });
    },
  };
}

function bufferSource(contentType: string, size: number, build: () => Buffer): ContentSource {
  return {
    size,
    contentType,
    open(start, end) {
      return Readable.from([build().subarray(start, end + 1)]);
    },
  };
}

/** Bytes of a small attachment (text, PDF, image). Audio attachments stream instead. */
export function buildSmallBody(body: Exclude<AttachmentBody, { kind: 'audio' }>): Buffer {
  switch (body.kind) {
    case 'text':
      return Buffer.from(body.text, 'utf8');
    case 'pdf':
      return buildPdf(body.title, body.lines, body.pages);
    case 'png':
      return buildPng(body.seed);
    case 'jpeg':
      return buildJpeg(body.seed);
  }
}

/** The content of an attachment; `seedKey` makes audio bytes unique per attachment. */
export function attachmentSource(
  seedKey: string,
  contentType: string,
  size: number,
  body: AttachmentBody,
): ContentSource {
  if (body.kind === 'audio') return audioSource(seedKey, body.format, body.size);
  return bufferSource(contentType, size, () => buildSmallBody(body));
}

/** Reads a whole source into memory: only for small files and tests. */
export async function readAll(source: ContentSource): Promise<Buffer> {
  const parts: Buffer[] = [];
  if (source.size === 0) return Buffer.alloc(0);
  for await (const chunk of source.open(0, source.size - 1)) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}
