/**
 * Deterministic binary content. Audio of any size (kilobytes to gigabytes) is produced chunk by
 * chunk from AES-128-CTR keyed by the item's id: the same id always yields the same bytes, any
 * offset can be reached without generating what precedes it (Range requests), and a 2 GB
 * recording costs no more memory than one chunk. Small files (text, PDF, images) are rebuilt in
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
}

const CHUNK = 64 * 1024;
const ZEROS = Buffer.alloc(CHUNK + 16);

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

/** Writes the format's header bytes that fall inside [pos, pos + buf.length) over the noise. */
function overlayHeaders(format: AudioFormat, size: number, pos: number, buf: Buffer): void {
  const end = pos + buf.length;
  const copyAt = (header: Buffer, at: number): void => {
    for (let i = 0; i < header.length; i++) {
      const p = at + i;
      if (p >= pos && p < end && p < size) buf[p - pos] = header[i]!;
    }
  };
  if (format === 'audio/wav') {
    if (pos < 44) copyAt(wavHeader(size), 0);
    return;
  }
  if (pos < ID3_HEADER.length) copyAt(ID3_HEADER, 0);
  const first = Math.max(0, Math.floor((pos - ID3_HEADER.length) / MP3_FRAME));
  for (let f = first; ; f++) {
    const at = ID3_HEADER.length + f * MP3_FRAME;
    if (at >= end) break;
    copyAt(MP3_FRAME_HEADER, at);
  }
}

function keyMaterial(seedKey: string): { key: Buffer; iv: Buffer } {
  const digest = createHash('sha256').update(`rc-sim-media:${seedKey}`).digest();
  return { key: digest.subarray(0, 16), iv: digest.subarray(16, 32) };
}

/** The CTR counter for the 16-byte block `block`: the base IV plus `block`, big-endian. */
function ivAt(base: Buffer, block: number): Buffer {
  const iv = Buffer.from(base);
  let carry = BigInt(block);
  for (let i = 15; i >= 0 && carry > 0n; i--) {
    const sum = BigInt(iv[i]!) + (carry & 0xffn);
    iv[i] = Number(sum & 0xffn);
    carry = (carry >> 8n) + (sum >> 8n);
  }
  return iv;
}

export function audioSource(seedKey: string, format: AudioFormat, size: number): ContentSource {
  const { key, iv } = keyMaterial(seedKey);
  return {
    size,
    contentType: format,
    open(start, end) {
      const skip = start % 16;
      const cipher = createCipheriv('aes-128-ctr', key, ivAt(iv, Math.floor(start / 16)));
      let pos = start;
      let first = true;
      return new Readable({
        highWaterMark: CHUNK,
        read() {
          if (pos > end) {
            this.push(null);
            return;
          }
          const len = Math.min(CHUNK, end - pos + 1);
          let chunk: Buffer;
          if (first) {
            chunk = cipher.update(ZEROS.subarray(0, len + skip)).subarray(skip);
            first = false;
          } else {
            chunk = cipher.update(ZEROS.subarray(0, len));
          }
          overlayHeaders(format, size, pos, chunk);
          pos += len;
          this.push(chunk);
        },
      });
    },
  };
}

export function bufferSource(contentType: string, size: number, build: () => Buffer): ContentSource {
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
