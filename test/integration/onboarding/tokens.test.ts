import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RingCentralTokens } from '../../../src/connections/index.ts';
import type { DropboxTokens } from '../../../src/connections/index.ts';
import { keepTokensAlive } from '../../../src/connections/keep-alive.ts';
import { rotateKeys } from '../../../src/connections/rotate-keys.ts';
import { VaultError, createVault } from '../../../src/connections/vault.ts';
import { manualClock } from '../../../src/lib/clock.ts';
import { ConfigError } from '../../../src/lib/errors.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { buildServices, type Services } from '../../../src/runtime/services.ts';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { TEST_TOKEN_KEY, testConfig } from '../../support/config.ts';
import { spawnNode } from '../../support/processes.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

const NEW_KEY = Buffer.alloc(32, 99).toString('base64');
const grants = (stack: TestStack, accountId: string) =>
  (stack.rc.stats(accountId) as { tokenGrants: { refresh_token: number } }).tokenGrants.refresh_token;

describe('token vault and refresh', () => {
  let stack: TestStack;
  let accountA: string;
  let accountB: string;
  const clock = manualClock(Date.now());

  beforeAll(async () => {
    stack = await startStack({
      clock,
      env: { AUTH_RATE_LIMIT_PER_MINUTE: '1000' },
      rc: {
        limits: { Auth: 500 },
        accounts: [
          { seed: 11, extensions: 3, days: 1 },
          { seed: 12, extensions: 3, days: 1 },
        ],
      },
    });
    [accountA, accountB] = stack.rc.accounts().map((a) => a.accountId) as [string, string];
    for (const [account, email] of [
      [accountA, 'a@example.com'],
      [accountB, 'b@example.com'],
    ] as const) {
      const browser = new BrowserFlow(stack);
      expect((await browser.signInWithRingCentral(`${account}:101`)).status).toBe(303);
      expect((await browser.connectDropbox(email)).status).toBe(303);
    }
  });
  afterAll(async () => stack?.close());

  const storedRc = async (tenantId: string, services: Services = stack.services) => {
    const conn = await services.store.getConnection(tenantId, 'ringcentral');
    return services.connections.vault.open<RingCentralTokens>(tenantId, 'ringcentral', conn!.tokenCiphertext);
  };

  it('keeps no plaintext token in a database dump', async () => {
    const rc = await storedRc(accountA);
    const conn = await stack.services.store.getConnection(accountA, 'dropbox');
    const dbx = stack.services.connections.vault.open<DropboxTokens>(
      accountA,
      'dropbox',
      conn!.tokenCiphertext,
    );
    const { stdout } = await promisify(execFile)('pg_dump', ['--data-only', stack.database.url], {
      maxBuffer: 64 * 1024 * 1024,
    });
    expect(stdout).toContain('v1.t1.'); // the sealed tokens are there...
    for (const secret of [rc.access_token!, rc.refresh_token!, dbx.access_token, dbx.refresh_token]) {
      expect(secret.length).toBeGreaterThan(10);
      expect(stdout).not.toContain(secret); // ...the tokens themselves are not
    }
  });

  it('seals the same token differently each time, and a ciphertext copied to another tenant does not open', async () => {
    const vault = stack.services.connections.vault;
    const a = vault.seal(accountA, 'ringcentral', { access_token: 'x' }).sealed;
    const b = vault.seal(accountA, 'ringcentral', { access_token: 'x' }).sealed;
    expect(a).not.toBe(b);
    const connA = await stack.services.store.getConnection(accountA, 'ringcentral');
    expect(() => vault.open(accountB, 'ringcentral', connA!.tokenCiphertext)).toThrow(VaultError);
    expect(() => vault.open(accountA, 'dropbox', connA!.tokenCiphertext)).toThrow(VaultError);
    // Flip one character in the middle of the ciphertext part (the last character of a base64url
    // part may carry only padding bits, so changing it need not change a byte).
    const parts = connA!.tokenCiphertext.split('.');
    const body = parts[3]!;
    const middle = Math.floor(body.length / 2);
    parts[3] = body.slice(0, middle) + (body[middle] === 'A' ? 'B' : 'A') + body.slice(middle + 1);
    const tampered = parts.join('.');
    expect(() => vault.open(accountA, 'ringcentral', tampered)).toThrow(VaultError);
  });

  it('refuses to start with a wrong key, with a message that says what to do', async () => {
    const wrong = Buffer.alloc(32, 1).toString('base64');
    await expect(
      buildServices(testConfig({ DATABASE_URL: stack.database.url, TOKEN_KEYS: `t1:${wrong}` }), {
        role: 'test',
        logger: createLogger('silent'),
      }),
    ).rejects.toThrow(ConfigError);
    const worker = spawnNode('src/main.ts', ['worker'], {
      ...testEnv(stack),
      TOKEN_KEYS: `t1:${wrong}`,
    });
    expect(await worker.exited()).toBe(1);
    expect(worker.output()).toMatch(/TOKEN_KEYS: key "t1" is not the key this database was encrypted with/);
    expect(worker.output()).not.toContain(wrong);
  });

  it('makes one token call for 20 concurrent requests of one tenant, from two processes', async () => {
    // The access tokens are now expired at RingCentral; the SDK only finds out from the 401.
    stack.rc.advanceClock(3_700_000);
    const other = await buildServices(
      { ...stack.services.config },
      { role: 'other', logger: createLogger('silent'), clock },
    );
    try {
      const before = grants(stack, accountA);
      const oldRefresh = (await storedRc(accountA)).refresh_token;
      const results = await Promise.all(
        Array.from({ length: 20 }, async (_, i) => {
          const platform = await (i % 2 ? other : stack.services).connections
            .provider('ringcentral')
            .platform(accountA);
          const res = await platform.get('/restapi/v1.0/account/~/extension/~');
          return res.status;
        }),
      );
      expect(results.every((s) => s === 200)).toBe(true);
      expect(grants(stack, accountA) - before).toBe(1);
      const stored = await storedRc(accountA);
      expect(stored.refresh_token).not.toBe(oldRefresh);
      // The rotated refresh token that was stored is the live one: it refreshes again.
      await stack.services.connections.provider('ringcentral').ensureFresh(accountA, true);
      expect(grants(stack, accountA) - before).toBe(2);
    } finally {
      await other.close();
    }
  });

  it('re-encrypts every token under a new key while refreshes run', async () => {
    const rotated = await buildServices(
      {
        ...stack.services.config,
        TOKEN_KEYS: [
          { id: 't2', key: Buffer.from(NEW_KEY, 'base64') },
          { id: 't1', key: Buffer.from(TEST_TOKEN_KEY, 'base64') },
        ],
      },
      { role: 'rotator', logger: createLogger('silent'), clock },
    );
    try {
      const refreshes = Promise.all(
        [accountA, accountB, accountA, accountB].flatMap((tenant) => [
          rotated.connections.provider('ringcentral').ensureFresh(tenant, true),
          rotated.connections.provider('dropbox').ensureFresh(tenant, true),
        ]),
      );
      const [result] = await Promise.all([
        rotateKeys({ ...rotated, vault: rotated.connections.vault }),
        refreshes,
      ]);
      expect(result.total).toBe(4);
      const onlyNew = createVault([{ id: 't2', key: Buffer.from(NEW_KEY, 'base64') }]);
      for (const conn of await rotated.store.listConnections()) {
        expect(conn.keyId).toBe('t2');
        expect(onlyNew.open(conn.tenantId, conn.provider, conn.tokenCiphertext)).toHaveProperty(
          'access_token',
        );
      }
    } finally {
      await rotated.close();
    }
  });

  it('turns invalid_grant into needs_reconnect for that tenant only, without a retry storm', async () => {
    const rotatedConfig = {
      ...stack.services.config,
      TOKEN_KEYS: [
        { id: 't2', key: Buffer.from(NEW_KEY, 'base64') },
        { id: 't1', key: Buffer.from(TEST_TOKEN_KEY, 'base64') },
      ],
    };
    const services = await buildServices(rotatedConfig, {
      role: 'after-rotation',
      logger: createLogger('silent'),
      clock,
    });
    try {
      stack.rc.setFaults({ revokeTokens: accountA });
      const before = grants(stack, accountA);
      const platform = await services.connections.provider('ringcentral').platform(accountA);
      await expect(platform.get('/restapi/v1.0/account/~/extension/~')).rejects.toThrow(
        /reconnect RingCentral/,
      );
      const tenant = await services.store.getTenant(accountA);
      expect(tenant).toMatchObject({ status: 'needs_reconnect' });
      expect(tenant!.statusReason).toMatch(/Reconnect RingCentral/);
      // Later calls for that tenant do not hammer the token endpoint: the job skips it.
      expect((await services.store.listTenants({ status: ['active'] })).map((t) => t.id)).toEqual([accountB]);
      expect(grants(stack, accountA) - before).toBeLessThanOrEqual(1);
      const b = await services.connections.provider('ringcentral').platform(accountB);
      expect((await b.get('/restapi/v1.0/account/~/extension/~')).status).toBe(200);
      expect((await services.store.getTenant(accountB))?.status).toBe('active');
    } finally {
      await services.close();
    }
  });

  it('keeps an idle tenant’s refresh token working for 10 simulated days', async () => {
    const rotatedConfig = {
      ...stack.services.config,
      TOKEN_KEYS: [
        { id: 't2', key: Buffer.from(NEW_KEY, 'base64') },
        { id: 't1', key: Buffer.from(TEST_TOKEN_KEY, 'base64') },
      ],
    };
    const services = await buildServices(rotatedConfig, {
      role: 'keepalive',
      logger: createLogger('silent'),
      clock,
    });
    try {
      const before = grants(stack, accountB);
      for (let day = 0; day < 10; day += 1) {
        stack.rc.advanceClock(24 * 3_600_000);
        await stack.dbx.advanceClock(24 * 3_600_000);
        clock.advance(24 * 3_600_000);
        const result = await keepTokensAlive(services);
        expect(result.failed).toBe(0);
      }
      // One refresh a day: the 7-day refresh token never got older than a day.
      expect(grants(stack, accountB) - before).toBe(10);
      const platform = await services.connections.provider('ringcentral').platform(accountB);
      expect((await platform.get('/restapi/v1.0/account/~/extension/~')).status).toBe(200);
      expect((await services.store.getTenant(accountB))?.status).toBe('active');
    } finally {
      await services.close();
    }
  });
});

function testEnv(stack: TestStack): Record<string, string> {
  const c = stack.services.config;
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: stack.database.url,
    SESSION_SECRET: c.SESSION_SECRET,
    RINGCENTRAL_CLIENT_ID: c.RINGCENTRAL_CLIENT_ID,
    RINGCENTRAL_CLIENT_SECRET: c.RINGCENTRAL_CLIENT_SECRET,
    DROPBOX_APP_KEY: c.DROPBOX_APP_KEY,
    DROPBOX_APP_SECRET: c.DROPBOX_APP_SECRET,
  };
}
