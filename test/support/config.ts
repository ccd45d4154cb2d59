import { parseConfig, type Config } from '../../src/config.ts';

/** Fixed, obviously fake credentials for tests; the simulators accept the same ones. */
export const TEST_CREDENTIALS = {
  RINGCENTRAL_CLIENT_ID: 'test-rc-client',
  RINGCENTRAL_CLIENT_SECRET: 'test-rc-client-secret-value',
  DROPBOX_APP_KEY: 'test-dropbox-app',
  DROPBOX_APP_SECRET: 'test-dropbox-app-secret-value',
};

export const TEST_TOKEN_KEY = Buffer.alloc(32, 42).toString('base64');

export function testConfig(overrides: Record<string, string | undefined> = {}): Config {
  return parseConfig({
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    SESSION_SECRET: 'test-session-secret-that-is-long-enough-0123456789',
    TOKEN_KEYS: `t1:${TEST_TOKEN_KEY}`,
    // Small pools: test files run side by side against one PostgreSQL (100 connections).
    WORKER_CONCURRENCY: '4',
    // Subscribing needs a webhook address the simulator can reach: tests that want it say so.
    RINGCENTRAL_WEBHOOKS: 'off',
    ...TEST_CREDENTIALS,
    ...overrides,
  });
}
