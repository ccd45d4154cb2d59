import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { simulatorAddress, simulatorFetch } from '../../../src/destinations/dropbox/simulator-fetch.ts';

interface Seen {
  method: string;
  url: string;
  simHost: string | undefined;
  auth: string | undefined;
  body: string;
}

let server: Server;
let base: string;
const seen: Seen[] = [];

beforeAll(async () => {
  server = createServer((req: IncomingMessage, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      seen.push({
        method: req.method ?? '',
        url: req.url ?? '',
        simHost: req.headers['x-sim-host'] as string | undefined,
        auth: req.headers.authorization,
        body: Buffer.concat(chunks).toString(),
      });
      res.end('ok');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

describe('simulatorFetch', () => {
  it.each([
    ['https://api.dropboxapi.com/2/files/list_folder', 'api.dropboxapi.com', '/2/files/list_folder'],
    ['https://content.dropboxapi.com/2/files/upload', 'content.dropboxapi.com', '/2/files/upload'],
    [
      'https://dropbox.com/oauth2/authorize?client_id=k&scope=a b',
      'dropbox.com',
      '/oauth2/authorize?client_id=k&scope=a%20b',
    ],
    ['https://www.dropbox.com/oauth2/authorize?x=1', 'www.dropbox.com', '/oauth2/authorize?x=1'],
  ])('sends %s to the simulator, keeping path and query', async (url, host, path) => {
    seen.length = 0;
    await simulatorFetch(base)(url, { method: 'POST', headers: { Authorization: 'Bearer t' } });
    expect(seen).toEqual([{ method: 'POST', url: path, simHost: host, auth: 'Bearer t', body: '' }]);
  });

  it('streams a Readable body with duplex half, as the SDK sends uploads', async () => {
    seen.length = 0;
    const body = Readable.from([Buffer.from('chunk-1 '), Buffer.from('chunk-2')]);
    // Node's fetch takes a Readable body with duplex 'half'; the DOM types in RequestInit do not say so.
    const init = { method: 'POST', body, duplex: 'half' } as unknown as RequestInit;
    await simulatorFetch(base)('https://content.dropboxapi.com/2/files/upload', init);
    expect(seen[0]?.body).toBe('chunk-1 chunk-2');
  });

  it('keeps a path prefix of the simulator URL and accepts Request objects', async () => {
    seen.length = 0;
    await simulatorFetch(`${base}/dropbox/`)(
      new Request('https://api.dropboxapi.com/oauth2/token?grant_type=x', { method: 'POST' }),
    );
    expect(seen[0]).toMatchObject({
      url: '/dropbox/oauth2/token?grant_type=x',
      simHost: 'api.dropboxapi.com',
    });
  });

  it('leaves other hosts alone', async () => {
    seen.length = 0;
    const res = await simulatorFetch('http://127.0.0.1:1')(`${base}/elsewhere`);
    expect(await res.text()).toBe('ok');
    expect(seen[0]).toMatchObject({ url: '/elsewhere', simHost: undefined });
  });
});

describe('simulatorAddress', () => {
  it('puts a temporary link on the simulator, keeping path, query and any prefix', () => {
    const link = 'https://uc1f2e.dl.dropboxusercontent.com/cd/0/get/AbC-_9/file?dl=0';
    expect(simulatorAddress('http://127.0.0.1:4020', link)).toBe(
      'http://127.0.0.1:4020/cd/0/get/AbC-_9/file?dl=0',
    );
    expect(simulatorAddress('http://sim.test/dropbox/', link)).toBe(
      'http://sim.test/dropbox/cd/0/get/AbC-_9/file?dl=0',
    );
  });

  it('leaves addresses that are not Dropbox hosts alone', () => {
    expect(simulatorAddress('http://127.0.0.1:4020', 'https://example.com/a')).toBe('https://example.com/a');
  });
});
