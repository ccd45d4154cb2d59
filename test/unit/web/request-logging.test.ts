import { PassThrough } from 'node:stream';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { createLogger, redactUrl } from '../../../src/lib/logger.ts';
import { requestLogging } from '../../../src/web/middleware/request-logging.ts';

/**
 * Credentials in query strings never reach the log, however the parameter's name is spelled: the
 * request log judges each parameter by its decoded name, as Express's own query parser reads it.
 */
describe('request log redaction', () => {
  const SECRETS = ['SEKRIT-1', 'SEKRIT-2', 'SEKRIT-3', 'SEKRIT-4', 'SEKRIT-5', 'SEKRIT-6', 'SEKRIT-7'];

  it('redacts code, state, token and password parameters in any spelling, and keeps the rest', async () => {
    const out = new PassThrough();
    const lines: string[] = [];
    out.on('data', (chunk: Buffer) => lines.push(...chunk.toString('utf8').split('\n').filter(Boolean)));
    const app = express();
    app.use(requestLogging(createLogger('info', { destination: out })));
    // What the route itself sees: the secrets under their decoded names.
    let seen: unknown = null;
    app.get('/connect/ringcentral/callback', (req, res) => {
      seen = req.query;
      res.send('ok');
    });
    const query = [
      `co%64e=${SECRETS[0]}`, // "code", percent-encoded
      `code[]=${SECRETS[1]}`, // an array of codes
      `password=${SECRETS[2]}`,
      `STATE=${SECRETS[3]}`,
      `refresh%5Ftoken=${SECRETS[4]}`,
      `user[password]=${SECRETS[5]}`,
      `id_token=${SECRETS[6]}`,
      'page=2',
    ].join('&');
    await request(app).get(`/connect/ringcentral/callback?${query}`).expect(200);
    expect(seen).toMatchObject({ code: SECRETS[0], password: SECRETS[2] });
    const logged = lines.join('\n');
    expect(logged).toContain('/connect/ringcentral/callback?');
    expect(logged).toContain('page=2');
    for (const secret of SECRETS) expect(logged).not.toContain(secret);
    expect(logged.match(/\[redacted\]/g)?.length).toBe(SECRETS.length);
  });

  it('redacts secrets in URLs quoted inside messages, double-encoded names included', () => {
    expect(redactUrl('GET https://x.example/a?co%2564e=S1&ok=1 failed: 500')).toBe(
      'GET https://x.example/a?co%2564e=[redacted]&ok=1 failed: 500',
    );
    expect(redactUrl('/a?access_token=S2#top')).toBe('/a?access_token=[redacted]#top');
    expect(redactUrl('/a?barcode=7&codes=8')).toBe('/a?barcode=7&codes=8');
  });
});
