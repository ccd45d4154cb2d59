import { setTimeout as sleep } from 'node:timers/promises';
import type { IndexDescription } from 'mongodb';
import type { CursorDoc } from './cursors.ts';
import { COLLECTIONS, type CollectionName, type Database } from './db.ts';
import { LEGACY_HASH_ALGORITHM } from './legacy.ts';
import { retryOnDuplicateKey, toNumber } from './mapping.ts';
import type { StateDoc } from './state.ts';
import type { JsonObject } from '../types.ts';

/**
 * MongoDB has no schema to migrate; what the store relies on is its indexes. The unique ones are the
 * store's integrity rules (one connection per provider, one cursor per stream, one ledger row per
 * key, one audit entry per seq), the others serve its queries. createIndexes is a no-op for an
 * index that already exists with the same definition, and the few errors two processes building
 * the same index at the same moment can meet are retried, so any number of processes can run this
 * at once. Never change a shipped index in place: add one with a new name and bump
 * SCHEMA_VERSION.
 *
 * Changes to the documents themselves are DATA_MIGRATIONS: each runs when the version recorded in
 * the meta collection is below its own, and is idempotent (it matches only documents of the old
 * shape), so two processes running it at once, or one that died halfway, do no harm.
 */

const SCHEMA_VERSION = 6;

interface DataMigration {
  version: number;
  name: string;
  run(db: Database): Promise<unknown>;
}

const DATA_MIGRATIONS: readonly DataMigration[] = [
  { version: 3, name: 'ledger folders and folder totals', run: (db) => folderData(db) },
  {
    version: 4,
    name: 'ledger: the remote hash names its algorithm',
    run: (db) =>
      db.run(() =>
        db
          .collection(COLLECTIONS.ledger)
          .updateMany({ contentHash: { $exists: true } }, [
            { $set: { remoteHash: { algorithm: LEGACY_HASH_ALGORITHM, value: '$contentHash' } } },
            { $unset: 'contentHash' },
          ]),
      ),
  },
  { version: 5, name: 'tenant state apart from stream cursors', run: (db) => moveStateOutOfCursors(db) },
];

const key = { tenantId: 1, kind: 1, sourceId: 1, attachmentId: 1 } as const;

export const INDEXES: ReadonlyArray<[CollectionName, IndexDescription[]]> = [
  // tenants: _id is the tenant id, unique by nature.
  [COLLECTIONS.tenants, [{ key: { status: 1 }, name: 'by_status' }]],
  [
    COLLECTIONS.connections,
    [
      { key: { tenantId: 1, provider: 1 }, name: 'one_per_provider', unique: true },
      { key: { provider: 1, tenantId: 1 }, name: 'by_provider' },
    ],
  ],
  [COLLECTIONS.cursors, [{ key: { tenantId: 1, stream: 1 }, name: 'one_per_stream', unique: true }]],
  [COLLECTIONS.state, [{ key: { tenantId: 1, key: 1 }, name: 'one_per_key', unique: true }]],
  [
    COLLECTIONS.ledger,
    [
      { key, name: 'one_per_key', unique: true },
      {
        key: { tenantId: 1, day: 1, path: 1 },
        name: 'by_day',
        partialFilterExpression: { day: { $type: 'string' } },
      },
      // Files directly in a folder (the folder browser).
      { key: { tenantId: 1, folder: 1, path: 1 }, name: 'by_folder' },
    ],
  ],
  [
    COLLECTIONS.searchItems,
    [
      { key: { tenantId: 1, kind: 1, sourceId: 1 }, name: 'one_per_item', unique: true },
      { key: { tenantId: 1, at: -1, kind: -1, sourceId: -1 }, name: 'newest_first' },
      { key: { tenantId: 1, terms: 1 }, name: 'by_term' },
    ],
  ],
  [
    COLLECTIONS.folders,
    [
      { key: { tenantId: 1, path: 1 }, name: 'one_per_folder', unique: true },
      { key: { tenantId: 1, parent: 1, path: 1 }, name: 'children' },
    ],
  ],
  [
    COLLECTIONS.reportRows,
    [{ key: { tenantId: 1, day: 1, report: 1, rowKey: 1 }, name: 'one_per_row', unique: true }],
  ],
  [
    COLLECTIONS.outstanding,
    [
      { key, name: 'one_per_key', unique: true },
      { key: { tenantId: 1, status: 1, nextAttemptAt: 1 }, name: 'due' },
    ],
  ],
  [
    COLLECTIONS.runs,
    [
      { key: { tenantId: 1, _id: -1 }, name: 'by_tenant_newest_first' },
      {
        key: { status: 1, startedAt: 1 },
        name: 'running',
        partialFilterExpression: { status: 'running' },
      },
    ],
  ],
  [COLLECTIONS.audit, [{ key: { tenantId: 1, seq: 1 }, name: 'one_per_seq', unique: true }]],
  // pushSubscriptions: _id is RingCentral's subscription id.
  [COLLECTIONS.pushSubscriptions, [{ key: { tenantId: 1 }, name: 'by_tenant' }]],
  [
    COLLECTIONS.pushEvents,
    [
      { key: { tenantId: 1, uuid: 1 }, name: 'one_per_notification', unique: true },
      { key: { tenantId: 1, receivedAt: 1 }, name: 'by_age' },
    ],
  ],
  [COLLECTIONS.dirtyStreams, [{ key: { tenantId: 1, stream: 1 }, name: 'one_per_stream', unique: true }]],
  // keyFingerprints: _id is the key id, unique by nature; the collection appears on first write.
  [
    COLLECTIONS.jobs,
    [
      {
        // Agenda's unique() is an upsert on a query with no unique index behind it, so two
        // processes scheduling the same tenant at once could both insert. This index makes the
        // second insert fail instead (the scheduler treats that as "already scheduled").
        // The fields are what @agendajs/mongo-backend stores: `type` ('normal' for jobs made with
        // create(), as per-tenant jobs are), the job's `data`, and `repeatInterval`, which it
        // writes as null on one-off jobs. So "repeating" must be a $type test: $exists would also
        // match those nulls and refuse an "archive now" job next to the tenant's hourly one.
        key: { name: 1, 'data.tenantId': 1 },
        name: 'one_repeating_job_per_tenant',
        unique: true,
        partialFilterExpression: {
          type: 'normal',
          'data.tenantId': { $exists: true },
          repeatInterval: { $type: ['string', 'number'] },
        },
      },
    ],
  ],
];

/** Index errors that a concurrent first start can cause and that a second try resolves. */
const RACE_CODES = new Set([
  48, // NamespaceExists: two processes implicitly created the same collection
  68, // IndexAlreadyExists: seen while another process's identical build finishes
  276, // IndexBuildAborted
  285, // IndexBuildAlreadyInProgress: another process is building the same index right now
  11602, // InterruptedDueToReplStateChange
]);
const MAX_ATTEMPTS = 10;

const codeOf = (error: unknown): number | undefined =>
  typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'number'
    ? error.code
    : undefined;

export async function runMigrations(db: Database): Promise<void> {
  for (const [collection, indexes] of INDEXES) {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await db.run(() => db.collection(collection).createIndexes(indexes));
        break;
      } catch (error) {
        // Anything else (IndexOptionsConflict, IndexKeySpecsConflict) means an index of that name
        // exists with another definition: a real problem that must stop the start.
        if (attempt >= MAX_ATTEMPTS || !RACE_CODES.has(codeOf(error) ?? 0)) {
          throw new Error(
            `Creating the indexes of ${collection} failed: ${error instanceof Error ? error.message : String(error)}`,
            { cause: error },
          );
        }
        await sleep(100 * attempt);
      }
    }
  }
  // The recorded version says which data migrations still have to run. $max keeps an older process
  // that starts late from turning it back.
  const meta = db.collection<{ _id: string; version: number; updatedAt: Date }>(COLLECTIONS.meta);
  const recorded = (await db.run(() => meta.findOne({ _id: 'schema' })))?.version ?? 0;
  for (const migration of DATA_MIGRATIONS) {
    if (migration.version <= recorded) continue;
    try {
      await migration.run(db);
    } catch (error) {
      throw new Error(
        `Data migration ${migration.version} (${migration.name}) failed: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
  }
  await retryOnDuplicateKey(() =>
    db.run(() =>
      meta.updateOne(
        { _id: 'schema' },
        { $max: { version: SCHEMA_VERSION }, $set: { updatedAt: new Date() } },
        { upsert: true },
      ),
    ),
  );
}

/**
 * Schema 3: ledger documents learn the folder they are directly in, and every folder's totals are
 * counted from the ledger (store/folders.ts). Both steps compute from the ledger alone and replace
 * what they write, so two processes starting at once do the same work twice, harmlessly.
 */
async function folderData(db: Database): Promise<void> {
  const ledger = db.collection(COLLECTIONS.ledger);
  await db.run(() =>
    ledger.updateMany({ folder: { $exists: false } }, [
      {
        $set: {
          folder: {
            $let: {
              vars: { match: { $regexFind: { input: '$path', regex: '^(.*)/[^/]*$' } } },
              in: { $ifNull: [{ $arrayElemAt: ['$$match.captures', 0] }, ''] },
            },
          },
        },
      },
    ]),
  );
  // "/A/B/c.txt" → {path "/A", parent ""}, {path "/A/B", parent "/A"}: one per folder above the file.
  const join = (parts: unknown) => ({
    $reduce: { input: parts, initialValue: '', in: { $concat: ['$$value', '/', '$$this'] } },
  });
  await db.run(() =>
    ledger
      .aggregate([
        { $project: { tenantId: 1, size: 1, parts: { $split: ['$path', '/'] } } },
        { $match: { 'parts.2': { $exists: true } } },
        {
          $project: {
            tenantId: 1,
            size: 1,
            folders: {
              $map: {
                input: { $range: [1, { $subtract: [{ $size: '$parts' }, 1] }] },
                as: 'n',
                in: {
                  path: join({ $slice: ['$parts', 1, '$$n'] }),
                  parent: join({ $slice: ['$parts', 1, { $max: [1, { $subtract: ['$$n', 1] }] }] }),
                  top: { $eq: ['$$n', 1] },
                },
              },
            },
          },
        },
        { $unwind: '$folders' },
        {
          $group: {
            _id: { tenantId: '$tenantId', path: '$folders.path' },
            parent: { $first: { $cond: ['$folders.top', '', '$folders.parent'] } },
            files: { $sum: 1 },
            bytes: { $sum: '$size' },
          },
        },
        { $project: { _id: 0, tenantId: '$_id.tenantId', path: '$_id.path', parent: 1, files: 1, bytes: 1 } },
        {
          $merge: {
            into: COLLECTIONS.folders,
            on: ['tenantId', 'path'],
            whenMatched: 'replace',
            whenNotMatched: 'insert',
          },
        },
      ])
      .toArray(),
  );
}

/** Cursor documents that were never stream positions, and the state keys they become. */
const MOVED_STREAMS: Record<string, string> = {
  'messages:access': 'mailbox-access',
  'messages:rotation': 'mailbox-rotation',
  'reports:owed': 'report-days',
  'capacity:inflow': 'capacity-inflow',
  notifications: 'alerts',
};
const MAILBOX_STATUS_FIELDS = ['status', 'errorCode', 'error', 'checkedAt'] as const;

/**
 * Version 5: per-tenant state leaves the cursor collection (see the PostgreSQL migration of the same
 * name). Each state document is inserted only if absent and its cursor deleted after, so a second
 * run, concurrent or after a crash, changes nothing more.
 */
async function moveStateOutOfCursors(db: Database): Promise<void> {
  const cursors = db.collection<CursorDoc>(COLLECTIONS.cursors);
  const state = db.collection<StateDoc>(COLLECTIONS.state);
  const insertOnce = (tenantId: string, key: string, value: JsonObject, version: number, updatedAt: Date) =>
    retryOnDuplicateKey(() =>
      db.run(() =>
        state.updateOne({ tenantId, key }, { $setOnInsert: { value, version, updatedAt } }, { upsert: true }),
      ),
    );

  for await (const doc of cursors.find({ stream: { $in: Object.keys(MOVED_STREAMS) } })) {
    const key = MOVED_STREAMS[doc.stream]!;
    await insertOnce(doc.tenantId, key, doc.position ?? {}, toNumber(doc.version), doc.updatedAt);
    await db.run(() => cursors.deleteOne({ _id: doc._id }));
  }

  // How each mailbox was last read: its problems become one document per tenant.
  const problems = new Map<string, JsonObject>();
  const problemCursors = cursors.find({
    stream: { $regex: '^mailbox:' },
    'position.status': { $in: ['refused', 'unreadable'] },
  });
  for await (const doc of problemCursors) {
    const p = doc.position;
    const text = (value: unknown) => (typeof value === 'string' ? value : '');
    const mailboxes = problems.get(doc.tenantId) ?? {};
    mailboxes[doc.stream.slice('mailbox:'.length)] = {
      status: text(p.status),
      errorCode: text(p.errorCode),
      error: text(p.error),
      at: text(p.checkedAt) || doc.updatedAt.toISOString(),
    };
    problems.set(doc.tenantId, mailboxes);
  }
  for (const [tenantId, mailboxes] of problems)
    await insertOnce(tenantId, 'mailbox-problems', { mailboxes }, 1, new Date());
  await db.run(() =>
    cursors.updateMany(
      { stream: { $regex: '^mailbox:' } },
      { $unset: Object.fromEntries(MAILBOX_STATUS_FIELDS.map((f) => [`position.${f}`, ''])) },
    ),
  );
}
