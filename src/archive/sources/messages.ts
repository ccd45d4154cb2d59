/**
 * The message store (voicemail, fax, SMS, pager/MMS) of every extension. Whether an admin token
 * may read other extensions' mailboxes directly is not documented (ringcentral.md §4.7, §5), so
 * there are two ways in, and the pipeline uses whichever the tenant allows and the budget fits:
 *
 * - direct, per mailbox (Light): `readMailbox` lists a window, `syncMailbox` follows changes with
 *   message-sync; a refusal is a `forbidden` SourceError carrying RingCentral's code (CMN-408
 *   permission, CMN-404 not an admin, CMN-403 no mailbox for this extension type);
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
import { SourceError } from './source-error.ts';

export { readMessageExport, type ExportedAttachment, type ExportedMessage } from './message-export.ts';
export { planMailboxPolling, type MailboxBudget, type MailboxPlan } from './mailbox-plan.ts';

export interface MailboxWindow {
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
export const ARCHIVED_AVAILABILITY = ['Alive', 'Deleted'] as const;

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

export interface MailboxSync {
  syncType: 'FSync' | 'ISync';
  /** ISync: new and changed messages (deleted or purged ones carry little more than id and availability). */
  records: MessageRecord[];
  /** Store it for the next run. */
  syncToken: string;
  syncTime: string;
  /** FSync stopped short of dateFrom: read the rest of the window with `readMailbox`. */
  olderRecordsExist: boolean;
  /** The stored token was refused (MSG-333 or an invalid syncToken) and a full sync was done instead. */
  fullSyncForced: boolean;
}

interface RawSync {
  records?: RawMessageRecord[];
  syncInfo: { syncType: 'FSync' | 'ISync'; syncToken: string; syncTime: string; olderRecordsExist?: boolean };
}

/**
 * message-sync for one mailbox (Light, no paging): a full sync from `dateFrom` without a token,
 * an incremental one with it. RingCentral overlaps incremental windows by ~5 s, so records can
 * repeat across runs; the ledger makes that harmless.
 */
export async function syncMailbox(
  api: RingCentralApi,
  extensionId: string,
  syncToken: string | null,
  options: { dateFrom: Date; types?: readonly MessageType[]; signal?: AbortSignal },
): Promise<MailboxSync> {
  const path = `/restapi/v1.0/account/~/extension/${encodeURIComponent(extensionId)}/message-sync`;
  const full = async (forced: boolean): Promise<MailboxSync> => {
    const raw = await api.get<RawSync>(
      path,
      {
        syncType: 'FSync',
        dateFrom: options.dateFrom.toISOString(),
        messageType: options.types && options.types.length > 0 ? [...options.types] : undefined,
      },
      { signal: options.signal },
    );
    return fromSync(raw, forced);
  };
  if (syncToken === null) return full(false);
  try {
    const raw = await api.get<RawSync>(path, { syncType: 'ISync', syncToken }, { signal: options.signal });
    return fromSync(raw, false);
  } catch (error) {
    if (error instanceof SourceError && needsFullSync(error)) return full(true);
    throw error;
  }
}

/** MSG-333 "full synchronization is required", or a token RingCentral no longer accepts. */
export function needsFullSync(error: SourceError): boolean {
  return (
    error.kind === 'bad-request' && (error.errorCode === 'MSG-333' || error.parameterName === 'syncToken')
  );
}

function fromSync(raw: RawSync, forced: boolean): MailboxSync {
  return {
    syncType: raw.syncInfo.syncType,
    records: (raw.records ?? []).map(toMessageRecord),
    syncToken: raw.syncInfo.syncToken,
    syncTime: raw.syncInfo.syncTime,
    olderRecordsExist: raw.syncInfo.olderRecordsExist ?? false,
    fullSyncForced: forced,
  };
}

/** An attachment's content (Medium), from its absolute `uri` (media host) as given. */
export function openAttachment(
  api: RingCentralApi,
  attachment: Pick<MessageAttachment, 'uri'>,
  options: { signal?: AbortSignal } = {},
): Promise<Download> {
  return api.download(attachment.uri, options);
}
