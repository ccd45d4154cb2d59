import pg from 'pg';

/** The one door to PostgreSQL: counts queries (for the benchmark) and parses int8 as numbers. */
export interface Db {
  query<R extends pg.QueryResultRow = pg.QueryResultRow>(
    text: string,
    values?: unknown[],
  ): Promise<pg.QueryResult<R>>;
  /** Runs fn inside one transaction on one client. */
  transaction<T>(fn: (client: Db) => Promise<T>): Promise<T>;
  count(): number;
  readonly pool: pg.Pool;
}

// Sizes and counters fit comfortably in a double; strings would leak into every record type.
pg.types.setTypeParser(pg.types.builtins.INT8, (value) => Number(value));

/** How long a statement waits for a free connection of a busy pool before its error stands. */
export const BUSY_POOL_PATIENCE_MS = 60_000;

const ACQUIRE_TIMEOUT = /timeout exceeded when trying to connect/;

/**
 * Runs `work` (which asks the pool for a connection first), asking again while the pool was full
 * and the wait for a free connection timed out. The pool's 5 s connection timeout is there to see
 * an unreachable database quickly; a full pool means the database answered every connection it
 * holds, so that wait is only a busy moment (a run's many items at once on a loaded machine) and
 * must not turn a good item into a failure. The statement never ran, so asking again is safe.
 */
async function whilePoolBusy<T>(pool: pg.Pool, work: () => Promise<T>): Promise<T> {
  const deadline = Date.now() + BUSY_POOL_PATIENCE_MS;
  for (;;) {
    const full = pool.totalCount >= (pool.options.max ?? 10);
    try {
      return await work();
    } catch (error) {
      const busy = full && error instanceof Error && ACQUIRE_TIMEOUT.test(error.message);
      if (!busy || Date.now() >= deadline) throw error;
    }
  }
}

export function createDb(pool: pg.Pool): Db {
  let queries = 0;
  const wrap =
    (runner: pg.Pool | pg.PoolClient): Db['query'] =>
    (text: string, values?: unknown[]) => {
      queries += 1;
      return runner === pool
        ? whilePoolBusy(pool, () => pool.query(text, values))
        : runner.query(text, values);
    };

  return {
    pool,
    query: wrap(pool),
    count: () => queries,
    async transaction(fn) {
      const client = await whilePoolBusy(pool, () => pool.connect());
      const inner: Db = { pool, query: wrap(client), count: () => queries, transaction: (f) => f(inner) };
      try {
        await client.query('BEGIN');
        const result = await fn(inner);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        client.release();
      }
    },
  };
}
