import { createHash } from 'node:crypto';
import type { Dropbox } from 'dropbox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentHash } from '../../../src/lib/content-hash.ts';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import { clientFor, dropboxError, raw, startSim, type ErrorBody } from './helpers.ts';

let sim: DropboxSim;
let dbx: Dropbox;
const EMAIL = 'owner@example.com';
beforeAll(async () => {
  sim = await startSim();
  dbx = await clientFor(sim, EMAIL);
});
afterAll(() => sim.close());

async function post(path: string, body: unknown): Promise<{ status: number; body: ErrorBody }> {
  const res = await raw(sim, path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.headers.get('content-type')).toBe('application/json');
  return { status: res.status, body: await res.json() };
}

async function get(path: string): Promise<{ status: number; body: ErrorBody }> {
  const res = await raw(sim, path);
  return { status: res.status, body: await res.json() };
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

describe('the user changing archived files', () => {
  it('POST /__sim/files/alter changes the bytes: new rev and content_hash, same id', async () => {
    const original = await dbx.filesUpload({ path: '/Archive/manifest.csv', contents: 'a,b\n1,2\n' });
    const altered = await post('/__sim/files/alter', {
      email: EMAIL,
      path: '/archive/MANIFEST.csv',
      text: 'a,b\n1,3\n',
    });
    expect(altered.status).toBe(200);
    expect(altered.body).toEqual({
      path_display: '/Archive/manifest.csv',
      size: 8,
      content_hash: contentHash(Buffer.from('a,b\n1,3\n')),
      sha256: sha256(Buffer.from('a,b\n1,3\n')),
    });
    const meta = await dbx.filesGetMetadata({ path: '/Archive/manifest.csv' });
    expect(meta.result).toMatchObject({ id: original.result.id, content_hash: altered.body.content_hash });
    expect((meta.result as { rev: string }).rev).not.toBe(original.result.rev);
    const download = await dbx.filesDownload({ path: '/Archive/manifest.csv' });
    expect((download.result as unknown as { fileBinary: Buffer }).fileBinary.toString()).toBe('a,b\n1,3\n');
  });

  it('without new bytes, alter flips the first byte', async () => {
    await dbx.filesUpload({ path: '/Archive/flip.bin', contents: Buffer.from([0x00, 0x01]) });
    const altered = await sim.alterFile(EMAIL, '/Archive/flip.bin');
    expect(altered.content_hash).toBe(contentHash(Buffer.from([0xff, 0x01])));
  });

  it('POST /__sim/files/delete removes a file as the user would', async () => {
    await dbx.filesUpload({ path: '/Archive/gone.txt', contents: 'bye' });
    const deleted = await post('/__sim/files/delete', { email: EMAIL, path: '/Archive/gone.txt' });
    expect(deleted).toEqual({ status: 200, body: { deleted: 1 } });
    const e = await dropboxError(dbx.filesGetMetadata({ path: '/Archive/gone.txt' }));
    expect(e.error.error).toEqual({ '.tag': 'path', path: { '.tag': 'not_found' } });
    expect((await post('/__sim/files/delete', { email: EMAIL, path: '/Archive/gone.txt' })).status).toBe(404);
  });

  it('POST /__sim/files/put places a file (e.g. one already in the way)', async () => {
    const put = await post('/__sim/files/put', {
      email: EMAIL,
      path: '/Archive/in-the-way.txt',
      contentBase64: Buffer.from('mine').toString('base64'),
    });
    expect(put.body).toMatchObject({ size: 4, content_hash: contentHash(Buffer.from('mine')) });
    const e = await dropboxError(dbx.filesUpload({ path: '/Archive/in-the-way.txt', contents: 'archiver' }));
    expect(e.error.error.reason).toEqual({ '.tag': 'conflict', conflict: { '.tag': 'file' } });
    expect((await post('/__sim/files/put', { email: EMAIL, path: 'relative.txt' })).status).toBe(400);
  });
});

describe('accounts, quota, tokens and clock', () => {
  it('POST /__sim/quota sets the allocation reported by get_space_usage', async () => {
    const res = await post('/__sim/quota', { email: EMAIL, allocatedBytes: 5_000_000 });
    expect(res.body).toMatchObject({ email: EMAIL, allocated: 5_000_000 });
    expect((await dbx.usersGetSpaceUsage()).result.allocation).toEqual({
      '.tag': 'individual',
      allocated: 5_000_000,
    });
    expect((await post('/__sim/quota', { email: EMAIL, allocatedBytes: -1 })).status).toBe(400);
  });

  it('POST /__sim/accounts and /__sim/tokens create an account and working tokens', async () => {
    const account = await post('/__sim/accounts', { email: 'made@example.com', allocatedBytes: 1234 });
    expect(account.body.accountId).toMatch(/^dbid:/);
    const tokens = await post('/__sim/tokens', { email: 'made@example.com', tokenAccessType: 'online' });
    expect(tokens.body).toMatchObject({
      token_type: 'bearer',
      expires_in: 14400,
      account_id: account.body.accountId,
    });
    expect(tokens.body).not.toHaveProperty('refresh_token');
    const list = await get('/__sim/accounts');
    expect(list.body).toEqual(
      expect.arrayContaining([expect.objectContaining({ email: 'made@example.com', allocatedBytes: 1234 })]),
    );
  });

  it('POST /__sim/tokens/revoke makes the account’s tokens 401', async () => {
    const client = await clientFor(sim, 'revoked@example.com');
    expect(await post('/__sim/tokens/revoke', { email: 'revoked@example.com' })).toEqual({
      status: 200,
      body: { revoked: 1 },
    });
    expect((await dropboxError(client.usersGetCurrentAccount())).status).toBe(401);
  });

  it('POST /__sim/clock moves the simulator clock forward only', async () => {
    const before = (await get('/__sim/clock')).body.nowMs as number;
    const after = await post('/__sim/clock', { advanceMs: 60_000 });
    expect(after.body.nowMs - before).toBeGreaterThanOrEqual(60_000);
    expect(after.body.now).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect((await post('/__sim/clock', { advanceMs: -1 })).status).toBe(400);
  });
});

describe('GET /__sim/stats', () => {
  it('counts calls per route per account, commits separately, and filters by email', async () => {
    const client = await clientFor(sim, 'counted@example.com');
    await sim.resetStats();
    for (let i = 0; i < 3; i += 1) await client.filesUpload({ path: `/c/${i}.txt`, contents: `${i}` });
    await client.filesListFolder({ path: '/c' });
    await dropboxError(client.filesUpload({ path: '/c/0.txt', contents: 'conflict' }));
    const { body } = await get(`/__sim/stats?email=${encodeURIComponent('counted@example.com')}`);
    expect(body.accounts).toHaveLength(1);
    expect(body.accounts[0]).toMatchObject({
      email: 'counted@example.com',
      calls: { 'files/upload': 4, 'files/list_folder': 1 },
      responses: { '200': 4, '409': 1 },
      commitCalls: 4,
      filesCommitted: 3,
      bytesReceived: 3 + 8,
    });
    expect(body.internalErrors).toEqual([]);
    expect((await get('/__sim/stats?email=nobody@example.com')).status).toBe(404);
  });

  it('counts calls that could not be tied to an account as unattributed', async () => {
    await sim.resetStats();
    await raw(sim, '/2/users/get_space_usage', {
      method: 'POST',
      headers: { Authorization: 'Bearer sl.u.unknown-token-value' },
    });
    const { body } = await get('/__sim/stats');
    expect(body.unattributed.calls).toEqual({ 'users/get_space_usage': 1 });
    expect(body.unattributed.responses).toEqual({ '401': 1 });
  });
});

it('answers unknown simulator routes with 404 JSON', async () => {
  const res = await get('/__sim/nothing-here');
  expect(res.status).toBe(404);
});
