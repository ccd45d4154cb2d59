/**
 * Which RingCentral events a company subscribes to, and what a notification means for the archive.
 *
 * - Every archived mailbox: `/restapi/v1.0/account/{accountId}/extension/{extensionId}/message-store`
 *   (a new or changed voicemail, fax or SMS; needs ReadMessages).
 * - When the app holds CallControl: the account's telephony sessions, only at the end of a call
 *   (`statusCode=Disconnected`, one notification per call instead of one per state change).
 *   There is no call-log event filter (RingCentral's event filters list none); a call's end is the nearest.
 *
 * A notification is trusted only as "this stream changed": it names the stream to read again
 * (`mailbox:<extensionId>` or `calllog`) and, for a call, the recording ids to look for; the data
 * itself is always read from the API.
 */
import { CALL_LOG_STREAM } from '../archive/streams/call-log/stream.ts';
import { mailboxStream } from '../archive/streams/messages/mailbox-stream.ts';
import { archivesKind, type ItemKindId } from '../archive/kinds/registry.ts';
import type { Extension } from '../archive/sources/records.ts';
import { CALL_LOG_KINDS } from '../archive/streams/call-log/kinds.ts';
import { MESSAGE_KINDS } from '../archive/streams/messages/kinds.ts';
import { includesExtension, type TenantSettings } from '../archive/settings.ts';

export const TELEPHONY_PERMISSION = 'CallControl';

export const mailboxFilter = (accountId: string, extensionId: string): string =>
  `/restapi/v1.0/account/${accountId}/extension/${extensionId}/message-store`;

export const telephonyFilter = (accountId: string): string =>
  `/restapi/v1.0/account/${accountId}/telephony/sessions?statusCode=Disconnected`;

/** The filters a company needs, sorted (so two lists compare as sets by string equality). */
export function wantedFilters(input: {
  accountId: string;
  settings: Pick<TenantSettings, 'extensions' | 'dataTypes'>;
  extensions: readonly Extension[];
  telephony: boolean;
}): string[] {
  const { accountId, settings } = input;
  const archives = (kinds: ReadonlyArray<{ id: ItemKindId }>) =>
    kinds.some((k) => archivesKind(settings.dataTypes, k.id));
  const filters: string[] = [];
  if (archives(MESSAGE_KINDS))
    for (const e of input.extensions)
      if (e.hasMailbox && includesExtension(settings, e.id)) filters.push(mailboxFilter(accountId, e.id));
  if (input.telephony && archives(CALL_LOG_KINDS)) filters.push(telephonyFilter(accountId));
  return filters.sort();
}

interface StreamChange {
  stream: string;
  /** Read the stream from no later than this: the call's start (the call log lists by start time). */
  since: Date | null;
  /** Recording ids the notification announced (telephony sessions), to be looked for. */
  awaiting: string[];
}

const MAILBOX_EVENT = /^\/restapi\/v1\.0\/account\/([^/]+)\/extension\/(\d+)\/message-store(?:\?.*)?$/;
const TELEPHONY_EVENT = /^\/restapi\/v1\.0\/account\/([^/]+)\/telephony\/sessions(?:\?.*)?$/;

interface PartyJson {
  status?: { code?: unknown };
  recordings?: Array<{ id?: unknown }>;
}

/**
 * The stream a notification says changed, or null for one this company did not ask about (another
 * account, another event, a call that has not ended).
 */
export function streamChange(accountId: string, event: string, body: unknown): StreamChange | null {
  const mailbox = MAILBOX_EVENT.exec(event);
  if (mailbox)
    return mailbox[1] === accountId
      ? { stream: mailboxStream(mailbox[2]!), since: null, awaiting: [] }
      : null;
  const telephony = TELEPHONY_EVENT.exec(event);
  if (!telephony || telephony[1] !== accountId) return null;
  const { parties, eventTime } = (body ?? {}) as { parties?: unknown; eventTime?: unknown };
  if (!Array.isArray(parties)) return null;
  const ended = (parties as PartyJson[]).filter((p) => p?.status?.code === 'Disconnected');
  if (ended.length === 0) return null;
  const awaiting = ended.flatMap((p) =>
    Array.isArray(p.recordings)
      ? p.recordings.map((r) => r?.id).filter((id): id is string => typeof id === 'string' && id !== '')
      : [],
  );
  // The spec's eventTime is "the call start date/time"; without it the usual overlap has to do.
  const started = typeof eventTime === 'string' ? Date.parse(eventTime) : NaN;
  return {
    stream: CALL_LOG_STREAM,
    since: Number.isFinite(started) ? new Date(started) : null,
    awaiting: [...new Set(awaiting)].slice(0, 20),
  };
}
