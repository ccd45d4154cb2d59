import pg from 'pg';
import { createDb, type Db } from './db.ts';
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
import { fencedDb } from './fence.ts';

/** Every method over one door to the database (the plain one, or a run's fenced one). */
const methods = (db: Db) => ({
  ...tenantMethods(db),
  ...connectionMethods(db),
  ...cursorMethods(db),
  ...stateMethods(db),
  ...ledgerMethods(db),
  ...outstandingMethods(db),
  ...runMethods(db),
  ...auditMethods(db),
  ...searchMethods(db),
  ...pushMethods(db),
});

export interface PostgresStore extends Store {
  readonly pool: pg.Pool;
}

interface PostgresOptions {
  maxConnections?: number;
  ssl?: 'off' | 'require' | 'no-verify';
}

export function createPostgresStore(connectionString: string, options: PostgresOptions = {}): PostgresStore {
  const pool = new pg.Pool({
    connectionString,
    max: options.maxConnections ?? 10,
    ssl:
      !options.ssl || options.ssl === 'off' ? undefined : { rejectUnauthorized: options.ssl === 'require' },
    // Fail fast while the database is down so readiness and jobs see the outage instead of hanging.
    connectionTimeoutMillis: 5_000,
  });
  // An idle client losing its server must not crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  // Nor may a client in use (a transaction, the job library's LISTEN connection): the pool stops
  // listening to a client's errors while it is lent out, and an unheard 'error' kills the worker.
  // Its queries still fail, and a broken client is discarded when it is given back.
  pool.on('connect', (client) => client.on('error', () => undefined));
  const db = createDb(pool);
  const store: PostgresStore = {
    kind: 'postgres',
    pool,
    migrate: () => runMigrations(db),
    async ping() {
      await db.query('SELECT 1');
    },
    close: () => pool.end(),
    queryCount: () => db.count(),
    ...methods(db),
    fenced: (fence) => withFencedWrites(store, methods(fencedDb(db, fence))),
    // Every PostgreSQL has the row lock the fence takes.
    checkRunFencing: () => Promise.resolve(),
  };
  return store;
}
