/**
 * The token store's rotation rules and the sliding-window limiter, with explicit times.
 */
import { describe, expect, it } from 'vitest';
import { RateLimiter } from '../../../src/sandbox/ringcentral/rate-limit.ts';
import { TokenStore } from '../../../src/sandbox/ringcentral/tokens.ts';

const HOUR = 3_600_000;

function session(store: TokenStore, now: number, extensionId = 1) {
  return store.createSession(
    { accountId: 'a', extensionId, clientId: 'c', scope: ['ReadCallLog'] },
    HOUR,
    7 * 24 * HOUR,
    now,
  );
}

describe('token store', () => {
  it('kills the old access token at once and replays the same pair within the grace', () => {
    const store = new TokenStore(5);
    const first = session(store, 0);
    const r1 = store.refresh(first.refresh.token, 'c', HOUR, 7 * 24 * HOUR, 1000);
    expect(r1.ok && r1.rotated).toBe(true);
    if (!r1.ok) return;
    expect(store.checkAccess(first.access.token, 1001)).toEqual({ ok: false, reason: 'corrupted' });
    expect(store.checkAccess(first.access.token, 12_000)).toEqual({ ok: false, reason: 'unknown' });
    const replay = store.refresh(first.refresh.token, 'c', HOUR, 7 * 24 * HOUR, 2000);
    expect(replay.ok && !replay.rotated && replay.pair.access.token === r1.pair.access.token).toBe(true);
    expect(store.checkAccess(r1.pair.access.token, 5000).ok).toBe(true); // first use at 5 s
    expect(store.refresh(first.refresh.token, 'c', HOUR, HOUR, 14_999).ok).toBe(true);
    expect(store.refresh(first.refresh.token, 'c', HOUR, HOUR, 15_000)).toEqual({
      ok: false,
      reason: 'used',
    });
  });

  it('ends the replay once the new refresh token has itself been used', () => {
    const store = new TokenStore(5);
    const first = session(store, 0);
    const r1 = store.refresh(first.refresh.token, 'c', HOUR, HOUR, 1000);
    if (!r1.ok) throw new Error('refresh failed');
    expect(store.refresh(r1.pair.refresh.token, 'c', HOUR, HOUR, 2000).ok).toBe(true);
    expect(store.refresh(first.refresh.token, 'c', HOUR, HOUR, 3000)).toEqual({ ok: false, reason: 'used' });
  });

  it('refuses another client, an expired token and an ended session', () => {
    const store = new TokenStore(5);
    const s = session(store, 0);
    expect(store.refresh(s.refresh.token, 'other', HOUR, HOUR, 1)).toEqual({
      ok: false,
      reason: 'wrong-client',
    });
    expect(store.checkAccess(s.access.token, HOUR)).toEqual({ ok: false, reason: 'expired' });
    store.endSession(s.access.session);
    expect(store.refresh(s.refresh.token, 'c', HOUR, HOUR, 2)).toEqual({ ok: false, reason: 'revoked' });
    expect(store.checkAccess(s.access.token, 3)).toEqual({ ok: false, reason: 'unknown' });
  });

  it('keeps at most maxSessions live sessions per user and app', () => {
    const store = new TokenStore(2);
    const a = session(store, 0);
    const b = session(store, 1);
    const c = session(store, 2);
    const other = session(store, 3, 2);
    expect(store.checkAccess(a.access.token, 10).ok).toBe(false);
    expect(store.checkAccess(b.access.token, 10).ok).toBe(true);
    expect(store.checkAccess(c.access.token, 10).ok).toBe(true);
    expect(store.checkAccess(other.access.token, 10).ok).toBe(true);
  });
});

describe('rate limiter', () => {
  it('slides, refuses past the limit, and restarts the penalty on every request during it', () => {
    const limiter = new RateLimiter(
      () => 3,
      () => 10,
    );
    expect(limiter.hit('u', 'Heavy', 0).remaining).toBe(2);
    expect(limiter.hit('u', 'Heavy', 4000).remaining).toBe(1);
    expect(limiter.hit('u', 'Heavy', 8000).remaining).toBe(0);
    expect(limiter.hit('u', 'Light', 8000).remaining).toBe(2); // groups apart
    expect(limiter.hit('v', 'Heavy', 8000).remaining).toBe(2); // users apart
    const refused = limiter.hit('u', 'Heavy', 9000);
    expect(refused).toMatchObject({ allowed: false, remaining: 0, retryAfter: 10 });
    expect(limiter.hit('u', 'Heavy', 18_000).allowed).toBe(false); // restarts: until 28 s
    expect(limiter.hit('u', 'Heavy', 27_999).allowed).toBe(false); // restarts: until 37.999 s
    const ok = limiter.hit('u', 'Heavy', 38_000);
    expect(ok).toMatchObject({ allowed: true, remaining: 2 });
  });
});
