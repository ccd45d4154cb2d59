import type { Readable } from 'node:stream';
import type { LedgerEntry } from '../../store/types.ts';
import { jsonBytes } from '../items.ts';
import type { RingCentralApi } from '../sources/api.ts';
import { toCallLogRecord, type RawCallLogRecord } from '../sources/records.ts';
import { SourceError } from '../sources/source-error.ts';
import { MESSAGE_KINDS } from '../streams/messages/kinds.ts';
import type { MessageFinder } from './mailboxes.ts';

/**
 * An archived item's bytes, fetched again from RingCentral by id, for repairing the archive:
 *  - a call-log record's JSON: the record read again (`call-log/{id}`, view Detailed, Heavy);
 *  - a recording: its metadata (`recording/{id}`, Heavy) names the content URI, downloaded as given;
 *  - a message's JSON and attachments: the message read again from its mailbox (Light), its
 *    attachment downloaded from the URI it names (Medium).
 * A record is written as RingCentral has it now, which is newer than the archived copy if the
 * record changed since. Whatever RingCentral no longer has fails as SourceError 'gone'.
 */

export interface Refetched {
  body: Buffer | Readable;
  size: number | null;
  /** The record's lastModifiedTime now (records only). */
  sourceModifiedAt: Date | null;
}

/** This kind of file is not fetched from RingCentral (daily reports are rewritten instead). */
export class NotRefetchable extends Error {
  override name = 'NotRefetchable';
}

const MESSAGE_KIND_IDS = new Set<string>(MESSAGE_KINDS.map((k) => k.id));

const modifiedAt = (time: string | undefined): Date | null => (time ? new Date(time) : null);

export function refetcher(
  api: RingCentralApi,
  messages: MessageFinder,
): (entry: LedgerEntry, signal: AbortSignal) => Promise<Refetched> {
  return async (entry, signal) => {
    const id = encodeURIComponent(entry.sourceId);
    if (entry.kind === 'call') {
      const raw = await api.get<RawCallLogRecord>(
        `/restapi/v1.0/account/~/call-log/${id}`,
        { view: 'Detailed' },
        { signal },
      );
      const record = toCallLogRecord(raw);
      return { body: jsonBytes(record), size: null, sourceModifiedAt: modifiedAt(record.lastModifiedTime) };
    }
    if (entry.kind === 'recording') {
      const meta = await api.get<{ contentUri?: string }>(
        `/restapi/v1.0/account/~/recording/${id}`,
        {},
        { signal },
      );
      if (!meta?.contentUri)
        throw new SourceError({
          kind: 'gone',
          message: `Recording ${entry.sourceId} has no content at RingCentral.`,
        });
      const download = await api.download(meta.contentUri, { signal });
      return { body: download.body, size: download.size, sourceModifiedAt: null };
    }
    if (MESSAGE_KIND_IDS.has(entry.kind)) {
      const record = await messages.message(entry, signal);
      if (entry.attachmentId === '')
        return { body: jsonBytes(record), size: null, sourceModifiedAt: modifiedAt(record.lastModifiedTime) };
      const attachment = record.attachments.find((a) => a.id === entry.attachmentId);
      if (!attachment)
        throw new SourceError({
          kind: 'gone',
          message: `Attachment ${entry.attachmentId} of message ${entry.sourceId} is no longer at RingCentral.`,
        });
      const download = await api.download(attachment.uri, { signal });
      return { body: download.body, size: download.size, sourceModifiedAt: null };
    }
    throw new NotRefetchable(`Files of kind "${entry.kind}" cannot be fetched again from RingCentral.`);
  };
}
