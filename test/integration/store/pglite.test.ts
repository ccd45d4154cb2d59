import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../../src/store/embedded.ts';
import { createPostgresStore } from '../../../src/store/postgres/index.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('PGlite (embedded, persisted to a folder)', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'archiver-pglite-'));
  const embedded = await startEmbeddedPostgres(dir);
  return {
    open: () => Promise.resolve(createPostgresStore(embedded.url, { maxConnections: 1 })),
    async cleanup() {
      await embedded.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});
