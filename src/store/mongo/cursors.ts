import { COLLECTIONS, type Database } from './db.ts';
import { toNumber } from './mapping.ts';
import { versionedDocs, type VersionedDoc } from './versioned.ts';
import type { Cursor, JsonObject, Store } from '../types.ts';

/** One cursor per (tenantId, stream), enforced by a unique index; _id is an ObjectId. */
export interface CursorDoc {
  tenantId: string;
  stream: string;
  position: JsonObject;
  version: number;
  updatedAt: Date;
}

export const toCursor = (d: CursorDoc): Cursor => ({
  tenantId: d.tenantId,
  stream: d.stream,
  position: d.position ?? {},
  version: toNumber(d.version),
  updatedAt: d.updatedAt,
});

const fromDoc = (d: VersionedDoc): Cursor => ({
  tenantId: d.tenantId,
  stream: d.name,
  position: d.json,
  version: d.version,
  updatedAt: d.updatedAt,
});

export function cursorMethods(db: Database): Pick<Store, 'getCursor' | 'listCursors' | 'saveCursor'> {
  const docs = versionedDocs(db, { collection: COLLECTIONS.cursors, name: 'stream', json: 'position' });
  return {
    getCursor: async (tenantId, stream) => {
      const doc = await docs.get(tenantId, stream);
      return doc && fromDoc(doc);
    },
    listCursors: async (tenantId) => (await docs.list(tenantId)).map(fromDoc),
    saveCursor: async (tenantId, stream, position, expectedVersion) => {
      const doc = await docs.save(tenantId, stream, position, expectedVersion);
      return doc && fromDoc(doc);
    },
  };
}
