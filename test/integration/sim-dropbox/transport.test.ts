import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DropboxSim } from '../../../src/sandbox/dropbox/index.ts';
import { APP, raw, REDIRECT_URI, startSim } from './helpers.ts';

let sim: DropboxSim;
let token: string;
beforeAll(async () => {
  sim = await startSim();
  token = (await sim.issueTokens('wire@example.com')).access_token as string;
});
afterAll(() => sim.close());

const rpc = (route: string, body: string | undefined, contentType?: string) =>
  raw(sim, `/2/${route}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, ...(contentType ? { 'Content-Type': contentType } : {}) },
    ...(body === undefined ? {} : { body }),
  });

describe('RPC transport', () => {
  it('takes no body or a JSON null for Void routes, and refuses a value', async () => {
    expect((await rpc('users/get_space_usage', undefined)).status).toBe(200);
    expect((await rpc('users/get_space_usage', 'null', 'application/json')).status).toBe(200);
    const value = await rpc('users/get_space_usage', '{}', 'application/json');
    expect(value.status).toBe(400);
  });

  it('answers undecodable JSON and a wrong Content-Type with Dropbox’s 400 texts', async () => {
    const broken = await rpc('files/list_folder', '{"path":', 'application/json');
    expect(broken.status).toBe(400);
    expect(await broken.text()).toBe(
      'Error in call to API function "files/list_folder": request body: could not decode input as JSON',
    );
    const wrongType = await rpc('files/list_folder', '{"path":""}', 'text/plain');
    expect(await wrongType.text()).toBe(
      'Error in call to API function "files/list_folder": Bad HTTP "Content-Type" header: "text/plain".  Expecting one of "application/json", "text/plain; charset=dropbox-cors-hack".',
    );
  });

  it('answers an unknown route with 400', async () => {
    const res = await rpc('files/teleport', '{}', 'application/json');
    expect(res.status).toBe(400);
    expect(await res.text()).toBe(
      'Error in call to API function "files/teleport": Unknown API function: /2/files/teleport',
    );
  });

  it('escapes non-ASCII in Dropbox-API-Result, as header values must be ASCII', async () => {
    await sim.putFile('wire@example.com', '/Ré sumé.txt', 'x');
    const res = await raw(sim, '/2/files/download', {
      method: 'POST',
      headers: {
        Authorization: `Bearer ${token}`,
        // Escaped the way the SDK writes it; the lookup is case-insensitive.
        'Dropbox-API-Arg': '{"path":"/r\\u00e9 sum\\u00e9.txt"}',
      },
    });
    expect(res.status).toBe(200);
    const header = res.headers.get('dropbox-api-result')!;
    expect(header).toContain('"name":"R\\u00e9 sum\\u00e9.txt"');
    expect(JSON.parse(header)).toMatchObject({ name: 'Ré sumé.txt' });
  });
});

describe('PKCE with the plain method', () => {
  it('accepts a verifier equal to the challenge and refuses another', async () => {
    const challenge = 'p'.repeat(43);
    const form = new URLSearchParams({
      client_id: APP.appKey,
      response_type: 'code',
      redirect_uri: REDIRECT_URI,
      code_challenge: challenge,
      code_challenge_method: 'plain',
      token_access_type: 'offline',
      account: 'plain@example.com',
      decision: 'allow',
    });
    const code = async () => {
      const res = await raw(sim, '/oauth2/authorize', { method: 'POST', body: form, redirect: 'manual' });
      return new URL(res.headers.get('location')!).searchParams.get('code')!;
    };
    const exchange = async (verifier: string) =>
      raw(
        sim,
        `/oauth2/token?${new URLSearchParams({ grant_type: 'authorization_code', code: await code(), client_id: APP.appKey, code_verifier: verifier, redirect_uri: REDIRECT_URI }).toString()}`,
        {
          method: 'POST',
        },
      );
    const wrong = await exchange('q'.repeat(43));
    expect(wrong.status).toBe(400);
    const right = await exchange(challenge);
    expect(right.status).toBe(200);
    const tokens = (await right.json()) as { refresh_token: string };
    // A public client (no secret) may refresh without the secret.
    const refreshed = await raw(
      sim,
      `/oauth2/token?grant_type=refresh_token&client_id=${APP.appKey}&refresh_token=${tokens.refresh_token}`,
      {
        method: 'POST',
      },
    );
    expect(refreshed.status).toBe(200);
  });

  it('refuses a malformed challenge by redirecting with invalid_request', async () => {
    const res = await raw(
      sim,
      `/oauth2/authorize?client_id=${APP.appKey}&response_type=code&redirect_uri=${encodeURIComponent(REDIRECT_URI)}&state=s&code_challenge=short`,
      { redirect: 'manual' },
    );
    expect(res.status).toBe(302);
    const query = new URL(res.headers.get('location')!).searchParams;
    expect(query.get('error')).toBe('invalid_request');
    expect(query.get('state')).toBe('s');
  });
});
