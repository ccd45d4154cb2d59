import { createPostgresStore } from '../../../src/store/postgres/index.ts';
import { createTestDatabase } from '../../support/postgres.ts';
import { describeStoreContract } from './store-contract.ts';

describeStoreContract('PostgreSQL', async () => {
  const database = await createTestDatabase('store');
  return {
    open: () => Promise.resolve(createPostgresStore(database.url)),
    cleanup: () => database.drop(),
  };
});
