import { MongoClient, type Collection, type Db, type Document } from 'mongodb';
import { topologyOf, type Topology } from './topology.ts';

/**
 * The one door to MongoDB: the client, the database, the collection names, and a counter of the
 * operations the store issues (the benchmark reports queries per tenant-run). Counting happens in
 * `run` rather than through command monitoring because the job library shares this client, and its
 * polling must not show up in the store's numbers.
 */
export interface Database {
  readonly client: MongoClient;
  readonly db: Db;
  collection<T extends Document>(name: CollectionName): Collection<T>;
  /** Starts one database operation (connecting first if needed), counts it and awaits it. */
  run<T>(operation: () => Promise<T>): Promise<T>;
  /** The deployment's kind, asked of the server once (again after a failed attempt). */
  topology(): Promise<Topology>;
  count(): number;
  close(): Promise<void>;
}

export const COLLECTIONS = {
  tenants: 'tenants',
  connections: 'connections',
  cursors: 'cursors',
  state: 'tenantState',
  ledger: 'ledger',
  outstanding: 'outstandingItems',
  runs: 'runs',
  reportRows: 'reportRows',
  audit: 'auditLog',
  searchItems: 'searchItems',
  folders: 'archiveFolders',
  keyFingerprints: 'keyFingerprints',
  pushSubscriptions: 'pushSubscriptions',
  pushEvents: 'pushEvents',
  dirtyStreams: 'dirtyStreams',
  meta: 'storeMeta',
  /** The job library's collection (the default of @agendajs/mongo-backend). */
  jobs: 'agendaJobs',
} as const;

export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

export function createDatabase(url: string, dbName: string | undefined): Database {
  const client = new MongoClient(url, {
    appName: 'rc-dropbox-archiver',
    // Fail fast while the database is down so readiness and jobs see the outage instead of hanging.
    serverSelectionTimeoutMS: 5_000,
    // Compare-and-swap callers read a version and write against it, and the audit chain reads its
    // head before appending: all of that needs the latest data, which only the primary has.
    readPreference: 'primary',
  });
  // Without a name the driver uses the database in the URL's path (or "test").
  const db = client.db(dbName);
  let operations = 0;
  let closed = false;
  let topology: Promise<Topology> | null = null;
  const run = async <T>(operation: () => Promise<T>): Promise<T> => {
    operations += 1;
    // The driver connects on first use, but if that first attempt fails (the database was still
    // starting) it keeps the failed topology and every later operation reports "Topology is
    // closed" for the life of the process. An explicit connect() makes a fresh attempt each time
    // until one succeeds; once connected it returns at once, and the driver itself rides out
    // later outages. After close() the driver's own "not connected" error is the right answer.
    if (!closed) await client.connect();
    return operation();
  };
  return {
    client,
    db,
    collection: <T extends Document>(name: CollectionName) => db.collection<T>(name),
    run,
    topology() {
      if (!topology) {
        const asked = run(() => db.command({ hello: 1 })).then(topologyOf);
        topology = asked;
        // A server that could not be reached is asked again next time, not judged from the failure.
        void asked.catch(() => {
          if (topology === asked) topology = null;
        });
      }
      return topology;
    },
    count: () => operations,
    async close() {
      closed = true;
      await client.close();
    },
  };
}
