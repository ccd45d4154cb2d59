import type { AnyBulkWriteOperation } from 'mongodb';
import { COLLECTIONS, type Database } from './db.ts';
import { LEGACY_HASH_ALGORITHM } from './legacy.ts';
import { afterKeyFilter, keyMatch, retryOnDuplicateKey, toNumber, toStoredJson } from './mapping.ts';
import type { OutstandingDoc } from './outstanding.ts';
import { searchUpsert, type SearchDoc } from './search.ts';
import { folderDeltas, folderName, parentFolder, type FolderDelta } from '../folders.ts';
import { decodeKeyToken, decodeTupleToken, encodeKeyToken, encodeTupleToken, pageSize } from '../paging.ts';
import type { JsonObject, LedgerEntry, ReportName, Store } from '../types.ts';

/**
 * One archived object, unique on (tenantId, kind, sourceId, attachmentId); _id is an ObjectId.
 * `folder` (the folder its path is directly in) serves the folder browser; documents written
 * before it existed get it from the schema-3 migration.
 */
type LedgerDoc = Omit<LedgerEntry, 'day' | 'remoteHash'> & {
  day?: string | null;
  folder?: string;
  remoteHash?: LedgerEntry['remoteHash'];
  /** Before schema version 4: Dropbox's content_hash alone (migrations.ts moves it to remoteHash). */
  contentHash?: string;
};

/** The hash of a document written by any version: one a process still on the old code wrote after
 *  the migration ran (a rolling upgrade) reads the same as a migrated one. */
const remoteHashOf = (d: LedgerDoc): LedgerEntry['remoteHash'] =>
  d.remoteHash
    ? { algorithm: d.remoteHash.algorithm, value: d.remoteHash.value }
    : { algorithm: LEGACY_HASH_ALGORITHM, value: d.contentHash ?? '' };

/** A folder holding archived files, unique on (tenantId, path); see store/folders.ts. */
interface FolderDoc {
  tenantId: string;
  path: string;
  parent: string;
  files: number;
  bytes: number;
}

const folderUpdates = (tenantId: string, deltas: FolderDelta[]): AnyBulkWriteOperation<FolderDoc>[] =>
  deltas.map((d) => ({
    updateOne: {
      filter: { tenantId, path: d.path },
      update: { $inc: { files: d.files, bytes: d.bytes }, $setOnInsert: { parent: d.parent } },
      upsert: true,
    },
  }));

/** A row of a daily report, unique on (tenantId, day, report, rowKey). */
interface ReportRowDoc {
  tenantId: string;
  day: string;
  report: ReportName;
  rowKey: string;
  row: JsonObject;
}

export const toEntry = (d: LedgerDoc): LedgerEntry => ({
  tenantId: d.tenantId,
  kind: d.kind,
  sourceId: d.sourceId,
  attachmentId: d.attachmentId,
  path: d.path,
  size: toNumber(d.size),
  sha256: d.sha256,
  remoteHash: remoteHashOf(d),
  sourceModifiedAt: d.sourceModifiedAt ?? null,
  archivedAt: d.archivedAt,
  day: d.day ?? null,
});

/** Aggregation rows ({_id: kind, count, bytes}) as the port's totals. */
export function toTotals(
  rows: Array<{ _id: unknown; count: unknown; bytes: unknown }>,
): Record<string, { count: number; bytes: number }> {
  return Object.fromEntries(
    rows.map((r) => [String(r._id), { count: toNumber(r.count), bytes: toNumber(r.bytes) }]),
  );
}

const SORT = { kind: 1, sourceId: 1, attachmentId: 1 } as const;

type LedgerMethods = Pick<
  Store,
  | 'recordArchived'
  | 'listFolders'
  | 'getFolder'
  | 'listFolderFiles'
  | 'getLedgerEntries'
  | 'listLedger'
  | 'ledgerTotals'
  | 'deleteLedgerEntry'
  | 'listLedgerByDay'
  | 'saveReportRows'
  | 'listReportRows'
>;

export function ledgerMethods(db: Database): LedgerMethods {
  const ledger = db.collection<LedgerDoc>(COLLECTIONS.ledger);
  const outstanding = db.collection<OutstandingDoc>(COLLECTIONS.outstanding);
  const reportRows = db.collection<ReportRowDoc>(COLLECTIONS.reportRows);
  const folders = db.collection<FolderDoc>(COLLECTIONS.folders);
  const searchItems = db.collection<SearchDoc>(COLLECTIONS.searchItems);
  return {
    async recordArchived(e, search) {
      const key = keyMatch(e.tenantId, e);
      // No transaction (a standalone server has none): the search entry goes first (a later write
      // replaces it), then the ledger row, whose previous version says how the folder totals move.
      if (search) await db.run(() => searchItems.bulkWrite([searchUpsert(search)]));
      const before = await retryOnDuplicateKey(() =>
        db.run(() =>
          ledger.findOneAndUpdate(
            key,
            {
              $set: {
                path: e.path,
                folder: parentFolder(e.path),
                size: e.size,
                sha256: e.sha256,
                remoteHash: { algorithm: e.remoteHash.algorithm, value: e.remoteHash.value },
                sourceModifiedAt: e.sourceModifiedAt ?? null,
                archivedAt: e.archivedAt,
                day: e.day ?? null,
              },
              $unset: { contentHash: '' },
            },
            { upsert: true, returnDocument: 'before', projection: { path: 1, size: 1 } },
          ),
        ),
      );
      // If the process dies before what follows, the leftover outstanding row only means one more
      // attempt, whose recordArchived clears it; the folder totals would miss this one file.
      await db.run(() => outstanding.deleteOne(key));
      const deltas = folderDeltas(before ? { path: before.path, size: toNumber(before.size) } : null, e);
      if (deltas.length) await db.run(() => folders.bulkWrite(folderUpdates(e.tenantId, deltas)));
    },

    async getLedgerEntries(tenantId, keys) {
      if (keys.length === 0) return [];
      const docs = await db.run(() =>
        ledger
          .find({
            tenantId,
            $or: keys.map((k) => ({ kind: k.kind, sourceId: k.sourceId, attachmentId: k.attachmentId })),
          })
          .toArray(),
      );
      return docs.map(toEntry);
    },

    async listLedger(tenantId, options = {}) {
      const limit = pageSize(options.limit);
      const filter = {
        tenantId,
        ...(options.kind ? { kind: options.kind } : {}),
        ...afterKeyFilter<LedgerDoc>(decodeKeyToken(options.after)),
      };
      const docs = await db.run(() =>
        ledger
          .find(filter)
          .sort(SORT)
          .limit(limit + 1)
          .toArray(),
      );
      const items = docs.slice(0, limit).map(toEntry);
      const last = items[items.length - 1];
      return { items, next: docs.length > limit && last ? encodeKeyToken(last) : null };
    },

    async ledgerTotals(tenantId) {
      const rows = await db.run(() =>
        ledger
          .aggregate<{ _id: string; count: number; bytes: number }>([
            { $match: { tenantId } },
            { $group: { _id: '$kind', count: { $sum: 1 }, bytes: { $sum: '$size' } } },
            { $sort: { _id: 1 } },
          ])
          .toArray(),
      );
      return toTotals(rows);
    },

    async deleteLedgerEntry(tenantId, key) {
      const removed = await db.run(() =>
        ledger.findOneAndDelete(keyMatch(tenantId, key), { projection: { path: 1, size: 1 } }),
      );
      const deltas = removed ? folderDeltas({ path: removed.path, size: toNumber(removed.size) }, null) : [];
      if (deltas.length) await db.run(() => folders.bulkWrite(folderUpdates(tenantId, deltas)));
    },

    async listFolders(tenantId, path) {
      const docs = await db.run(() =>
        folders
          .find({ tenantId, parent: path, files: { $gt: 0 } })
          .sort({ path: 1 })
          .toArray(),
      );
      return docs.map((d) => ({
        path: d.path,
        name: folderName(d.path),
        files: toNumber(d.files),
        bytes: toNumber(d.bytes),
      }));
    },

    async getFolder(tenantId, path) {
      // The root has no document of its own: its totals are its top folders' plus any top file.
      const [totals] = await db.run(() =>
        (path === ''
          ? folders.aggregate<{ files: unknown; bytes: unknown }>([
              { $match: { tenantId, parent: '' } },
              { $group: { _id: null, files: { $sum: '$files' }, bytes: { $sum: '$bytes' } } },
            ])
          : folders.aggregate<{ files: unknown; bytes: unknown }>([{ $match: { tenantId, path } }])
        ).toArray(),
      );
      const [top] =
        path === ''
          ? await db.run(() =>
              ledger
                .aggregate<{ files: unknown; bytes: unknown }>([
                  { $match: { tenantId, folder: '' } },
                  { $group: { _id: null, files: { $sum: 1 }, bytes: { $sum: '$size' } } },
                ])
                .toArray(),
            )
          : [];
      const files = toNumber(totals?.files) + toNumber(top?.files);
      const bytes = toNumber(totals?.bytes) + toNumber(top?.bytes);
      return files > 0 ? { path, name: folderName(path), files, bytes } : null;
    },

    async listFolderFiles(tenantId, path, options = {}) {
      const limit = pageSize(options.limit);
      const after = decodeTupleToken(options.after, 1)?.[0] ?? null;
      const docs = await db.run(() =>
        ledger
          .find({ tenantId, folder: path, ...(after ? { path: { $gt: after } } : {}) })
          .sort({ path: 1 })
          .limit(limit + 1)
          .toArray(),
      );
      const items = docs.slice(0, limit).map(toEntry);
      const last = items[items.length - 1];
      return { items, next: docs.length > limit && last ? encodeTupleToken([last.path]) : null };
    },

    async listLedgerByDay(tenantId, day) {
      const docs = await db.run(() => ledger.find({ tenantId, day }).sort({ path: 1 }).toArray());
      return docs.map(toEntry);
    },

    async saveReportRows(tenantId, day, report, rows) {
      if (rows.length === 0) return;
      await db.run(() =>
        reportRows.bulkWrite(
          rows.map((r) => ({
            updateOne: {
              filter: { tenantId, day, report, rowKey: r.key },
              update: { $set: { row: toStoredJson(r.row) } },
              upsert: true,
            },
          })),
          { ordered: false },
        ),
      );
    },

    async listReportRows(tenantId, day, report) {
      const docs = await db.run(() =>
        reportRows.find({ tenantId, day, report }).sort({ rowKey: 1 }).toArray(),
      );
      return docs.map((d) => ({ key: d.rowKey, row: d.row }));
    },
  };
}
