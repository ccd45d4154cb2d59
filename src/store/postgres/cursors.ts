import type { Db } from './db.ts';
import { versionedDocs, type VersionedDoc } from './versioned.ts';
import type { Cursor, Store } from '../types.ts';

const toCursor = (d: VersionedDoc): Cursor => ({
  tenantId: d.tenantId,
  stream: d.name,
  position: d.json,
  version: d.version,
  updatedAt: d.updatedAt,
});

export function cursorMethods(db: Db): Pick<Store, 'getCursor' | 'listCursors' | 'saveCursor'> {
  const docs = versionedDocs(db, { table: 'cursors', name: 'stream', json: 'position' });
  return {
    getCursor: async (tenantId, stream) => {
      const doc = await docs.get(tenantId, stream);
      return doc && toCursor(doc);
    },
    listCursors: async (tenantId) => (await docs.list(tenantId)).map(toCursor),
    saveCursor: async (tenantId, stream, position, expectedVersion) => {
      const doc = await docs.save(tenantId, stream, position, expectedVersion);
      return doc && toCursor(doc);
    },
  };
}
