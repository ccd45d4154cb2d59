import { COLLECTIONS, type Database } from './db.ts';
import { afterKeyFilter, keyMatch, retryOnDuplicateKey, toNumber, toStoredJson } from './mapping.ts';
import type { OutstandingDoc } from './outstanding.ts';
import { decodeKeyToken, encodeKeyToken, pageSize } from '../paging.ts';
import type { JsonObject, LedgerEntry, ReportName, Store } from '../types.ts';

/** One archived object, unique on (tenantId, kind, sourceId, attachmentId); _id is an ObjectId. */
export type LedgerDoc = Omit<LedgerEntry, 'day'> & { day?: string | null };

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
  contentHash: d.contentHash,
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
  return {
    async recordArchived(e) {
      const key = keyMatch(e.tenantId, e);
      await retryOnDuplicateKey(() =>
        db.run(() =>
          ledger.updateOne(
            key,
            {
              $set: {
                path: e.path,
                size: e.size,
                sha256: e.sha256,
                contentHash: e.contentHash,
                sourceModifiedAt: e.sourceModifiedAt ?? null,
                archivedAt: e.archivedAt,
                day: e.day ?? null,
              },
            },
            { upsert: true },
          ),
        ),
      );
      // Two writes without a transaction (a standalone server has none). The ledger row goes first:
      // if the process dies in between, the leftover outstanding row only means one more attempt,
      // whose recordArchived clears it; the other order could leave the item recorded nowhere.
      await db.run(() => outstanding.deleteOne(key));
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
      await db.run(() => ledger.deleteOne(keyMatch(tenantId, key)));
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
