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

export function createDb(pool: pg.Pool): Db {
  let queries = 0;
  const wrap =
    (runner: pg.Pool | pg.PoolClient): Db['query'] =>
    (text: string, values?: unknown[]) => {
      queries += 1;
      return runner.query(text, values);
    };

  return {
    pool,
    query: wrap(pool),
    count: () => queries,
    async transaction(fn) {
      const client = await pool.connect();
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
