import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/config.ts';
import { ConfigError } from '../../src/lib/errors.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const valid = {
  SESSION_SECRET: 'x'.repeat(12) + 'a-long-enough-session-secret',
  TOKEN_KEYS: `k1:${KEY}`,
  RINGCENTRAL_CLIENT_ID: 'rc-id',
  RINGCENTRAL_CLIENT_SECRET: 'rc-secret',
  DROPBOX_APP_KEY: 'dbx-key',
  DROPBOX_APP_SECRET: 'dbx-secret',
};
const production = {
  ...valid,
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db.example.com/archiver',
  REDIS_URL: 'redis://cache.example.com:6379',
  BASE_URL: 'https://archiver.example.com',
};

function messageFor(env: Record<string, string | undefined>): string {
  try {
    parseConfig(env);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
}

describe('configuration', () => {
  it('accepts a complete development environment and fills in defaults', () => {
    const config = parseConfig(valid);
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      BASE_URL: 'http://localhost:3000',
      embeddedDatabase: true,
    });
    expect(config.TOKEN_KEYS).toEqual([{ id: 'k1', key: Buffer.alloc(32, 7) }]);
    expect(config.RINGCENTRAL_SERVER).toBe('https://platform.ringcentral.com');
  });

  it.each(Object.keys(valid))('names %s when it is missing, with how to fix it', (name) => {
    const message = messageFor({ ...valid, [name]: undefined });
    expect(message).toMatch(new RegExp(`- ${name}: is required`));
  });

  it.each([
    ['PORT', 'not-a-port', /PORT: must be a port number/],
    ['PORT', '70000', /PORT: must be a port number between 0 and 65535/],
    ['BASE_URL', 'archiver.example.com', /BASE_URL: must be an absolute URL/],
    ['DATABASE_URL', 'mysql://x/y', /DATABASE_URL: must start with postgres:\/\//],
    ['REDIS_URL', 'localhost:6379', /REDIS_URL: must start with redis:\/\//],
    ['SESSION_SECRET', 'short', /SESSION_SECRET: must be at least 32 characters; generate one with/],
    ['TOKEN_KEYS', 'k1:c2hvcnQ=', /TOKEN_KEYS: each entry must be "id:base64key" with a 32-byte key/],
    ['TOKEN_KEYS', `k1:${KEY},k1:${KEY}`, /TOKEN_KEYS: key ids must be unique/],
    ['LOG_LEVEL', 'loud', /LOG_LEVEL:/],
    ['NODE_ENV', 'staging', /NODE_ENV:/],
    ['DROPBOX_SIMULATOR_URL', 'not a url', /DROPBOX_SIMULATOR_URL: must be an absolute URL/],
  ])('names %s when it is malformed (%s)', (name, value, expected) => {
    expect(messageFor({ ...valid, [name]: value })).toMatch(expected);
  });

  it('reports every bad variable at once', () => {
    const message = messageFor({ ...valid, PORT: 'x', SESSION_SECRET: undefined, TOKEN_KEYS: 'bad' });
    expect(message.split('\n').filter((l) => l.startsWith('  - '))).toHaveLength(3);
  });

  it('never echoes a secret value in its message', () => {
    const message = messageFor({
      ...valid,
      SESSION_SECRET: 'hunter2-short',
      TOKEN_KEYS: 'k1:dG9vLXNob3J0LXNlY3JldA==',
    });
    expect(message).not.toContain('hunter2');
    expect(message).not.toContain('dG9vLXNob3J0');
  });

  it('accepts a complete production environment', () => {
    expect(parseConfig(production)).toMatchObject({ NODE_ENV: 'production', embeddedDatabase: false });
  });

  it('refuses production on the embedded database', () => {
    expect(messageFor({ ...production, DATABASE_URL: undefined })).toMatch(
      /DATABASE_URL: is required in production; the embedded database is for the demo/,
    );
  });

  it('refuses production without Redis', () => {
    expect(messageFor({ ...production, REDIS_URL: undefined })).toMatch(
      /REDIS_URL: is required in production/,
    );
  });

  it('refuses production with an insecure secret or a plain-http address', () => {
    expect(messageFor({ ...production, SESSION_SECRET: 'a'.repeat(40) })).toMatch(
      /SESSION_SECRET: is a known or trivial value/,
    );
    expect(messageFor({ ...production, BASE_URL: 'http://archiver.example.com' })).toMatch(
      /BASE_URL: must use https/,
    );
    expect(messageFor({ ...production, BASE_URL: undefined })).toMatch(/BASE_URL: is required in production/);
  });
});
