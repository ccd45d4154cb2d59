/**
 * `GET /__sim/inventory`: the ground truth an archiver run is checked against — every extension,
 * every call log record as it exists now (with its recording, if visible), every Alive message
 * with its attachments — with SHA-256 of every binary. Ids are strings throughout (the archiver
 * compares by string). Digests are computed by streaming and cached.
 */
import type { Account } from './account.ts';
import { attachmentContent, recordingSource } from './content-sources.ts';
import type { DigestCache } from './hashing.ts';

export interface Inventory {
  accountId: string;
  extensions: Array<{ id: string; extensionNumber: string; name: string; type: string; admin: boolean }>;
  callLog: Array<{
    id: string;
    startTime: string;
    lastModifiedTime: string;
    /** The parties' phone numbers as the API shows them (null for an extension-only party). */
    from: string | null;
    to: string | null;
    recording: null | { id: string; contentType: string; size: number; sha256: string | null };
  }>;
  messages: Array<{
    id: string;
    extensionId: string;
    type: string;
    creationTime: string;
    attachments: Array<{
      id: string;
      type: string;
      contentType: string;
      size: number;
      sha256: string | null;
    }>;
  }>;
}

const iso = (ms: number): string => new Date(ms).toISOString();

export async function buildInventory(
  account: Account,
  now: number,
  digests: DigestCache,
  withHashes: boolean,
): Promise<Inventory> {
  const hash = async (entry: {
    key: string;
    source: Parameters<DigestCache['get']>[1];
  }): Promise<string | null> => (withHashes ? (await digests.get(entry.key, entry.source)).sha256 : null);

  const callLog: Inventory['callLog'] = [];
  const calls = account.calls(now);
  for (let i = calls.length - 1; i >= 0; i--) {
    const call = calls[i]!;
    const rec = call.recording && account.recordingVisible(call, now) ? call.recording : null;
    callLog.push({
      id: call.id,
      startTime: iso(call.startTime),
      lastModifiedTime: iso(account.lastModified(call, now)),
      from: call.from.phoneNumber ?? null,
      to: call.to.phoneNumber ?? null,
      recording: rec
        ? {
            id: rec.id,
            contentType: rec.contentType,
            size: rec.size,
            sha256: await hash(recordingSource(rec)),
          }
        : null,
    });
  }

  const messages: Inventory['messages'] = [];
  for (const m of account.allMessages(now)) {
    if (m.availability !== 'Alive') continue;
    const attachments: Inventory['messages'][number]['attachments'] = [];
    for (const a of m.attachments) {
      attachments.push({
        id: String(a.id),
        type: a.type,
        contentType: a.contentType,
        size: a.size,
        sha256: await hash(attachmentContent(a)),
      });
    }
    messages.push({
      id: String(m.id),
      extensionId: String(m.extensionId),
      type: m.type,
      creationTime: iso(m.creationTime),
      attachments,
    });
  }
  messages.sort((a, b) => (a.creationTime < b.creationTime ? 1 : a.creationTime > b.creationTime ? -1 : 0));

  return {
    accountId: account.id,
    extensions: account.extensions.map((e) => ({
      id: String(e.id),
      extensionNumber: e.extensionNumber,
      name: e.name,
      type: e.type,
      admin: e.admin,
    })),
    callLog,
    messages,
  };
}
