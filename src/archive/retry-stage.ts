import type { OutstandingItem } from '../store/types.ts';
import { jsonBytes, recordingExtension, type ArchiveItem } from './items.ts';
import { isItemKind } from './kinds/registry.ts';
import type { RunEnv } from './run-env.ts';
import type { Download } from './sources/api.ts';
import { transferItems } from './transfer.ts';

const RETRIES_PER_RUN = 500;

/**
 * Items whose next attempt is due are tried again from what their outstanding row remembers (a
 * record's JSON, or the URI of its bytes), whether or not the source still lists them.
 */
export async function retryDue(env: RunEnv): Promise<number> {
  const due = await env.deps.store.listDueOutstanding(
    env.state.tenant.id,
    new Date(env.deps.clock.now()),
    RETRIES_PER_RUN,
  );
  const download: Downloader = (uri, signal) => env.deps.api.download(uri, { signal });
  const items = due
    .map((row) => itemFromOutstanding(row, download))
    .filter((i): i is ArchiveItem => i !== null);
  if (items.length > 0) await transferItems(env, items);
  return items.length;
}

/** Fetches bytes from RingCentral's media host by their absolute URI. */
export type Downloader = (uri: string, signal: AbortSignal) => Promise<Download>;

/**
 * The item an outstanding row describes, or null when it cannot be rebuilt: a kind this version
 * does not know (written by a newer one: it waits for a version that does) or a descriptor without
 * a path, a day, or a way to its bytes. Pure: opening the item is what calls RingCentral.
 */
export function itemFromOutstanding(row: OutstandingItem, download: Downloader): ArchiveItem | null {
  const d = row.descriptor;
  if (!isItemKind(row.kind) || typeof d.path !== 'string' || typeof d.day !== 'string') return null;
  const common = {
    kind: row.kind,
    sourceId: row.sourceId,
    attachmentId: row.attachmentId,
    path: d.path,
    day: d.day,
    at: typeof d.at === 'number' ? d.at : 0,
    mode: 'add' as const,
    descriptor: d,
  };
  if (d.source === 'json' && d.json && typeof d.json === 'object') {
    const json = d.json;
    return {
      ...common,
      // A rewrite of an earlier version replaces it; a first write is an add like any other.
      mode: 'overwrite',
      sourceModifiedAt: typeof d.modified === 'string' ? new Date(d.modified) : null,
      size: null,
      open: () => Promise.resolve({ body: jsonBytes(json), size: null }),
    };
  }
  if (d.source === 'download' && typeof d.uri === 'string') {
    const uri = d.uri;
    return {
      ...common,
      sourceModifiedAt: null,
      size: typeof d.size === 'number' ? d.size : null,
      open: async (signal) => {
        const fetched = await download(uri, signal);
        return {
          body: fetched.body,
          size: fetched.size,
          fileExtension: row.kind === 'recording' ? recordingExtension(fetched.contentType) : undefined,
        };
      },
    };
  }
  return null;
}
