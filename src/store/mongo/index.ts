import type { Db, MongoClient } from 'mongodb';
import { createDatabase, type Database } from './db.ts';
import { runMigrations } from './migrations.ts';
import { tenantMethods } from './tenants.ts';
import { connectionMethods } from './connections.ts';
import { cursorMethods } from './cursors.ts';
import { stateMethods } from './state.ts';
import { ledgerMethods } from './ledger.ts';
import { outstandingMethods } from './outstanding.ts';
import { runMethods } from './runs.ts';
import { auditMethods } from './audit.ts';
import { pushMethods } from './push.ts';
import { searchMethods } from './search.ts';
import type { Store } from '../types.ts';
import { withFencedWrites } from '../fence.ts';
import { checkRunFencing, fencedDatabase } from './fence.ts';

/** Every method over one door to the database (the plain one, or a run's fenced one). */
const methods = (database: Database) => ({
  ...tenantMethods(database),
  ...connectionMethods(database),
  ...cursorMethods(database),
  ...stateMethods(database),
  ...ledgerMethods(database),
  ...outstandingMethods(database),
  ...runMethods(database),
  ...auditMethods(database),
  ...searchMethods(database),
  ...pushMethods(database),
});

/**
 * The Store on MongoDB (4.4 or later, as the driver requires; the run lease uses update pipelines
 * and $$NOW). The client and database are exposed so the job library's Mongo backend shares this
 * connection pool.
 *
 * Archive runs need a replica set or a sharded cluster: the run fence writes in transactions
 * (fence.ts), which a standalone server does not have, so there every fenced write is refused and
 * checkRunFencing says why. Everything else works on a standalone server too, so no other method
 * relies on transactions; the two places that write twice (recordArchived, deleteTenant) order
 * their writes so an interruption leaves a state the next call repairs. Timestamps the store
 * writes come from this process's clock; only the run lease uses the server's clock (see
 * tenants.ts).
 */
export interface MongoStore extends Store {
  readonly client: MongoClient;
  readonly db: Db;
}

export function createMongoStore(url: string, options: { dbName?: string } = {}): MongoStore {
  const database = createDatabase(url, options.dbName);
  const store: MongoStore = {
    kind: 'mongo',
    client: database.client,
    db: database.db,
    migrate: () => runMigrations(database),
    async ping() {
      await database.run(() => database.db.command({ ping: 1 }));
    },
    close: () => database.close(),
    queryCount: () => database.count(),
    ...methods(database),
    fenced: (fence) => withFencedWrites(store, methods(fencedDatabase(database, fence))),
    checkRunFencing: () => checkRunFencing(database),
  };
  return store;
}
