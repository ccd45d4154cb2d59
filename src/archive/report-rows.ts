import { parseInstant } from './local-time.ts';

/**
 * The rows of the daily report files, built from RingCentral records. Rows are flat, display-ready
 * values (what a spreadsheet shows), so the pipeline can keep them as JSON in the database and
 * rewrite a day's file from them; it never has to read a CSV back.
 */

/** A party as RingCentral sends it in `from` / `to` (the call log's CallLogRecord, the message store's GetMessageInfoResponse). */
interface RingCentralParty {
  phoneNumber?: string | null;
  extensionNumber?: string | null;
  name?: string | null;
}

/** The CallLogRecord fields the calls report uses. */
interface CallLogRecordFields {
  id: string;
  startTime: string;
  /** Seconds. */
  duration?: number | null;
  /** `Voice` or `Fax`. */
  type: string;
  direction: string;
  result?: string | null;
  from?: RingCentralParty | null;
  to?: RingCentralParty | null;
}

/** The message-store record fields the SMS report uses. */
interface MessageRecordFields {
  /** A JSON number in RingCentral's responses; ids are below 2^53 so they survive JSON.parse. */
  id: number | string;
  /** `SMS`, `Pager` (internal) or `Text`; an SMS with MMS attachments is reported as `MMS`. */
  type: string;
  creationTime: string;
  direction: string;
  from?: RingCentralParty | null;
  to?: readonly RingCentralParty[] | null;
  /** For SMS and pager messages it repeats the text. */
  subject?: string | null;
  /** The string form: `conversationId` (a number) loses digits beyond 2^53 in JSON.parse. */
  conversation?: { id?: string | null } | null;
  attachments?: readonly { type?: string | null }[] | null;
}

/** The extension a record belongs to, looked up by the pipeline from the record's extension id. */
interface ReportExtension {
  number: string | null;
  name: string | null;
}

export interface CallRow {
  callId: string;
  /** ISO 8601 UTC with milliseconds, so rows sort by time as text. */
  start: string;
  durationSeconds: number | null;
  direction: string;
  from: string;
  to: string;
  /** "101 - Jane Doe"; empty for calls that belong to no extension. */
  extension: string;
  result: string;
  /** `Voice` or `Fax`. */
  type: string;
  /** Full path of the recording in the destination, as in manifest.csv; empty when there is none (yet). */
  recordingPath: string;
}

export interface SmsRow {
  messageId: string;
  conversationId: string;
  time: string;
  direction: string;
  from: string;
  /** Every recipient, separated by "; ". */
  to: string;
  extension: string;
  /** `SMS`, `MMS`, `Pager` ... */
  type: string;
  text: string;
  /** Full paths of the message's files in the destination, as in manifest.csv. */
  attachmentPaths: string[];
}

export function callRowFromRecord(
  record: CallLogRecordFields,
  extras: { extension: ReportExtension | null; recordingPath: string | null },
): CallRow {
  return {
    callId: record.id,
    start: isoUtc(record.startTime),
    durationSeconds: typeof record.duration === 'number' ? record.duration : null,
    direction: record.direction,
    from: formatParty(record.from),
    to: formatParty(record.to),
    extension: formatExtension(extras.extension),
    result: record.result ?? '',
    type: record.type,
    recordingPath: extras.recordingPath ?? '',
  };
}

export function smsRowFromMessage(
  message: MessageRecordFields,
  extras: { extension: ReportExtension | null; attachmentPaths: readonly string[] },
): SmsRow {
  const isMms = message.attachments?.some((attachment) => attachment.type === 'MmsAttachment') ?? false;
  return {
    messageId: String(message.id),
    conversationId: message.conversation?.id ?? '',
    time: isoUtc(message.creationTime),
    direction: message.direction,
    from: formatParty(message.from),
    to: (message.to ?? []).map(formatParty).join('; '),
    extension: formatExtension(extras.extension),
    type: message.type === 'SMS' && isMms ? 'MMS' : message.type,
    text: message.subject ?? '',
    attachmentPaths: [...extras.attachmentPaths],
  };
}

/** "+15551230000 (Jane Doe)", "ext. 101 (Jane Doe)", "+15551230000" or "Jane Doe". */
function formatParty(party: RingCentralParty | null | undefined): string {
  const phone = party?.phoneNumber?.trim();
  const extension = party?.extensionNumber?.trim();
  const number = phone || (extension ? `ext. ${extension}` : '');
  const name = party?.name?.trim() ?? '';
  if (number && name) return `${number} (${name})`;
  return number || name;
}

/** "101 - Jane Doe", the way the archive's extension folders name it. */
function formatExtension(extension: ReportExtension | null): string {
  if (!extension) return '';
  return [extension.number?.trim(), extension.name?.trim()].filter(Boolean).join(' - ');
}

const isoUtc = (timestamp: string): string => new Date(parseInstant(timestamp)).toISOString();
