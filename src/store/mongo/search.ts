import type { AnyBulkWriteOperation, Filter } from 'mongodb';
import { COLLECTIONS, type Database } from './db.ts';
import { toNumber } from './mapping.ts';
import { pageSize } from '../paging.ts';
import {
  COUNT_LIMIT,
  decodeSearchCursor,
  encodeSearchCursor,
  indexTerms,
  namesText,
  numbersText,
  parseSearchText,
} from '../search-terms.ts';
import type { LedgerKey, SearchEntry, Store } from '../types.ts';

/** One archived call or message, unique on (tenantId, kind, sourceId); see store/search-terms.ts. */
export interface SearchDoc {
  tenantId: string;
  kind: string;
  sourceId: string;
  at: Date;
  direction: string;
  from: string;
  to: string;
  /** " 16505550000 101 " */
  numbers: string;
  /** " jane doe " */
  names: string;
  extension: SearchEntry['extension'];
  hasRecording: boolean;
  durationSeconds: number | null;
  result: string;
  summary: string;
  path: string;
  files: LedgerKey[];
  terms: number[];
}

const words = (text: string) => text.trim().split(' ').filter(Boolean);

const toEntry = (d: SearchDoc): SearchEntry => ({
  tenantId: d.tenantId,
  kind: d.kind,
  sourceId: d.sourceId,
  at: d.at,
  direction: d.direction,
  from: d.from,
  to: d.to,
  numbers: words(d.numbers),
  names: words(d.names),
  extension: d.extension ?? null,
  hasRecording: d.hasRecording,
  durationSeconds: d.durationSeconds ?? null,
  result: d.result,
  summary: d.summary,
  path: d.path,
  files: d.files.map((f) => ({ kind: f.kind, sourceId: f.sourceId, attachmentId: f.attachmentId })),
});

export function searchUpsert(e: SearchEntry): AnyBulkWriteOperation<SearchDoc> {
  const doc: SearchDoc = {
    tenantId: e.tenantId,
    kind: e.kind,
    sourceId: e.sourceId,
    at: e.at,
    direction: e.direction,
    from: e.from,
    to: e.to,
    numbers: numbersText(e.numbers),
    names: namesText(e.names),
    extension: e.extension,
    hasRecording: e.hasRecording,
    durationSeconds: e.durationSeconds,
    result: e.result,
    summary: e.summary,
    path: e.path,
    files: e.files.map((f) => ({ kind: f.kind, sourceId: f.sourceId, attachmentId: f.attachmentId })),
    terms: indexTerms(e),
  };
  return {
    replaceOne: {
      filter: { tenantId: e.tenantId, kind: e.kind, sourceId: e.sourceId },
      replacement: doc,
      upsert: true,
    },
  };
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function searchMethods(
  db: Database,
): Pick<Store, 'saveSearchEntries' | 'getSearchEntries' | 'searchItems'> {
  const items = db.collection<SearchDoc>(COLLECTIONS.searchItems);
  return {
    async saveSearchEntries(entries) {
      if (entries.length === 0) return;
      await db.run(() => items.bulkWrite(entries.map(searchUpsert), { ordered: false }));
    },

    async getSearchEntries(tenantId, keys) {
      if (keys.length === 0) return [];
      const docs = await db.run(() =>
        items.find({ tenantId, $or: keys.map((k) => ({ kind: k.kind, sourceId: k.sourceId })) }).toArray(),
      );
      return docs.map(toEntry);
    },

    async searchItems(tenantId, query) {
      const limit = pageSize(query.limit ?? 25);
      const and: Filter<SearchDoc>[] = [{ tenantId }];
      const text = parseSearchText(tenantId, query.text);
      if (text) {
        if (text.terms.length) and.push({ terms: { $all: text.terms } });
        for (const d of text.digits) and.push({ numbers: { $regex: escapeRegex(d) } });
        for (const w of text.words) and.push({ names: { $regex: ` ${escapeRegex(w)}` } });
      }
      if (query.kinds?.length) and.push({ kind: { $in: query.kinds } });
      if (query.direction) and.push({ direction: query.direction });
      if (query.from) and.push({ at: { $gte: query.from } });
      if (query.to) and.push({ at: { $lt: query.to } });
      if (query.hasRecording !== undefined) and.push({ hasRecording: query.hasRecording });
      const filter: Filter<SearchDoc> = { $and: and };
      const after = decodeSearchCursor(query.after);
      const pageFilter: Filter<SearchDoc> = after
        ? {
            $and: [
              ...and,
              {
                $or: [
                  { at: { $lt: after.at } },
                  { at: after.at, kind: { $lt: after.kind } },
                  { at: after.at, kind: after.kind, sourceId: { $lt: after.sourceId } },
                ],
              },
            ],
          }
        : filter;
      const [docs, counted] = await Promise.all([
        db.run(() =>
          items
            .find(pageFilter)
            .sort({ at: -1, kind: -1, sourceId: -1 })
            .limit(limit + 1)
            .toArray(),
        ),
        db.run(() =>
          items
            .aggregate<{ _id: string; count: unknown }>([
              { $match: filter },
              { $limit: COUNT_LIMIT + 1 },
              { $group: { _id: '$kind', count: { $sum: 1 } } },
            ])
            .toArray(),
        ),
      ]);
      const page = docs.slice(0, limit).map(toEntry);
      const last = page[page.length - 1];
      const counts = Object.fromEntries(counted.map((r) => [r._id, toNumber(r.count)]));
      const total = Object.values(counts).reduce((sum, n) => sum + n, 0);
      return {
        items: page,
        next: docs.length > limit && last ? encodeSearchCursor(last) : null,
        counts,
        countsCapped: total > COUNT_LIMIT,
      };
    },
  };
}
