/**
 * A streaming ZIP writer for the message-store export. Entries are stored (no compression) and
 * every local header already carries the CRC-32 and sizes (no data descriptors), so a reader can
 * unpack the archive front to back while it downloads; and the archive's exact length is known
 * before the first byte, so the download gets a Content-Length and can be split at 1 GB.
 * Archives stay below 4 GiB and 65,535 entries, so the classic (non-ZIP64) format suffices.
 */
import { Readable } from 'node:stream';

export interface ZipEntry {
  name: string;
  size: number;
  mtime: Date;
  crc32(): Promise<number>;
  open(): Readable;
}

export const MAX_ENTRIES = 65_000;
const LOCAL_HEADER = 30;
const CENTRAL_HEADER = 46;
const END_RECORD = 22;
const UTF8_NAMES = 0x0800;

export function entryOverhead(name: string): number {
  return LOCAL_HEADER + CENTRAL_HEADER + 2 * Buffer.byteLength(name, 'utf8');
}

export function zipSize(entries: ReadonlyArray<{ name: string; size: number }>): number {
  return entries.reduce((sum, e) => sum + entryOverhead(e.name) + e.size, END_RECORD);
}

function dosDateTime(d: Date): { time: number; date: number } {
  const year = Math.max(1980, d.getUTCFullYear());
  return {
    time: (d.getUTCHours() << 11) | (d.getUTCMinutes() << 5) | Math.floor(d.getUTCSeconds() / 2),
    date: ((year - 1980) << 9) | ((d.getUTCMonth() + 1) << 5) | d.getUTCDate(),
  };
}

function localHeader(name: Buffer, crc: number, size: number, when: { time: number; date: number }): Buffer {
  const h = Buffer.alloc(LOCAL_HEADER);
  h.writeUInt32LE(0x04034b50, 0);
  h.writeUInt16LE(20, 4); // version needed to extract
  h.writeUInt16LE(UTF8_NAMES, 6);
  h.writeUInt16LE(0, 8); // stored
  h.writeUInt16LE(when.time, 10);
  h.writeUInt16LE(when.date, 12);
  h.writeUInt32LE(crc, 14);
  h.writeUInt32LE(size, 18); // compressed size
  h.writeUInt32LE(size, 22); // uncompressed size
  h.writeUInt16LE(name.length, 26);
  h.writeUInt16LE(0, 28); // extra field length
  return Buffer.concat([h, name]);
}

function centralHeader(
  name: Buffer,
  crc: number,
  size: number,
  when: { time: number; date: number },
  offset: number,
): Buffer {
  const h = Buffer.alloc(CENTRAL_HEADER);
  h.writeUInt32LE(0x02014b50, 0);
  h.writeUInt16LE((3 << 8) | 20, 4); // made by: Unix, spec 2.0
  h.writeUInt16LE(20, 6);
  h.writeUInt16LE(UTF8_NAMES, 8);
  h.writeUInt16LE(0, 10);
  h.writeUInt16LE(when.time, 12);
  h.writeUInt16LE(when.date, 14);
  h.writeUInt32LE(crc, 16);
  h.writeUInt32LE(size, 20);
  h.writeUInt32LE(size, 24);
  h.writeUInt16LE(name.length, 28);
  // extra, comment, disk number, internal attributes: zero
  h.writeUInt32LE((0o100644 << 16) >>> 0, 38); // external attributes: a regular file, rw-r--r--
  h.writeUInt32LE(offset, 42);
  return Buffer.concat([h, name]);
}

async function* zipChunks(entries: readonly ZipEntry[]): AsyncGenerator<Buffer> {
  if (entries.length > MAX_ENTRIES) throw new Error('too many entries for one archive');
  const central: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const name = Buffer.from(entry.name, 'utf8');
    const crc = await entry.crc32();
    const when = dosDateTime(entry.mtime);
    yield localHeader(name, crc, entry.size, when);
    let written = 0;
    for await (const chunk of entry.open()) {
      const buf = chunk as Buffer;
      written += buf.length;
      yield buf;
    }
    if (written !== entry.size)
      throw new Error(`entry ${entry.name} produced ${written} of ${entry.size} bytes`);
    central.push(centralHeader(name, crc, entry.size, when, offset));
    offset += LOCAL_HEADER + name.length + entry.size;
  }
  const directory = Buffer.concat(central);
  const end = Buffer.alloc(END_RECORD);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  yield Buffer.concat([directory, end]);
}

/** Bytes [start, end] (inclusive) of a chunk sequence, skipping what comes before. */
async function* slice(chunks: AsyncIterable<Buffer>, start: number, end: number): AsyncGenerator<Buffer> {
  let pos = 0;
  for await (const chunk of chunks) {
    const next = pos + chunk.length;
    if (next > start && pos <= end) {
      yield chunk.subarray(Math.max(0, start - pos), Math.min(chunk.length, end - pos + 1));
    }
    pos = next;
    if (pos > end) return;
  }
}

export function zipStream(entries: readonly ZipEntry[], start = 0, end = Infinity): Readable {
  return Readable.from(slice(zipChunks(entries), start, end), { objectMode: false });
}
