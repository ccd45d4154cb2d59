import express from 'express';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger.ts';
import { connectRedis, type RedisClient } from '../../../src/lib/redis.ts';
import { buildServices, type Services } from '../../../src/runtime/services.ts';
import { createApp } from '../../../src/web/app.ts';
import { errorHandler } from '../../../src/web/middleware/errors.ts';
import { createViews } from '../../../src/web/views.ts';
import { testConfig } from '../../support/config.ts';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.ts';
import { PrivateRedis, TEST_REDIS_URL } from '../../support/redis-server.ts';

const logger = createLogger('silent');

describe('web foundation', () => {
  let database: TestDatabase;
  let services: Services;
  let redis: RedisClient;
  let app: express.Express;

  beforeAll(async () => {
    database = await createTestDatabase('web');
    services = await buildServices(testConfig({ DATABASE_URL: database.url, REDIS_URL: TEST_REDIS_URL }), {
      role: 'test',
      logger,
    });
    redis = await connectRedis(TEST_REDIS_URL, logger);
    app = createApp({ ...services, redis });
  });

  afterAll(async () => {
    await redis?.close();
    await services?.close();
    await database?.drop();
  });

  it('says it is alive on /healthz and ready on /readyz', async () => {
    await request(app).get('/healthz').expect(200, { status: 'ok' });
    const ready = await request(app).get('/readyz').expect(200);
    expect(ready.body).toEqual({ status: 'ready', checks: { database: 'ok', redis: 'ok' } });
  });

  it('sends security headers on every response', async () => {
    const res = await request(app).get('/');
    expect(res.status).toBe(200);
    expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['referrer-policy']).toBe('no-referrer');
    expect(res.headers['x-powered-by']).toBeUndefined();
    expect(res.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('serves the landing page from views/ with its stylesheet', async () => {
    const res = await request(app).get('/').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toContain('Connect RingCentral');
    expect(res.text).toContain('href="/static/app.css"');
    await request(app).get('/static/app.css').expect(200).expect('content-type', /css/);
  });

  it('answers an unknown path with a 404 page', async () => {
    const res = await request(app).get('/no/such/page').expect(404);
    expect(res.text).toContain('Page not found');
  });

  it('exposes Prometheus metrics, including HTTP timings', async () => {
    await request(app).get('/healthz');
    const res = await request(app).get('/metrics').expect(200);
    expect(res.text).toContain('http_request_duration_seconds_count');
    expect(res.text).toContain('archive_runs_total');
    expect(res.text).toContain('archive_run_duration_seconds');
  });

  it('keeps /metrics open in development and behind a token or the operator password in production', async () => {
    const METRICS_TOKEN = 'metrics-token-for-tests-0123456789abcdef';
    const OPERATOR_PASSWORD = 'operator-password-for-tests';
    const inProduction = (env: Record<string, string>) =>
      createApp({
        ...services,
        redis,
        config: testConfig({
          NODE_ENV: 'production',
          DATABASE_URL: database.url,
          REDIS_URL: TEST_REDIS_URL,
          BASE_URL: 'https://archiver.example.com',
          AUTH_RATE_LIMIT_PER_MINUTE: '1000',
          // Its own prefix: wrong passwords here count apart from every other test's.
          SESSION_PREFIX: `metrics-${Date.now()}:`,
          ...env,
        }),
      });
    const basic = (password: string) => `Basic ${Buffer.from(`prometheus:${password}`).toString('base64')}`;

    // Development (and tests): open.
    for (const NODE_ENV of ['development', 'test']) {
      const open = createApp({
        ...services,
        redis,
        config: testConfig({ NODE_ENV, REDIS_URL: TEST_REDIS_URL }),
      });
      expect((await request(open).get('/metrics').expect(200)).text).toContain('archive_runs_total');
    }

    // Production with both: the token or the operator password, nothing else.
    const both = inProduction({ METRICS_TOKEN, OPERATOR_PASSWORD });
    const anonymous = await request(both).get('/metrics').expect(401);
    expect(anonymous.text).not.toContain('archive_runs_total');
    await request(both).get('/metrics').set('Authorization', 'Bearer wrong-token').expect(401);
    await request(both).get('/metrics').set('Authorization', basic('wrong-password')).expect(401);
    await request(both).get('/metrics').set('Authorization', `Bearer ${OPERATOR_PASSWORD}`).expect(401);
    const byToken = await request(both)
      .get('/metrics')
      .set('Authorization', `Bearer ${METRICS_TOKEN}`)
      .expect(200);
    expect(byToken.text).toContain('archive_runs_total');
    expect(byToken.headers['cache-control']).toBe('no-store');
    const byOperator = await request(both)
      .get('/metrics')
      .set('Authorization', basic(OPERATOR_PASSWORD))
      .expect(200);
    expect(byOperator.text).toContain('archive_runs_total');

    // Production with the token alone, the password alone, and neither.
    const tokenOnly = inProduction({ METRICS_TOKEN });
    await request(tokenOnly).get('/metrics').expect(401);
    await request(tokenOnly).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(200);
    const passwordOnly = inProduction({ OPERATOR_PASSWORD });
    await request(passwordOnly).get('/metrics').set('Authorization', `Bearer ${METRICS_TOKEN}`).expect(401);
    await request(passwordOnly).get('/metrics').set('Authorization', basic(OPERATOR_PASSWORD)).expect(200);
    const neither = await request(inProduction({})).get('/metrics').expect(404);
    expect(neither.text).not.toContain('archive_runs_total');
  });

  it('refuses a short METRICS_TOKEN in production', () => {
    expect(() =>
      testConfig({
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        BASE_URL: 'https://archiver.example.com',
        METRICS_TOKEN: 'short',
      }),
    ).toThrow(/METRICS_TOKEN: must be at least 32 characters/);
  });

  it('turns a thrown error into a 500 page with a reference and no stack or internal message', async () => {
    const broken = express();
    broken.get('/boom', () => {
      throw new Error('internal detail: token=abc123 at /srv/app/secret.ts:12');
    });
    broken.use(errorHandler(createViews({ cache: false }), logger));
    const res = await request(broken).get('/boom').set('Accept', 'text/html').expect(500);
    expect(res.text).toContain('Something went wrong on our side');
    expect(res.text).not.toContain('internal detail');
    expect(res.text).not.toContain('abc123');
    expect(res.text).not.toMatch(/at .*\.ts:\d+/);
    const json = await request(broken).get('/boom').set('Accept', 'application/json').expect(500);
    expect(json.body.error).toMatch(/Something went wrong/);
    expect(JSON.stringify(json.body)).not.toContain('internal detail');
  });

  it('sends HSTS and a secure session cookie name in production', async () => {
    const production = createApp({
      ...services,
      redis,
      config: testConfig({
        NODE_ENV: 'production',
        DATABASE_URL: database.url,
        REDIS_URL: TEST_REDIS_URL,
        BASE_URL: 'https://archiver.example.com',
      }),
    });
    const res = await request(production).get('/').expect(200);
    expect(res.headers['strict-transport-security']).toMatch(/max-age=31536000/);
  });
});

describe('/readyz while Redis is down', () => {
  let database: TestDatabase;
  let services: Services;
  let privateRedis: PrivateRedis;
  let redis: RedisClient;

  beforeAll(async () => {
    database = await createTestDatabase('ready');
    privateRedis = await PrivateRedis.start();
    services = await buildServices(testConfig({ DATABASE_URL: database.url, REDIS_URL: privateRedis.url }), {
      role: 'test',
      logger,
    });
    redis = await connectRedis(privateRedis.url, logger);
  });

  afterAll(async () => {
    await redis?.close().catch(() => undefined);
    await privateRedis?.pause();
    await services?.close();
    await database?.drop();
  });

  it('answers 503 while Redis is stopped and 200 again once it is back', async () => {
    const app = createApp({ ...services, redis });
    await request(app).get('/readyz').expect(200);

    await privateRedis.pause();
    const down = await request(app).get('/readyz').expect(503);
    expect(down.body).toEqual({ status: 'unavailable', checks: { database: 'ok', redis: 'unreachable' } });
    await request(app).get('/healthz').expect(200);

    await privateRedis.resume();
    await expect
      .poll(async () => (await request(app).get('/readyz')).status, { timeout: 10_000, interval: 200 })
      .toBe(200);
  });
});
