import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRefreshCoordinator } from '../../../src/connections/refresh.ts';
import { createVault } from '../../../src/connections/vault.ts';
import { systemClock } from '../../../src/lib/clock.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { createPostgresStore, type PostgresStore } from '../../../src/store/postgres/index.ts';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.ts';

interface Bundle {
  access: string;
  refresh: string;
}

// A refresh refused because the admin reconnected (revoking the old grant) while it was out must
// not mark the company "reconnect needed" a second time: the new tokens are there to use.
describe('a token refresh that races a reconnect', () => {
  let database: TestDatabase;
  let store: PostgresStore;
  const vault = createVault([{ id: 'k1', key: randomBytes(32) }]);
  const tenantId = 'refresh-race';

  beforeAll(async () => {
    database = await createTestDatabase('refresh-race');
    store = createPostgresStore(database.url, { maxConnections: 2 });
    await store.migrate();
    await store.createTenant({
      id: tenantId,
      companyName: 'Race Inc',
      installedBy: { extensionId: '1', name: 'A' },
      settings: {},
    });
  });

  afterAll(async () => {
    await store?.close();
    await database?.drop();
  });

  const save = (bundle: Bundle) => {
    const { sealed, keyId } = vault.seal(tenantId, 'ringcentral', bundle);
    return store.saveConnection({
      tenantId,
      provider: 'ringcentral',
      accountId: 'acc',
      accountLabel: 'Ada',
      tokenCiphertext: sealed,
      keyId,
      accessExpiresAt: new Date(Date.now() + 3_600_000),
      refreshExpiresAt: null,
    });
  };

  const grantLost = Object.assign(new Error('invalid_grant: Token is revoked'), { grantLost: true });

  const request = (refresh: (b: Bundle) => Promise<never>) => ({
    tenantId,
    provider: 'ringcentral',
    staleAccessToken: 'old-access',
    accessTokenOf: (b: Bundle) => b.access,
    isFresh: () => true,
    refresh,
    isGrantLost: (error: unknown) => (error as { grantLost?: boolean }).grantLost === true,
  });

  /** A coordinator that records every company it reports as having lost its grant. */
  const watched = () => {
    const lost: string[] = [];
    const coordinator = createRefreshCoordinator({
      store,
      vault,
      clock: systemClock,
      logger: createLogger('silent'),
      onGrantLost: (t, p) => Promise.resolve(void lost.push(`${t}/${p}`)),
    });
    return { lost, coordinator };
  };

  it('uses the reconnect’s tokens and reports no lost grant', async () => {
    await save({ access: 'old-access', refresh: 'old-refresh' });
    const { lost, coordinator } = watched();
    const bundle = await coordinator.run(
      request(async () => {
        await save({ access: 'new-access', refresh: 'new-refresh' });
        throw grantLost;
      }),
    );
    expect(bundle).toEqual({ access: 'new-access', refresh: 'new-refresh' });
    expect(lost).toEqual([]);
  });

  it('still reports a grant refused with nobody reconnecting', async () => {
    await save({ access: 'old-access', refresh: 'old-refresh' });
    const { lost, coordinator } = watched();
    await expect(coordinator.run(request(() => Promise.reject(grantLost)))).rejects.toThrow(
      /reconnect|refused/i,
    );
    expect(lost).toEqual([`${tenantId}/ringcentral`]);
  });
});
