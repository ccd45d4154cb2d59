import type { Readable } from 'node:stream';
import type { JsonObject, LedgerKey } from '../store/types.ts';
import type { ItemKindId } from './kinds/registry.ts';

/**
 * One thing to put in the destination: a record's JSON, a recording, or a message attachment. Items are
 * planned from what RingCentral lists (or from a stored descriptor when retrying) and carry
 * everything the transfer needs, including how to open their bytes.
 */
export interface ArchiveItem extends LedgerKey {
  kind: ItemKindId;
  path: string;
  /** Local day whose manifest lists it. */
  day: string;
  /** Start time of the call / creation time of the message (ms): oldest go first. */
  at: number;
  sourceModifiedAt: Date | null;
  /** Exact size when RingCentral states it in advance (attachments). */
  size: number | null;
  mode: 'add' | 'overwrite';
  /** Opens the bytes (a JSON buffer, or a stream from RingCentral's media host). */
  open(signal: AbortSignal): Promise<OpenedSource>;
  /** Enough to try again on a later run without listing the source again. */
  descriptor: JsonObject;
}

export interface OpenedSource {
  body: Readable | Buffer;
  size: number | null;
  /** Set when the served content type decides the file's extension. */
  fileExtension?: string;
}

const EXTENSIONS: Record<string, string> = {
  'audio/mpeg': 'mp3',
  'audio/mp3': 'mp3',
  'audio/wav': 'wav',
  'audio/x-wav': 'wav',
  'audio/wave': 'wav',
  'audio/ogg': 'ogg',
  'audio/mp4': 'm4a',
  'application/pdf': 'pdf',
  'image/tiff': 'tif',
  'image/jpeg': 'jpg',
  'image/jpg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/bmp': 'bmp',
  'image/heic': 'heic',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'video/quicktime': 'mov',
  'text/plain': 'txt',
  'text/vcard': 'vcf',
  'text/x-vcard': 'vcf',
  'application/json': 'json',
};

/** A file extension for a content type (parameters ignored); `bin` when unknown. */
export function fileExtensionFor(contentType: string | null | undefined): string {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  return EXTENSIONS[base] ?? 'bin';
}

/** Recordings are MP3 unless RingCentral serves them as something else (WAV). */
export function recordingExtension(contentType: string | null): string {
  const extension = fileExtensionFor(contentType);
  return extension === 'bin' ? 'mp3' : extension;
}

/** Plain JSON data (a record, a report row) in the store's JSON type. */
export function asJson(value: unknown): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}

/** Pretty JSON, as archived next to each item's files. */
export function jsonBytes(record: unknown): Buffer {
  return Buffer.from(`${JSON.stringify(record, null, 2)}\n`, 'utf8');
}

/**
 * The item that keeps a record's full RingCentral JSON (a call or a message) at `path`. Its
 * descriptor carries the JSON itself, so a retry needs nothing from RingCentral.
 */
export function recordJsonItem(
  kind: ArchiveItem['kind'],
  record: { id: string; lastModifiedTime?: string | undefined },
  place: { path: string; day: string; at: number; extensionId?: string },
): ArchiveItem {
  const { path, day, at } = place;
  // Whose mailbox a message came from, for its search entry (a retry builds it from this too).
  const owner: JsonObject = place.extensionId === undefined ? {} : { extensionId: place.extensionId };
  const modified = record.lastModifiedTime ?? null;
  return {
    kind,
    sourceId: record.id,
    attachmentId: '',
    path,
    day,
    at,
    sourceModifiedAt: modified ? new Date(modified) : null,
    size: null,
    mode: 'add',
    open: () => Promise.resolve({ body: jsonBytes(record), size: null }),
    descriptor: { source: 'json', path, day, at, modified, ...owner, json: asJson(record) },
  };
}
