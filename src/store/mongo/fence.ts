import { AsyncLocalStorage } from 'node:async_hooks';
import type { ClientSession, Document } from 'mongodb';
import { ConfigError } from '../../lib/errors.ts';
import { LeaseLostError } from '../errors.ts';
import type { RunFence } from '../types.ts';
import { COLLECTIONS, type CollectionName, type Database } from './db.ts';
import { sessionBound } from './session-bound.ts';
import { STANDALONE_CANNOT_FENCE } from './topology.ts';

/**
 * A door to MongoDB for a run's writes: each operation runs in a transaction that first writes the
 * company's document on the condition that it still carries the run's lease token, unreleased
 * (no match: LeaseLostError, and nothing is written). Taking the lease writes that document too,
 * and MongoDB lets only one of two transactions or writes that touch the same document go ahead:
 * a takeover arriving while a fenced operation is in flight waits for its commit, and a fenced
 * operation meeting a takeover that landed first conflicts, is retried by the driver
 * (withTransaction retries what the server labels transient) and then finds the token gone. So no
 * write of a stale run lands after another run took the company, as with PostgreSQL's lock
 * (postgres/fence.ts). A read would not do: a transaction only conflicts with what it writes.
 *
 * A standalone server has no transactions, so there the check and the write would be two
 * operations with a gap a takeover can land in; rather than pretend, every fenced write is refused
 * there (see STANDALONE_CANNOT_FENCE), and workers refuse to start (Store.checkRunFencing).
 * Allowing a single worker there would not close the gap either: "single" would rest on a
 * heartbeat, and a worker paused between its check and its write for longer than that heartbeat
 * lasts (the very stall the lease guards against) would write after a second worker took over.
 */
export function fencedDatabase(database: Database, fence: RunFence): Database {
  const tenants = database.collection<{ _id: string }>(COLLECTIONS.tenants);
  // The session of the fenced operation this call belongs to, for the collections handed out below.
  const current = new AsyncLocalStorage<ClientSession>();
  // Every operation of a run writes the same company document, so two of them in flight at once
  // would conflict and one would be retried after a pause: they queue here instead.
  let queue: Promise<unknown> = Promise.resolve();

  const inTransaction = <T>(operation: () => Promise<T>): Promise<T> =>
    // Counted as an operation itself (its commit), besides the lease write and the operation.
    database.run(() =>
      database.client.withSession((session) =>
        session.withTransaction(async () => {
          const { matchedCount } = await database.run(() =>
            tenants.updateOne(
              { _id: fence.tenantId, runLeaseToken: fence.token, runLeaseUntil: { $ne: null } },
              // A change, not just a match: an update that changes nothing writes nothing, and
              // only a write makes a concurrent takeover conflict with this transaction.
              { $inc: { runLeaseWrites: 1 } },
              { session },
            ),
          );
          // Not a MongoError, so withTransaction aborts and rethrows it without retrying.
          if (matchedCount !== 1) throw new LeaseLostError(fence.tenantId, fence.token);
          return database.run(() => current.run(session, operation));
        }),
      ),
    );

  return {
    ...database,
    collection: <T extends Document>(name: CollectionName) =>
      sessionBound(database.collection<T>(name), () => current.getStore()),
    async run(operation) {
      await checkRunFencing(database);
      const turn = queue.then(() => inTransaction(operation));
      queue = turn.catch(() => undefined);
      return turn;
    },
  };
}

/** Refuses a standalone server, saying what to do (Store.checkRunFencing). */
export async function checkRunFencing(database: Database): Promise<void> {
  if ((await database.topology()) === 'standalone') throw new ConfigError(STANDALONE_CANNOT_FENCE);
}
