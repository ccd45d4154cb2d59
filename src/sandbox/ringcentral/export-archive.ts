/**
 * The layout of a message-store export, after RingCentral's guide: archive 0 holds one
 * `message-store.json` per extension under `account/<accountId>/extension/<extensionId>/`; the
 * following archives hold the attachment files under
 * `account/<accountId>/extension/<extensionId>/message-store/content/<messageId>/<attachmentId>.<ext>`,
 * split so that no archive exceeds the size limit (1 GB by default). The JSON file is
 * `{"records":[…]}` with the same message objects the API returns (the guide shows no file
 * content; this is our documented assumption).
 */
import { Readable } from 'node:stream';
import { crc32 } from 'node:zlib';
import type { Account } from './account.ts';
import { attachmentContent } from './content-sources.ts';
import type { ExportArchive, ExportTask } from './export-store.ts';
import type { DigestCache } from './hashing.ts';
import type { Attachment } from './model.ts';
import type { Urls } from './urls.ts';
import { messageJson } from './views/message-json.ts';
import { entryOverhead, MAX_ENTRIES, zipSize, type ZipEntry } from './zip.ts';

const EXTENSIONS: Record<string, string> = {
  'audio/mpeg': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'application/pdf': 'pdf',
  'image/png': 'png',
  'image/jpeg': 'jpg',
  'text/plain': 'txt',
};

function attachmentPath(accountId: string, extensionId: number, messageId: number, att: Attachment): string {
  const ext = EXTENSIONS[att.contentType] ?? 'bin';
  return `account/${accountId}/extension/${extensionId}/message-store/content/${messageId}/${att.id}.${ext}`;
}

function bufferEntry(name: string, data: Buffer, mtime: Date): ZipEntry {
  const crc = crc32(data);
  return {
    name,
    size: data.length,
    mtime,
    crc32: () => Promise.resolve(crc),
    open: () => Readable.from([data]),
  };
}

export function planArchives(
  task: ExportTask,
  account: Account,
  urls: Urls,
  digests: DigestCache,
  maxBytes: number,
): ExportArchive[] {
  const mtime = new Date(task.createdAt);
  const byExtension = new Map<number, typeof task.messages>();
  for (const m of task.messages) {
    let list = byExtension.get(m.extensionId);
    if (!list) byExtension.set(m.extensionId, (list = []));
    list.push(m);
  }
  const metadata: ZipEntry[] = [];
  const files: ZipEntry[] = [];
  for (const [extensionId, messages] of byExtension) {
    const newestFirst = [...messages].sort((a, b) => b.creationTime - a.creationTime);
    const json = JSON.stringify({ records: newestFirst.map((m) => messageJson(account, m, urls)) }, null, 2);
    metadata.push(
      bufferEntry(
        `account/${account.id}/extension/${extensionId}/message-store.json`,
        Buffer.from(json),
        mtime,
      ),
    );
    for (const m of newestFirst) {
      for (const att of m.attachments) {
        const { key, source } = attachmentContent(att);
        files.push({
          name: attachmentPath(account.id, extensionId, m.id, att),
          size: att.size,
          mtime: new Date(m.creationTime),
          crc32: async () => (await digests.get(key, source)).crc32,
          open: () => (att.size === 0 ? Readable.from([]) : source.open(0, att.size - 1)),
        });
      }
    }
  }
  const archives: ExportArchive[] = [{ entries: metadata, size: zipSize(metadata) }];
  let current: ZipEntry[] = [];
  let currentSize = zipSize([]);
  for (const entry of files) {
    const cost = entryOverhead(entry.name) + entry.size;
    if (current.length > 0 && (currentSize + cost > maxBytes || current.length >= MAX_ENTRIES)) {
      archives.push({ entries: current, size: currentSize });
      current = [];
      currentSize = zipSize([]);
    }
    current.push(entry);
    currentSize += cost;
  }
  if (current.length > 0) archives.push({ entries: current, size: currentSize });
  return archives;
}
