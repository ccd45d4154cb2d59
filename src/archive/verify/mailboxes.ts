import { createHash } from 'node:crypto';
import type { Destination } from '../../destinations/types.ts';
import type { LedgerEntry, Store } from '../../store/types.ts';
import type { RingCentralApi } from '../sources/api.ts';
import { listExtensions } from '../sources/extensions.ts';
import {
  toMessageRecord,
  type Extension,
  type MessageRecord,
  type RawMessageRecord,
} from '../sources/records.ts';
import { SourceError } from '../sources/source-error.ts';

/**
 * Finds an archived message at RingCentral again. A message can only be read from its own
 * extension's mailbox, and the ledger does not record which one that is, so it is learned:
 *  1. from the message's archived JSON (its `extensionId`), when that file is still in the
 *     destination with the ledger's SHA-256 — then RingCentral's 404 there means the message is gone;
 *  2. otherwise by asking the mailboxes in turn (Light group), those whose extension number
 *     appears in the archived path first. A verification spends at most MAX_MAILBOX_PROBES such
 *     requests; messages left over are tried again by the next verification.
 */

const MAX_MAILBOX_PROBES = 200;

/** Not repaired this time for a reason that may pass; the next verification tries again. */
export class RepairLater extends Error {
  override name = 'RepairLater';
}

interface MessageFinderDeps {
  api: RingCentralApi;
  destination: Destination;
  store: Store;
  tenantId: string;
}

export interface MessageFinder {
  /** The message an entry belongs to, as RingCentral has it now; SourceError 'gone' if it has not. */
  message(entry: LedgerEntry, signal: AbortSignal): Promise<MessageRecord>;
}

const messagePath = (extensionId: string, messageId: string) =>
  `/restapi/v1.0/account/~/extension/${encodeURIComponent(extensionId)}/message-store/${encodeURIComponent(messageId)}`;

export function messageFinder(deps: MessageFinderDeps): MessageFinder {
  const found = new Map<string, Promise<MessageRecord>>();
  let mailboxes: Promise<Extension[]> | null = null;
  let probesLeft = MAX_MAILBOX_PROBES;

  const read = async (extensionId: string, messageId: string, signal: AbortSignal) =>
    toMessageRecord(
      await deps.api.get<RawMessageRecord>(messagePath(extensionId, messageId), {}, { signal }),
    );

  async function probe(entry: LedgerEntry, signal: AbortSignal): Promise<MessageRecord> {
    mailboxes ??= listExtensions(deps.api, { signal }).then((all) => all.filter((e) => e.hasMailbox));
    let refused = false;
    for (const mailbox of byPathHint(await mailboxes, entry.path)) {
      if (probesLeft <= 0)
        throw new RepairLater(
          'Which mailbox holds this message is not known, and this verification has asked enough mailboxes; the next one continues.',
        );
      probesLeft -= 1;
      try {
        return await read(mailbox.id, entry.sourceId, signal);
      } catch (error) {
        if (!(error instanceof SourceError)) throw error;
        if (error.kind === 'forbidden') refused = true;
        else if (error.kind !== 'gone') throw error;
      }
    }
    if (refused)
      throw new RepairLater(
        'RingCentral refused reading some mailboxes, so whether this message still exists is unknown: give the connected admin access to every mailbox.',
      );
    throw new SourceError({
      kind: 'gone',
      message: `Message ${entry.sourceId} is in no mailbox at RingCentral.`,
    });
  }

  async function find(entry: LedgerEntry, signal: AbortSignal): Promise<MessageRecord> {
    const known = await mailboxFromArchive(deps, entry);
    return known ? read(known, entry.sourceId, signal) : probe(entry, signal);
  }

  return {
    message(entry, signal) {
      let pending = found.get(entry.sourceId);
      if (!pending) {
        pending = find(entry, signal);
        found.set(entry.sourceId, pending);
        // A failure may be temporary: let a later item of the same message ask again.
        pending.catch(() => found.delete(entry.sourceId));
      }
      return pending;
    },
  };
}

/** The mailbox named by the message's archived JSON, if that file is intact; else null. */
async function mailboxFromArchive(deps: MessageFinderDeps, entry: LedgerEntry): Promise<string | null> {
  const [json] = await deps.store.getLedgerEntries(deps.tenantId, [
    { kind: entry.kind, sourceId: entry.sourceId, attachmentId: '' },
  ]);
  if (!json) return null;
  try {
    const bytes = await deps.destination.read(json.path);
    if (!bytes || createHash('sha256').update(bytes).digest('hex') !== json.sha256) return null;
    const record = JSON.parse(bytes.toString('utf8')) as { extensionId?: unknown; uri?: unknown };
    if (typeof record.extensionId === 'string' || typeof record.extensionId === 'number')
      return String(record.extensionId);
    const fromUri =
      typeof record.uri === 'string' ? /\/extension\/(\d+)\/message-store\//.exec(record.uri) : null;
    return fromUri?.[1] ?? null;
  } catch {
    return null; // unreadable or not JSON: ask the mailboxes instead
  }
}

/** Mailboxes whose extension number appears as a folder of the path ("Ext 101 - Jane") first. */
function byPathHint(mailboxes: Extension[], path: string): Extension[] {
  const folders = path.split('/');
  const hinted = (e: Extension) =>
    !!e.extensionNumber &&
    folders.some(
      (f) =>
        f === e.extensionNumber ||
        f === `Ext ${e.extensionNumber}` ||
        f.startsWith(`Ext ${e.extensionNumber} - `),
    );
  return [...mailboxes.filter(hinted), ...mailboxes.filter((e) => !hinted(e))];
}
