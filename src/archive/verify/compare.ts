import type { Destination, RemoteFile } from '../../destinations/types.ts';
import type { LedgerEntry, Store } from '../../store/types.ts';
import { sanitizeComponent } from '../paths.ts';
import type { Problem } from './types.ts';

/**
 * The comparison at the heart of a verification: the tenant's destination as listed now against
 * every ledger row. Paths are matched in lower case: Dropbox compares them that way, and the
 * archive never writes two paths that differ only in case (the file names carry the item's id).
 */

/** Where reconciliation reports go, under the company folder; never counted as unexpected. */
export function reconciliationFolder(company: string): string {
  return `/${sanitizeComponent(company)}/Reconciliation`;
}

const pathKey = (path: string): string => path.toLowerCase();
const topFolderOf = (key: string): string => key.split('/')[1] ?? '';

/**
 * Every file of the app folder, by lower-case path. The whole folder is listed (not only the
 * company folder) because a folder template need not start with the company, and files kept from
 * before a company rename live under the old name.
 */
export async function listArchive(destination: Destination): Promise<Map<string, RemoteFile>> {
  const files = new Map<string, RemoteFile>();
  for await (const file of destination.list('')) files.set(pathKey(file.path), file);
  return files;
}

/**
 * The listed file is the one archived: the same hash, when the destination hashes the way it did
 * when the row was written. A row written by another destination (the company switched) can only
 * be checked by size.
 */
function sameFile(file: RemoteFile, entry: LedgerEntry): boolean {
  if (file.remoteHash.algorithm !== entry.remoteHash.algorithm) return file.size === entry.size;
  return file.remoteHash.value === entry.remoteHash.value && file.size === entry.size;
}

/** Every ledger row of the tenant, page by page. */
export async function* ledgerEntries(store: Store, tenantId: string): AsyncGenerator<LedgerEntry> {
  let after: string | null = null;
  do {
    const page = await store.listLedger(tenantId, { limit: 1000, after });
    yield* page.items;
    after = page.next;
  } while (after);
}

interface Comparison {
  expected: number;
  ok: number;
  missing: number;
  altered: number;
  unexpectedCount: number;
  /** The first `maxTracked` problems (missing and altered), in ledger order. */
  problems: Problem[];
  /** The first `maxTracked` unexpected files, by path. */
  unexpected: RemoteFile[];
}

interface CompareOptions {
  company: string;
  maxTracked: number;
}

/**
 * Checks each ledger row against the listing, then reports what is left of the listing as
 * unexpected — but only inside the archive's own top-level folders (those the ledger uses, and the
 * company folder), so someone else's files next to the archive are not its business, and never the
 * reconciliation reports themselves. Consumes `remote`: matched files are removed from it.
 */
export async function compareWithLedger(
  ledger: AsyncIterable<LedgerEntry>,
  remote: Map<string, RemoteFile>,
  options: CompareOptions,
): Promise<Comparison> {
  const result: Comparison = {
    expected: 0,
    ok: 0,
    missing: 0,
    altered: 0,
    unexpectedCount: 0,
    problems: [],
    unexpected: [],
  };
  const reports = pathKey(`${reconciliationFolder(options.company)}/`);
  const archiveFolders = new Set([topFolderOf(reports)]);
  const track = (problem: Omit<Problem, 'outcome' | 'detail'>) => {
    if (result.problems.length < options.maxTracked)
      result.problems.push({ ...problem, outcome: 'not-attempted', detail: '' });
  };

  for await (const entry of ledger) {
    result.expected += 1;
    const key = pathKey(entry.path);
    archiveFolders.add(topFolderOf(key));
    const file = remote.get(key);
    remote.delete(key);
    if (!file) {
      result.missing += 1;
      track({ type: 'missing', entry, found: null });
    } else if (!sameFile(file, entry)) {
      result.altered += 1;
      track({ type: 'altered', entry, found: file });
    } else {
      result.ok += 1;
    }
  }

  const unexpected = [...remote.entries()]
    .filter(([key]) => archiveFolders.has(topFolderOf(key)) && !key.startsWith(reports))
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  result.unexpectedCount = unexpected.length;
  result.unexpected = unexpected.slice(0, options.maxTracked).map(([, file]) => file);
  return result;
}
