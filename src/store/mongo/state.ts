import { COLLECTIONS, type Database } from './db.ts';
import { versionedDocs, type VersionedDoc } from './versioned.ts';
import type { JsonObject, StateRecord, Store } from '../types.ts';

/** One record per (tenantId, key), enforced by a unique index; _id is an ObjectId. */
export interface StateDoc {
  tenantId: string;
  key: string;
  value: JsonObject;
  version: number;
  updatedAt: Date;
}

const fromDoc = (d: VersionedDoc): StateRecord => ({
  tenantId: d.tenantId,
  key: d.name,
  value: d.json,
  version: d.version,
  updatedAt: d.updatedAt,
});

export function stateMethods(db: Database): Pick<Store, 'getState' | 'listState' | 'saveState'> {
  const docs = versionedDocs(db, { collection: COLLECTIONS.state, name: 'key', json: 'value' });
  return {
    getState: async (tenantId, key) => {
      const doc = await docs.get(tenantId, key);
      return doc && fromDoc(doc);
    },
    listState: async (tenantId, options = {}) => (await docs.list(tenantId, options.prefix)).map(fromDoc),
    saveState: async (tenantId, key, value, expectedVersion) => {
      const doc = await docs.save(tenantId, key, value, expectedVersion);
      return doc && fromDoc(doc);
    },
  };
}
