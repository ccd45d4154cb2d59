import { TEST_CREDENTIALS, TEST_TOKEN_KEY } from './config.ts';
import type { TestStack } from './stack.ts';

/**
 * The environment of a product process (`node src/main.ts worker|web`, or a harness built on the
 * same services) that works against a test stack: the stack's database and simulators, its
 * BASE_URL (so redirect URIs match the ones the tokens were issued for) and its token key (so
 * the stored tokens open). `overrides` win, e.g. a DATABASE_URL through a cuttable proxy.
 */
export function productEnv(stack: TestStack, overrides: Record<string, string> = {}): Record<string, string> {
  return {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: stack.database.url,
    BASE_URL: stack.baseUrl,
    RINGCENTRAL_SERVER: stack.rc.url,
    DROPBOX_SIMULATOR_URL: stack.dbx.url,
    SESSION_SECRET: 'reliability-suite-session-secret-0123456789abcdef',
    TOKEN_KEYS: `t1:${TEST_TOKEN_KEY}`,
    ...TEST_CREDENTIALS,
    JOB_POLL_SECONDS: '0.5',
    ...overrides,
  };
}
