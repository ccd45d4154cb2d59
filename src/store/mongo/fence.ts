import { LeaseLostError } from '../errors.ts';
import type { RunFence } from '../types.ts';
import { COLLECTIONS, type Database } from './db.ts';

/**
 * A door to MongoDB for a run's writes: before each operation, the company's document must still
 * carry the run's lease token, unreleased, or the write is refused. This adapter runs on a
 * standalone server too, so without transactions the check and the write are two operations: a
 * takeover landing between them lets that one write through, where PostgreSQL's lock closes the
 * gap (postgres/fence.ts); every write after it is refused.
 */
export function fencedDatabase(database: Database, fence: RunFence): Database {
  const tenants = database.collection<{ _id: string }>(COLLECTIONS.tenants);
  return {
    ...database,
    async run(operation) {
      const held = await database.run(() =>
        tenants.countDocuments(
          { _id: fence.tenantId, runLeaseToken: fence.token, runLeaseUntil: { $ne: null } },
          { limit: 1 },
        ),
      );
      if (held !== 1) throw new LeaseLostError(fence.tenantId, fence.token);
      return database.run(operation);
    },
  };
}
