/**
 * The message store (voicemail, fax, SMS, pager/MMS) of every extension. Whether an admin token
 * may read other extensions' mailboxes directly is not documented by RingCentral, so
 * there are two ways in, and the pipeline uses whichever the tenant allows and the budget fits:
 *
 * - direct, per mailbox (Light): `readMailbox` lists a window of the message store (from the
 *   stream's cursor minus the lookback, which also catches messages changed or deleted late, so
 *   message-sync's tokens are not needed); a refusal is a `forbidden` SourceError carrying
 *   RingCentral's code (CMN-408 permission, CMN-404 not an admin, CMN-403 no mailbox for this
 *   extension type);
 * - the admin message-store export (Heavy, account-wide): `readMessageExport`.
 *
 * `planMailboxPolling` decides per run which mailboxes are read directly and which come from the
 * export, so thousands of extensions stay inside the Light budget.
 */
import type { Download, RingCentralApi } from './api.ts';
import { distinctRecords, listPages } from './paging.ts';
import {
  toMessageRecord,
  type MessageAttachment,
  type MessageRecord,
  type MessageType,
  type RawMessageRecord,
} from './records.ts';

export { readMessageExport, type ExportedAttachment, type ExportedMessage } from './message-export.ts';
export { planMailboxPolling } from './mailbox-plan.ts';

interface MailboxWindow {
  dateFrom: Date;
  dateTo: Date;
  /** Omitted or empty: every type, including ones RingCentral adds later. */
  types?: readonly MessageType[];
  signal?: AbortSignal;
}

/**
 * Deleted messages are read too: they keep their attachments and can be restored, and a user who
 * deletes a voicemail before the hourly run must not take it out of the archive. Purged ones have
 * nothing left to archive.
 */
const ARCHIVED_AVAILABILITY = ['Alive', 'Deleted'] as const;

const mailboxPath = (extensionId: string) =>
  `/restapi/v1.0/account/~/extension/${encodeURIComponent(extensionId)}/message-store`;

/** Pages of one mailbox's messages created in [dateFrom, dateTo], 1,000 a page. */
export async function* readMailbox(
  api: RingCentralApi,
  extensionId: string,
  window: MailboxWindow,
): AsyncGenerator<MessageRecord[]> {
  const query = {
    messageType: window.types && window.types.length > 0 ? [...window.types] : undefined,
    availability: [...ARCHIVED_AVAILABILITY],
    // Explicit: RingCentral's defaults disagree (24 h in the spec, a week in the guide).
    dateFrom: window.dateFrom.toISOString(),
    dateTo: window.dateTo.toISOString(),
    perPage: 1000,
  };
  yield* distinctRecords(
    listPages<RawMessageRecord>(api, mailboxPath(extensionId), query, window.signal),
    toMessageRecord,
  );
}

/** An attachment's content (Medium), from its absolute `uri` (media host) as given. */
export function openAttachment(
  api: RingCentralApi,
  attachment: Pick<MessageAttachment, 'uri'>,
  options: { signal?: AbortSignal } = {},
): Promise<Download> {
  return api.download(attachment.uri, options);
}
