/**
 * What is where inside a message-store export ZIP. RingCentral documents the export API (create a
 * task, poll it, list its archives, download ZIPs of at most 1 GB each) but not the files inside,
 * so this is the layout the simulator documents as its assumption, kept in this one file so it
 * can be adapted when the real one is seen:
 *
 *     account/<accountId>/extension/<extensionId>/message-store.json
 *         {"records": [ …message objects as the message-store API returns them… ]}
 *     account/<accountId>/extension/<extensionId>/message-store/content/<messageId>/<attachmentId>.<ext>
 *
 * The JSON files and the attachment files may sit in different archives of the same export.
 * A leading folder before `account/` is tolerated.
 */
import type { RawMessageRecord } from './records.ts';
import { SourceError } from './source-error.ts';

type ExportEntryName =
  | { kind: 'mailbox'; extensionId: string }
  | { kind: 'attachment'; extensionId: string; messageId: string; attachmentId: string }
  | { kind: 'other' };

const MAILBOX = /(?:^|\/)account\/[^/]+\/extension\/([^/]+)\/message-store\.json$/;
const ATTACHMENT =
  /(?:^|\/)account\/[^/]+\/extension\/([^/]+)\/message-store\/content\/([^/]+)\/([^/.]+)(?:\.[^/]*)?$/;

export function parseEntryName(name: string): ExportEntryName {
  const mailbox = MAILBOX.exec(name);
  if (mailbox) return { kind: 'mailbox', extensionId: mailbox[1]! };
  const attachment = ATTACHMENT.exec(name);
  if (attachment) {
    return {
      kind: 'attachment',
      extensionId: attachment[1]!,
      messageId: attachment[2]!,
      attachmentId: attachment[3]!,
    };
  }
  return { kind: 'other' };
}

export function attachmentKey(messageId: string, attachmentId: string): string {
  return `${messageId}/${attachmentId}`;
}

/** The messages of one mailbox file: `{"records": […]}` (a bare array is accepted too). */
export function parseMailboxFile(text: string, entryName: string): RawMessageRecord[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new SourceError({
      kind: 'retry',
      message: `The message-store export file ${entryName} is not valid JSON; the export is read again next time.`,
      cause: error,
    });
  }
  const records = Array.isArray(parsed) ? parsed : (parsed as { records?: unknown } | null)?.records;
  if (!Array.isArray(records)) {
    throw new SourceError({
      kind: 'bad-request',
      message: `The message-store export file ${entryName} has no "records" list: the export layout differs from the one this archiver reads (see export-layout.ts).`,
    });
  }
  return records as RawMessageRecord[];
}
