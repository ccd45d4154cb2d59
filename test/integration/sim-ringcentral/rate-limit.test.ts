/**
 * User-level rate limits per group with a 2 s window: headers on every answer, the eleventh Heavy
 * request refused with 429 CMN-301 and Retry-After, the penalty that every request made during it
 * restarts, and the sliding window. Time moves with the simulator clock, so nothing sleeps.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RcSim } from '../../../src/sandbox/ringcentral/index.ts';
import { apiError, CLIENT, signIn, startSim, type Platform } from './helpers.ts';

let sim: RcSim;
let platform: Platform;
let token: string;

beforeAll(async () => {
  sim = await startSim({ accounts: [{ seed: 5, extensions: 3, days: 1 }], rateLimitWindowSeconds: 2 });
  platform = await signIn(sim, '101');
  token = (await platform.auth().data()).access_token!;
});

afterAll(async () => {
  await sim.close();
});

function heavy(): Promise<Response> {
  return fetch(`${sim.url}/restapi/v1.0/account/~/call-log`, {
    headers: { Authorization: `Bearer ${token}` },
  });
}

function light(): Promise<Response> {
  return fetch(`${sim.url}/restapi/v1.0/account/~/extension/~`, {
    headers: { Authorization: `Bearer ${token}` },
  });
}

/** Moves past any window or penalty left by the previous test. */
function freshWindow(): void {
  sim.advanceClock(10_000);
}

describe('rate limits', () => {
  it('counts X-Rate-Limit-Remaining down, then answers the eleventh Heavy request with 429 CMN-301', async () => {
    freshWindow();
    for (let i = 1; i <= 10; i++) {
      const res = await heavy();
      expect(res.status).toBe(200);
      expect(res.headers.get('x-rate-limit-group')).toBe('Heavy');
      expect(res.headers.get('x-rate-limit-limit')).toBe('10');
      expect(res.headers.get('x-rate-limit-window')).toBe('2');
      expect(res.headers.get('x-rate-limit-remaining')).toBe(String(10 - i));
    }
    const refused = await heavy();
    expect(refused.status).toBe(429);
    expect(refused.headers.get('retry-after')).toBe('2');
    expect(refused.headers.get('x-rate-limit-remaining')).toBe('0');
    expect(refused.headers.get('x-rate-limit-group')).toBe('Heavy');
    const body = (await refused.json()) as {
      errorCode: string;
      message: string;
      errors: Array<{ errorCode: string }>;
    };
    expect(body.errorCode).toBe('CMN-301');
    expect(body.errors[0]!.errorCode).toBe('CMN-301');
    expect(body.message).toBe('Request rate exceeded');

    // Groups are counted apart: Light is untouched.
    const l = await light();
    expect(l.status).toBe(200);
    expect(l.headers.get('x-rate-limit-group')).toBe('Light');
    expect(l.headers.get('x-rate-limit-remaining')).toBe('49');
  });

  it('restarts the penalty with every request made during it', async () => {
    freshWindow();
    for (let i = 0; i < 10; i++) expect((await heavy()).status).toBe(200);
    expect((await heavy()).status).toBe(429); // penalty until t+2 s
    sim.advanceClock(1_500);
    expect((await heavy()).status).toBe(429); // restarts: until t+3.5 s
    sim.advanceClock(1_500);
    expect((await heavy()).status).toBe(429); // t+3 s: still refused, restarts until t+5 s
    sim.advanceClock(1_900);
    expect((await heavy()).status).toBe(429); // t+4.9 s: still inside the restarted penalty
    sim.advanceClock(2_001); // a silent full window
    const ok = await heavy();
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-rate-limit-remaining')).toBe('9');
  });

  it('ends the penalty after one silent window of real time as well', async () => {
    freshWindow();
    for (let i = 0; i < 10; i++) await heavy();
    expect((await heavy()).status).toBe(429);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await heavy()).status).toBe(200);
  });

  it('uses a sliding window', async () => {
    freshWindow();
    for (let i = 0; i < 6; i++) await heavy();
    sim.advanceClock(1_000);
    for (let i = 0; i < 4; i++) await heavy();
    expect((await heavy()).status).toBe(429);
    freshWindow();
    for (let i = 0; i < 6; i++) await heavy();
    sim.advanceClock(1_000);
    const res = await heavy();
    expect(res.headers.get('x-rate-limit-remaining')).toBe('3');
    sim.advanceClock(1_001); // the first six leave the window; one remains in it
    const later = await heavy();
    expect(later.headers.get('x-rate-limit-remaining')).toBe('8');
  });

  it('sends the headers on error answers and on media answers too', async () => {
    freshWindow();
    const notFound = await fetch(`${sim.url}/restapi/v1.0/account/~/recording/123`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(notFound.status).toBe(404);
    expect(notFound.headers.get('x-rate-limit-group')).toBe('Heavy');
    expect(notFound.headers.get('x-rate-limit-remaining')).toBe('9');
    const unauthorized = await fetch(`${sim.url}/restapi/v1.0/account/~`, {
      headers: { Authorization: 'Bearer x' },
    });
    expect(unauthorized.status).toBe(401);
    expect(unauthorized.headers.get('x-rate-limit-group')).toBe('Light');
    const inv = await sim.inventory(undefined, { sha256: false });
    const att = inv.messages.flatMap((m) => m.attachments.map((a) => ({ m, a })))[0]!;
    const media = await fetch(
      `${sim.mediaUrl}/restapi/v1.0/account/~/extension/${att.m.extensionId}/message-store/${att.m.id}/content/${att.a.id}`,
      { headers: { Authorization: `Bearer ${token}` } },
    );
    expect(media.status).toBe(200);
    expect(media.headers.get('x-rate-limit-group')).toBe('Medium');
    expect(media.headers.get('x-rate-limit-limit')).toBe('40');
  });

  it('limits the Auth group (5 per window) on the token endpoint', async () => {
    freshWindow();
    const refresh = (rt: string): Promise<Response> =>
      fetch(`${sim.url}/restapi/oauth/token`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${CLIENT.clientId}:${CLIENT.clientSecret}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: rt }),
      });
    let rt = (await platform.auth().data()).refresh_token!;
    let at = '';
    for (let i = 0; i < 5; i++) {
      const res = await refresh(rt);
      expect(res.status).toBe(200);
      expect(res.headers.get('x-rate-limit-group')).toBe('Auth');
      ({ refresh_token: rt, access_token: at } = (await res.json()) as {
        refresh_token: string;
        access_token: string;
      });
    }
    const sixth = await refresh(rt);
    expect(sixth.status).toBe(429);
    expect(sixth.headers.get('retry-after')).toBe('2');
    // Hand the newest pair back to the SDK for the next test.
    await platform.auth().setData({ refresh_token: rt, access_token: at });
  });

  it('gives the SDK its retryAfter, and lets a rateLimitStorm fault refuse the next N requests', async () => {
    freshWindow();
    sim.setFaults({ rateLimitStorm: { group: 'Light', count: 2, retryAfterSeconds: 7 } });
    const first = await apiError(platform.get('/restapi/v1.0/account/~'));
    expect(first.status).toBe(429);
    expect((first.error as Error & { retryAfter?: number }).retryAfter).toBe(7000);
    expect((await apiError(platform.get('/restapi/v1.0/account/~'))).status).toBe(429);
    expect((await platform.get('/restapi/v1.0/account/~')).status).toBe(200);
    const stats = sim.stats(sim.accounts()[0]!.accountId);
    expect(stats.rateLimited.Light).toBe(2);
    expect(stats.rateLimited.Heavy).toBeGreaterThanOrEqual(5);
  });

  it('counts Auth per user: eight tenants sign in within one window without a 429', async () => {
    freshWindow();
    sim.resetStats();
    const tenants = Array.from({ length: 8 }, (_, i) =>
      sim.createAccount({ seed: 100 + i, extensions: 1, days: 0 }),
    );
    for (const tenant of tenants) {
      const signedIn = await signIn(sim, tenant.adminLogin);
      const account = (await (await signedIn.get('/restapi/v1.0/account/~')).json()) as { id: number };
      expect(String(account.id)).toBe(tenant.accountId);
    }
    const stats = sim.stats();
    expect(stats.total.requests.Auth).toBe(24); // consent page, consent POST and code grant each
    expect(stats.total.rateLimited.Auth).toBe(0);
  });
});
