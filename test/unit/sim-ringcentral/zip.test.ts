/**
 * The streaming ZIP writer: a standard reader (yauzl) unpacks it, its length is known in advance,
 * and any byte range equals the same slice of the whole archive.
 */
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import yauzl from 'yauzl';
import { digestOf } from '../../../src/sandbox/ringcentral/hashing.ts';
import { audioSource } from '../../../src/sandbox/ringcentral/seed/media.ts';
import { zipSize, zipStream, type ZipEntry } from '../../../src/sandbox/ringcentral/zip.ts';

async function read(stream: NodeJS.ReadableStream): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const c of stream) parts.push(c as Buffer);
  return Buffer.concat(parts);
}

function bufferEntry(name: string, data: Buffer): ZipEntry {
  return {
    name,
    size: data.length,
    mtime: new Date('2026-03-04T05:06:08Z'),
    crc32: () => Promise.resolve(crc32(data)),
    open: () => Readable.from([data]),
  };
}

function unzip(buf: Buffer): Promise<Map<string, Buffer>> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(buf, { lazyEntries: true }, (err, zip) => {
      if (err) return reject(err);
      const files = new Map<string, Buffer>();
      zip.on('entry', (entry: yauzl.Entry) => {
        zip.openReadStream(entry, (e, stream) => {
          if (e) return reject(e);
          void read(stream).then((data) => {
            files.set(entry.fileName, data);
            zip.readEntry();
          }, reject);
        });
      });
      zip.on('end', () => resolve(files));
      zip.on('error', reject);
      zip.readEntry();
    });
  });
}

describe('zip writer', () => {
  const audio = audioSource('att:9', 'audio/mpeg', 200_000);
  const entries: ZipEntry[] = [
    bufferEntry('account/1/extension/2/message-store.json', Buffer.from('{"records":[]}')),
    bufferEntry('account/1/extension/2/message-store/content/3/4.txt', Buffer.from('héllo, wörld')),
    bufferEntry('empty.txt', Buffer.alloc(0)),
    {
      name: 'account/1/extension/2/message-store/content/5/5.mp3',
      size: audio.size,
      mtime: new Date('2026-03-04T05:06:08Z'),
      crc32: async () => (await digestOf(audio)).crc32,
      open: () => audio.open(0, audio.size - 1),
    },
  ];

  it('writes an archive a standard reader unpacks, of exactly the predicted length', async () => {
    const zip = await read(zipStream(entries));
    expect(zip.length).toBe(zipSize(entries));
    const files = await unzip(zip);
    expect([...files.keys()]).toEqual(entries.map((e) => e.name));
    expect(files.get('account/1/extension/2/message-store/content/3/4.txt')!.toString('utf8')).toBe(
      'héllo, wörld',
    );
    expect(files.get('empty.txt')!.length).toBe(0);
    expect(
      files
        .get('account/1/extension/2/message-store/content/5/5.mp3')!
        .equals(await read(audio.open(0, audio.size - 1))),
    ).toBe(true);
  });

  it('serves any byte range as the same slice of the whole', async () => {
    const whole = await read(zipStream(entries));
    for (const [start, end] of [
      [0, 29],
      [30, 100],
      [1000, 150_000],
      [whole.length - 22, whole.length - 1],
    ] as const) {
      expect((await read(zipStream(entries, start, end))).equals(whole.subarray(start, end + 1))).toBe(true);
    }
  });

  it('refuses an entry whose stream does not match its declared size', async () => {
    const liar = { ...bufferEntry('x', Buffer.from('abc')), size: 5 };
    await expect(read(zipStream([liar]))).rejects.toThrow(/produced 3 of 5 bytes/);
  });
});
