import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../../../src/lib/logger.ts';
import { createMailer } from '../../../src/notifications/mailer.ts';

describe('mailer without SMTP_URL', () => {
  it('logs that e-mail is off by subject and recipient count only, and sends nothing', async () => {
    let logged = '';
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        logged += chunk.toString();
        done();
      },
    });
    const mailer = createMailer({
      smtpUrl: undefined,
      from: undefined,
      logger: createLogger('info', { destination: sink }),
    });
    expect(mailer.enabled).toBe(false);
    await mailer.send(['private.person@example.com'], {
      subject: 'Dropbox is nearly full',
      text: 'body text with a link https://archive.example.com/dashboard',
      html: '<p>body</p>',
    });
    const line = JSON.parse(logged.trim()) as Record<string, unknown>;
    expect(line).toMatchObject({ recipients: 1, subject: 'Dropbox is nearly full' });
    expect(line.msg).toMatch(/e-mail is off \(SMTP_URL is not set\)/);
    expect(logged).not.toContain('private.person@example.com');
    expect(logged).not.toContain('body text');
    mailer.close();
  });
});
