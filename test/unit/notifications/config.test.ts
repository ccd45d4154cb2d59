import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../../src/config.ts';

const KEY = Buffer.alloc(32, 7).toString('base64');
const base = {
  SESSION_SECRET: 'a-long-enough-session-secret-for-these-tests',
  TOKEN_KEYS: `k1:${KEY}`,
  RINGCENTRAL_CLIENT_ID: 'rc-id',
  RINGCENTRAL_CLIENT_SECRET: 'rc-secret',
  DROPBOX_APP_KEY: 'dbx-key',
  DROPBOX_APP_SECRET: 'dbx-secret',
};
const production = {
  ...base,
  NODE_ENV: 'production',
  DATABASE_URL: 'postgres://db.example.com/archiver',
  REDIS_URL: 'redis://cache.example.com:6379',
  BASE_URL: 'https://archiver.example.com',
};

const refusal = (env: Record<string, string>): string => {
  try {
    parseConfig(env);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error('expected the configuration to be refused');
};

describe('e-mail and operator configuration', () => {
  it('leaves e-mail and /admin off when the variables are unset or empty', () => {
    const config = parseConfig({ ...base, SMTP_URL: '', MAIL_FROM: ' ', OPERATOR_PASSWORD: '' });
    expect(config.SMTP_URL).toBeUndefined();
    expect(config.MAIL_FROM).toBeUndefined();
    expect(config.OPERATOR_PASSWORD).toBeUndefined();
  });

  it('accepts smtp:// and smtps:// with a sender', () => {
    for (const url of ['smtp://127.0.0.1:2525', 'smtps://user:pa55@smtp.example.com:465']) {
      const config = parseConfig({ ...base, SMTP_URL: url, MAIL_FROM: 'Call Archive <archive@example.com>' });
      expect(config.SMTP_URL).toBe(url);
    }
    expect(parseConfig({ ...base, SMTP_URL: 'smtp://h', MAIL_FROM: 'a@example.com' }).MAIL_FROM).toBe(
      'a@example.com',
    );
  });

  it('refuses other schemes without echoing the URL (it may hold a password)', () => {
    const message = refusal({
      ...base,
      SMTP_URL: 'http://user:hunter2secret@mail.example.com',
      MAIL_FROM: 'a@b.co',
    });
    expect(message).toMatch(/SMTP_URL: must start with smtp:\/\/ or smtps:\/\//);
    expect(message).not.toContain('hunter2secret');
  });

  it('needs MAIL_FROM with SMTP_URL, and a real address in it', () => {
    expect(refusal({ ...base, SMTP_URL: 'smtp://h:25' })).toMatch(
      /MAIL_FROM: is required when SMTP_URL is set/,
    );
    expect(refusal({ ...base, SMTP_URL: 'smtp://h:25', MAIL_FROM: 'Call Archive' })).toMatch(
      /MAIL_FROM: must be a sender address/,
    );
  });

  it('needs a 16-character operator password in production, when one is set', () => {
    expect(refusal({ ...production, OPERATOR_PASSWORD: 'short-password' })).toMatch(
      /OPERATOR_PASSWORD: must be at least 16 characters/,
    );
    expect(
      parseConfig({ ...production, OPERATOR_PASSWORD: 'x7-long-enough-operator-pw' }).OPERATOR_PASSWORD,
    ).toBe('x7-long-enough-operator-pw');
    expect(parseConfig({ ...base, OPERATOR_PASSWORD: 'dev' }).OPERATOR_PASSWORD).toBe('dev');
  });
});
