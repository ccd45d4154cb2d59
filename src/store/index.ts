import { join } from 'node:path';
import type { AgendaBackend } from 'agenda';
import type { Config } from '../config.ts';
import type { Logger } from '../lib/logger.ts';
import { startEmbeddedPostgres } from './embedded.ts';
import { createPostgresStore } from './postgres/index.ts';
import { postgresJobBackend } from './postgres/job-backend.ts';
import type { Store } from './types.ts';

export type { Store } from './types.ts';

interface OpenedStore {
  store: Store;
  /** The job library's backend on the same database. */
  jobBackend(): AgendaBackend;
  close(): Promise<void>;
}

/**
 * Picks the adapter from DATABASE_URL: postgres:// → PostgreSQL, mongodb:// → MongoDB, unset →
 * embedded PGlite under DATA_DIR served to the PostgreSQL adapter. Migrations run here, once per
 * process start, and are safe to run from many processes at once.
 */
export async function openStore(
  config: Pick<Config, 'DATABASE_URL' | 'DATA_DIR' | 'DATABASE_SSL'>,
  logger: Logger,
  options: { maxConnections?: number } = {},
): Promise<OpenedStore> {
  const url = config.DATABASE_URL;
  if (url?.startsWith('mongodb')) {
    const { createMongoStore } = await import('./mongo/index.ts');
    const { mongoJobBackend } = await import('./mongo/job-backend.ts');
    const store = createMongoStore(url);
    await store.migrate();
    return { store, jobBackend: () => mongoJobBackend(store.db), close: () => store.close() };
  }

  const embedded = url ? null : await startEmbeddedPostgres(join(config.DATA_DIR, 'pglite'));
  if (embedded)
    logger.warn(
      { dataDir: config.DATA_DIR },
      'DATABASE_URL is not set: using the embedded database (for the demo and development only)',
    );
  const store = createPostgresStore(embedded?.url ?? url!, {
    ...options,
    // PGlite is one session: the socket server multiplexes connections per message, and two
    // connections' extended-protocol queries can interleave ("portal does not exist"). One
    // connection makes every query take its turn, which is plenty for the demo's load.
    ...(embedded ? { maxConnections: 1 } : {}),
    ssl: embedded ? 'off' : config.DATABASE_SSL,
  });
  try {
    await store.migrate();
  } catch (error) {
    await store.close();
    await embedded?.close();
    throw error;
  }
  return {
    store,
    jobBackend: () => postgresJobBackend(store.pool, !embedded, logger),
    async close() {
      await store.close();
      await embedded?.close();
    },
  };
}
