import { Writable } from 'node:stream';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DropboxTokens } from '../../../src/connections/index.ts';
import type { RingCentralTokens } from '../../../src/connections/index.ts';
import { createLogger } from '../../../src/lib/logger.ts';
import { BrowserFlow } from '../../support/browser-flow.ts';
import { startStack, type TestStack } from '../../support/stack.ts';

/**
 * Everything this flow writes to the log, the session store and the job table is searched for
 * every access token, refresh token, authorization code and secret it handled: none may appear,
 * including on failure paths (forged callbacks, denied consent, a revoked grant, a 404).
 */
describe('no token, code or secret leaves the vault', () => {
  let stack: TestStack;
  let logged = '';
  const secrets = new Set<string>();

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        logged += chunk.toString();
        done();
      },
    });
    stack = await startStack({
      logger: createLogger('trace', { destination: sink }),
      rc: { limits: { Auth: 500 } },
    });
    const c = stack.services.config;
    for (const s of [c.RINGCENTRAL_CLIENT_SECRET, c.DROPBOX_APP_SECRET, c.SESSION_SECRET]) secrets.add(s);
    for (const k of c.TOKEN_KEYS) secrets.add(k.key.toString('base64'));
  });
  afterAll(async () => stack?.close());

  const collectTokens = async (tenantId: string) => {
    const { store, connections } = stack.services;
    const rc = await store.getConnection(tenantId, 'ringcentral');
    if (rc) {
      const t = connections.vault.open<RingCentralTokens>(tenantId, 'ringcentral', rc.tokenCiphertext);
      secrets.add(t.access_token!);
      secrets.add(t.refresh_token!);
    }
    const dbx = await store.getConnection(tenantId, 'dropbox');
    if (dbx) {
      const t = connections.vault.open<DropboxTokens>(tenantId, 'dropbox', dbx.tokenCiphertext);
      secrets.add(t.access_token);
      secrets.add(t.refresh_token);
    }
  };

  it('holds for a whole install, its failures and an uninstall', async () => {
    const tenantId = stack.rc.accounts()[0]!.accountId;
    const browser = new BrowserFlow(stack);

    // Failure paths first: denied consent, forged state, a code with someone else's state.
    const denied = await browser.start('/connect/ringcentral');
    await browser.callback(await browser.consent(denied, { login: '101', decision: 'deny' })).expect(400);
    const stolen = await browser.consent(await browser.start('/connect/ringcentral'), {
      login: '101',
      decision: 'allow',
    });
    secrets.add(stolen.searchParams.get('code')!);
    await browser.agent
      .get(`/connect/ringcentral/callback?code=${stolen.searchParams.get('code')}&state=forged`)
      .expect(400);

    // The real thing.
    const authorize = await browser.start('/connect/ringcentral');
    const callback = await browser.consent(authorize, { login: '101', decision: 'allow' });
    secrets.add(callback.searchParams.get('code')!);
    await browser.callback(callback).expect(303);
    const dropboxAuthorize = await browser.start('/connect/dropbox');
    const dropboxCallback = await browser.consent(dropboxAuthorize, {
      account: 'leak-check@example.com',
      decision: 'allow',
    });
    secrets.add(dropboxCallback.searchParams.get('code')!);
    await browser.callback(dropboxCallback).expect(303);
    await collectTokens(tenantId);

    // A refresh (new tokens), then a revoked grant (invalid_grant path), then pages and a 404.
    await stack.services.connections.provider('ringcentral').ensureFresh(tenantId, true);
    await stack.services.connections.provider('dropbox').ensureFresh(tenantId, true);
    await collectTokens(tenantId);
    stack.rc.setFaults({ revokeTokens: tenantId });
    stack.rc.advanceClock(3_700_000);
    const platform = await stack.services.connections.provider('ringcentral').platform(tenantId);
    await expect(platform.get('/restapi/v1.0/account/~/extension/~')).rejects.toThrow();
    await browser.agent.get('/dashboard').expect(200);
    await browser.agent.get('/runs/999999').expect(404);

    // Everything written so far, plus what the session store and job table hold right now.
    const sessionValues = await Promise.all(
      (await stack.redis.keys(`${stack.services.config.SESSION_PREFIX}*`)).map((k) => stack.redis.get(k)),
    );
    const db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
    const jobs = JSON.stringify((await db.query('SELECT * FROM agenda_jobs')).rows);
    const audit = JSON.stringify((await db.query('SELECT * FROM audit_log')).rows);
    await db.end();

    const token = await browser.csrfToken();
    await browser.agent
      .post('/uninstall')
      .type('form')
      .send({ _csrf: token, confirm: 'uninstall' })
      .expect(303);

    expect(logged.length).toBeGreaterThan(1000); // the log really captured the flow
    expect(secrets.size).toBeGreaterThan(10);
    const haystacks = { log: logged, sessions: sessionValues.join('\n'), jobs, audit };
    for (const [where, text] of Object.entries(haystacks))
      for (const secret of secrets) {
        expect(secret.length, `a secret is suspiciously short`).toBeGreaterThanOrEqual(8);
        expect(text.includes(secret), `a secret appeared in ${where}`).toBe(false);
      }
  });
});
