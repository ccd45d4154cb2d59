import type { Db } from './db.ts';
import { versionedDocs, type VersionedDoc } from './versioned.ts';
import type { StateRecord, Store } from '../types.ts';

const toState = (d: VersionedDoc): StateRecord => ({
  tenantId: d.tenantId,
  key: d.name,
  value: d.json,
  version: d.version,
  updatedAt: d.updatedAt,
});

export function stateMethods(db: Db): Pick<Store, 'getState' | 'listState' | 'saveState'> {
  const docs = versionedDocs(db, { table: 'tenant_state', name: 'key', json: 'value' });
  return {
    getState: async (tenantId, key) => {
      const doc = await docs.get(tenantId, key);
      return doc && toState(doc);
    },
    listState: async (tenantId, options = {}) => (await docs.list(tenantId, options.prefix)).map(toState),
    saveState: async (tenantId, key, value, expectedVersion) => {
      const doc = await docs.save(tenantId, key, value, expectedVersion);
      return doc && toState(doc);
    },
  };
}
