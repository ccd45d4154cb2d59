import { randomBytes } from 'node:crypto';
import { MongoBackend } from '@agendajs/mongo-backend';
import { Agenda } from 'agenda';
import { MongoClient } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildServices } from '../../../src/runtime/services.ts';
import { startWorkerProcess } from '../../../src/runtime/worker.ts';
import { createMongoStore, type MongoStore } from '../../../src/store/mongo/index.ts';
import { COLLECTIONS } from '../../../src/store/mongo/db.ts';
import { testConfig } from '../../support/config.ts';
import { expectUpgraded, LEGACY_CURSORS, UPDATED_AT } from './legacy-state.ts';
import { describeLedgerHashMigration, describeStoreContract } from './store-contract.ts';

/**
 * The MongoDB adapter against a real MongoDB server. None can be installed on our development
 * machines, so this file runs only where TEST_MONGODB_URL points at one; elsewhere every test below
 * is reported as skipped, never as passed. The run fence needs transactions: against a replica set
 * (a single-node one is enough) its cases run; against a standalone server they are skipped, and
 * the case that every fenced write is refused there, saying why, runs instead.
 */
const url = process.env.TEST_MONGODB_URL;

/**
 * The URL with `name` as its database, as a process configured by DATABASE_URL opens it. Signing in
 * still uses the database the URL named (or admin, with none), as it did before.
 */
function withDatabase(mongoUrl: string, name: string): string {
  const [, base, hosts, db, query] = /^(mongodb(?:\+srv)?:\/\/([^/?]*))\/?([^?]*)(?:\?(.*))?$/.exec(
    mongoUrl,
  )!;
  const options = new URLSearchParams(query ?? '');
  if (hosts!.includes('@') && !options.has('authSource')) options.set('authSource', db || 'admin');
  const rest = options.toString();
  return `${base}/${name}${rest ? `?${rest}` : ''}`;
}

/** A fresh, empty database per run, dropped afterwards, so runs never share documents. */
function freshDatabase(label: string) {
  if (!url) throw new Error('TEST_MONGODB_URL is not set');
  const dbName = `archiver_${label}_${randomBytes(4).toString('hex')}`;
  return {
    name: dbName,
    open: () => createMongoStore(url, { dbName }),
    async drop() {
      const admin = new MongoClient(url);
      try {
        await admin.db(dbName).dropDatabase();
      } finally {
        await admin.close();
      }
    },
  };
}

describe.skipIf(!url)('MongoDB (set TEST_MONGODB_URL to run)', () => {
  describeStoreContract('MongoDB', () => {
    const database = freshDatabase('store');
    return Promise.resolve({
      open: () => Promise.resolve(database.open()),
      cleanup: () => database.drop(),
      // A transaction that wrote the cursor and has not ended (the contract asks only where the
      // store can fence, that is where transactions exist).
      async holdCursor(tenantId: string, stream: string) {
        const client = await new MongoClient(url!).connect();
        const session = client.startSession();
        session.startTransaction();
        const { matchedCount } = await client
          .db(database.name)
          .collection(COLLECTIONS.cursors)
          .updateOne({ tenantId, stream }, { $set: { heldForTest: true } }, { session });
        if (matchedCount !== 1) throw new Error(`no cursor ${tenantId}/${stream} to hold`);
        return async () => {
          await session.abortTransaction();
          await session.endSession();
          await client.close();
        };
      },
    });
  });

  describeLedgerHashMigration('MongoDB', async (tenantId, rows) => {
    const database = freshDatabase('legacy');
    const client = new MongoClient(url!);
    try {
      // Documents as schema version 3 stored them, and that version recorded.
      const db = client.db(database.name);
      await db.collection(COLLECTIONS.tenants).insertOne({
        _id: tenantId as never,
        companyName: 'Legacy Co',
        installedBy: {},
        status: 'active',
        statusReason: null,
        settings: {},
        runLeaseOwner: null,
        runLeaseUntil: null,
        runLeaseToken: 0,
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      await db.collection(COLLECTIONS.ledger).insertMany(rows.map((r) => ({ ...r })));
      await db
        .collection(COLLECTIONS.meta)
        .insertOne({ _id: 'schema' as never, version: 3, updatedAt: new Date() });
    } finally {
      await client.close();
    }
    return { store: database.open(), cleanup: () => database.drop() };
  });

  describe('job collection: one repeating archive job per tenant', () => {
    const database = url ? freshDatabase('jobs') : null;
    let store: MongoStore;
    let agenda: Agenda;

    beforeAll(async () => {
      store = database!.open();
      await store.migrate();
      // The job library on the store's own connection, storing jobs as it does in production.
      agenda = new Agenda({ backend: new MongoBackend({ mongo: store.db }) });
      await agenda.ready;
    });

    afterAll(async () => {
      await agenda?.stop();
      await store?.close();
      await database?.drop();
    });

    const hourly = (tenantId: string) =>
      agenda.create('archive-tenant', { tenantId }).repeatEvery('1 hour').save();

    it('refuses a second repeating job for the same tenant', async () => {
      await hourly('t1');
      await expect(hourly('t1')).rejects.toMatchObject({ code: 11000 });
      await hourly('t2');
    });

    it('lets the scheduler upsert the existing job and leaves one-off jobs alone', async () => {
      // What the scheduler does on every "schedule" and "run now": it updates the one job in place.
      await agenda
        .create('archive-tenant', { tenantId: 't2' })
        .unique({ 'data.tenantId': 't2' })
        .repeatEvery('1 hour')
        .save();
      const jobs = store.db.collection('agendaJobs');
      expect(await jobs.countDocuments({ 'data.tenantId': 't2' })).toBe(1);

      // Agenda writes repeatInterval: null on one-off jobs; the index must not count them.
      await agenda.now('archive-tenant', { tenantId: 't1' });
      await agenda.now('archive-tenant', { tenantId: 't1' });
      expect(await jobs.countDocuments({ 'data.tenantId': 't1' })).toBe(3);
      expect(await jobs.countDocuments({ 'data.tenantId': 't1', repeatInterval: { $type: 'string' } })).toBe(
        1,
      );
    });
  });

  describe('upgrade: tenant state leaves the cursor collection', () => {
    const database = url ? freshDatabase('upgrade') : null;
    let store: MongoStore;

    beforeAll(async () => {
      store = database!.open();
      // What schema version 2 left: its recorded version, and state among the cursors.
      await store.db
        .collection('storeMeta')
        .insertOne({ _id: 'schema' as never, version: 2, updatedAt: UPDATED_AT });
      await store.db
        .collection('cursors')
        .insertMany(LEGACY_CURSORS.map((c) => ({ ...c, updatedAt: UPDATED_AT })));
      // Two processes starting at once both run the data migration: it must come out the same.
      const other = database!.open();
      await Promise.all([store.migrate(), other.migrate()]);
      await other.close();
    });

    afterAll(async () => {
      await store?.close();
      await database?.drop();
    });

    it('moves decisions and bookkeeping to state keys and leaves cursors with positions only', async () => {
      await expectUpgraded(store);
      const meta = await store.db.collection('storeMeta').findOne({ _id: 'schema' as never });
      expect(meta?.version).toBe(5);
    });
  });

  describe('a worker on a standalone server', () => {
    it('refuses to start, saying a replica set is needed', async (ctx) => {
      const database = freshDatabase('worker');
      const probe = database.open();
      const fences = await probe.checkRunFencing().then(
        () => true,
        () => false,
      );
      await probe.close();
      if (fences) return ctx.skip('TEST_MONGODB_URL is a replica set or a sharded cluster');
      const services = await buildServices(testConfig({ DATABASE_URL: withDatabase(url!, database.name) }), {
        role: 'worker',
      });
      try {
        const work = () => Promise.resolve({ status: 'succeeded' as const, moreWork: false });
        await expect(startWorkerProcess(services, work)).rejects.toThrow(/standalone MongoDB.*replica set/s);
      } finally {
        await services.close();
        await database.drop();
      }
    });
  });
});
