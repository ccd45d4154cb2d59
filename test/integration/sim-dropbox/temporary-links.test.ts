import { createHash } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorAddress } from '../../../src/destinations/dropbox/simulator-fetch.ts';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import { clientFor, dropboxError, patternBytes, startSim } from './helpers.ts';

/**
 * files/get_temporary_link through the real SDK, and the link's host: bytes with the file's MIME
 * type, a single Range answered 206 (what an audio element sends to seek), 410 Gone after 4 hours.
 */
describe('temporary links', () => {
  let sim: DropboxSim;
  const audio = patternBytes(300_000, 7);
  const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

  beforeAll(async () => {
    sim = await startSim();
    const dbx = await clientFor(sim, 'links@example.com');
    await dbx.filesUpload({ path: '/Company/Recordings/call 1.mp3', contents: audio });
    await dbx.filesUpload({ path: '/Company/Fax/fax.pdf', contents: '%PDF-1.4\n%%EOF\n' });
  });
  afterAll(() => sim.close());

  const linkTo = async (path: string) => {
    const dbx = await clientFor(sim, 'links@example.com');
    return (await dbx.filesGetTemporaryLink({ path })).result;
  };

  it('answers the file metadata and a link on the content host', async () => {
    const result = await linkTo('/company/recordings/CALL 1.mp3');
    expect(result.metadata.path_display).toBe('/Company/Recordings/call 1.mp3');
    expect(result.metadata.size).toBe(audio.length);
    expect(result.link).toMatch(
      /^https:\/\/uc[0-9a-f]+\.dl\.dropboxusercontent\.com\/cd\/0\/get\/[A-Za-z0-9_-]+\/file$/,
    );
  });

  it('serves the bytes with the MIME type, whole or by Range, without any token', async () => {
    const url = simulatorAddress(sim.url, (await linkTo('/Company/Recordings/call 1.mp3')).link);
    const whole = await fetch(url);
    expect(whole.status).toBe(200);
    expect(whole.headers.get('content-type')).toBe('audio/mpeg');
    expect(whole.headers.get('accept-ranges')).toBe('bytes');
    expect(whole.headers.get('content-disposition')).toMatch(/^inline; filename="call 1\.mp3"/);
    expect(sha256(new Uint8Array(await whole.arrayBuffer()))).toBe(sha256(audio));

    const part = await fetch(url, { headers: { Range: 'bytes=1000-1999' } });
    expect(part.status).toBe(206);
    expect(part.headers.get('content-range')).toBe(`bytes 1000-1999/${audio.length}`);
    expect(Buffer.from(await part.arrayBuffer())).toEqual(audio.subarray(1000, 2000));

    const tail = await fetch(url, { headers: { Range: 'bytes=299990-' } });
    expect(tail.status).toBe(206);
    expect((await tail.arrayBuffer()).byteLength).toBe(10);

    const past = await fetch(url, { headers: { Range: `bytes=${audio.length}-` } });
    expect(past.status).toBe(416);
    expect(past.headers.get('content-range')).toBe(`bytes */${audio.length}`);

    const pdf = await fetch(simulatorAddress(sim.url, (await linkTo('/Company/Fax/fax.pdf')).link));
    expect(pdf.headers.get('content-type')).toBe('application/pdf');
  });

  it('is gone after four hours, and unknown links are not found', async () => {
    const url = simulatorAddress(sim.url, (await linkTo('/Company/Fax/fax.pdf')).link);
    expect((await fetch(url)).status).toBe(200);
    await sim.advanceClock(4 * 3_600_000 - 1_000);
    expect((await fetch(url)).status).toBe(200);
    await sim.advanceClock(1_000);
    expect((await fetch(url)).status).toBe(410);
    expect((await fetch(url.replace(/get\/[^/]+/, 'get/nosuchlink'))).status).toBe(404);
  });

  it('refuses folders and missing paths as Dropbox does', async () => {
    const dbx = await clientFor(sim, 'links@example.com');
    const folder = await dropboxError(dbx.filesGetTemporaryLink({ path: '/Company/Fax' }));
    expect(folder.status).toBe(409);
    expect(folder.error.error_summary).toMatch(/^path\/not_file\//);
    const missing = await dropboxError(dbx.filesGetTemporaryLink({ path: '/Company/nothing.mp3' }));
    expect(missing.error.error_summary).toMatch(/^path\/not_found\//);
  });

  it('needs files.content.read', async () => {
    const tokens = await sim.issueTokens('links@example.com', { scopes: ['files.metadata.read'] });
    const res = await fetch(`${sim.url}/2/files/get_temporary_link`, {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${tokens.access_token as string}`,
        'Content-Type': 'application/json',
      },
      body: JSON.stringify({ path: '/Company/Fax/fax.pdf' }),
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ error: { '.tag': 'missing_scope' } });
  });
});
