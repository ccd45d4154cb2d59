import { LeaseLostError } from '../errors.ts';
import type { RunFence } from '../types.ts';
import type { Db } from './db.ts';

/**
 * A door to PostgreSQL for a run's writes: each statement (or transaction) runs in a transaction
 * that first locks the company's row FOR SHARE on the condition that the run's lease token is still
 * the current, unreleased one. Taking the lease updates that row, so it waits for a fenced write in
 * flight to commit, and a write that comes after a takeover finds no row and is refused: no write
 * of a stale run lands after another run took the company.
 */
export function fencedDb(db: Db, fence: RunFence): Db {
  const check = async (tx: Db) => {
    const { rowCount } = await tx.query(
      `SELECT 1 FROM tenants
        WHERE id = $1 AND run_lease_token = $2 AND run_lease_until IS NOT NULL FOR SHARE`,
      [fence.tenantId, fence.token],
    );
    if (rowCount !== 1) throw new LeaseLostError(fence.tenantId, fence.token);
  };
  return {
    pool: db.pool,
    count: () => db.count(),
    query: (text, values) =>
      db.transaction(async (tx) => {
        await check(tx);
        return tx.query(text, values);
      }),
    transaction: (fn) =>
      db.transaction(async (tx) => {
        await check(tx);
        return fn(tx);
      }),
  };
}
