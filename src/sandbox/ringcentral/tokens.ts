/**
 * Authorization codes, sessions and tokens, following RingCentral's documented rules:
 * single-use codes with a 60 s life; a refresh issues a new pair and kills the old access token at
 * once; the old refresh token keeps returning that same new pair until the new access token has
 * been used and 10 s have passed (or for 60 minutes if it is never used); revoking any token of a
 * session ends the whole session; at most `maxSessions` live sessions per (user, app).
 */
import { randomBytes } from 'node:crypto';

const CODE_TTL_MS = 60_000;
const GRACE_AFTER_USE_MS = 10_000;
const GRACE_UNUSED_MS = 60 * 60_000;
/** How long a token killed by rotation still reads as "corrupted" rather than "not found". */
const CORRUPTED_FOR_MS = 10_000;

export interface AuthCode {
  code: string;
  clientId: string;
  redirectUri: string;
  accountId: string;
  extensionId: number;
  challenge?: string;
  challengeMethod?: 'S256' | 'plain';
  expiresAt: number;
  used: boolean;
}

export interface Session {
  id: string;
  accountId: string;
  extensionId: number;
  clientId: string;
  scope: string[];
  endpointId: string;
  createdAt: number;
  ended: boolean;
  accessTokens: Set<string>;
  refreshTokens: Set<string>;
}

interface AccessToken {
  token: string;
  session: Session;
  issuedAt: number;
  expiresAt: number;
  firstUsedAt?: number;
  killedAt?: number;
}

interface RefreshToken {
  token: string;
  session: Session;
  expiresAt: number;
  rotated?: { at: number; access: AccessToken; refresh: RefreshToken };
}

export interface TokenPair {
  access: AccessToken;
  refresh: RefreshToken;
}

type AccessCheck =
  { ok: true; token: AccessToken } | { ok: false; reason: 'unknown' | 'expired' | 'corrupted' };

type RefreshCheck =
  | { ok: true; pair: TokenPair; rotated: boolean }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked' | 'used' | 'wrong-client' };

function opaque(bytes: number): string {
  return randomBytes(bytes).toString('base64url');
}

export class TokenStore {
  private readonly codes = new Map<string, AuthCode>();
  private readonly access = new Map<string, AccessToken>();
  private readonly refreshTokens = new Map<string, RefreshToken>();
  private readonly sessions = new Map<string, Session>();
  private readonly maxSessions: number;
  private grantsSinceSweep = 0;

  constructor(maxSessions: number) {
    this.maxSessions = maxSessions;
  }

  issueCode(input: Omit<AuthCode, 'code' | 'expiresAt' | 'used'>, now: number): AuthCode {
    const code: AuthCode = { ...input, code: opaque(24), expiresAt: now + CODE_TTL_MS, used: false };
    this.codes.set(code.code, code);
    return code;
  }

  /** Looks a code up without using it (to tell whose request it is). */
  peekCode(code: string): AuthCode | undefined {
    return this.codes.get(code);
  }

  /** Looks a code up and marks it used; the caller checks client, redirect URI and PKCE. */
  takeCode(code: string): AuthCode | undefined {
    const found = this.codes.get(code);
    if (found) this.codes.delete(code);
    return found;
  }

  createSession(
    input: { accountId: string; extensionId: number; clientId: string; scope: string[]; endpointId?: string },
    accessTtlMs: number,
    refreshTtlMs: number,
    now: number,
  ): TokenPair {
    const live = [...this.sessions.values()]
      .filter(
        (s) =>
          !s.ended &&
          s.accountId === input.accountId &&
          s.extensionId === input.extensionId &&
          s.clientId === input.clientId,
      )
      .sort((a, b) => a.createdAt - b.createdAt);
    // RingCentral caps parallel sessions per user and app (usually five); the oldest goes first.
    while (live.length >= this.maxSessions) this.endSession(live.shift()!);
    const session: Session = {
      id: opaque(12),
      accountId: input.accountId,
      extensionId: input.extensionId,
      clientId: input.clientId,
      scope: input.scope,
      endpointId: input.endpointId || opaque(16),
      createdAt: now,
      ended: false,
      accessTokens: new Set(),
      refreshTokens: new Set(),
    };
    this.sessions.set(session.id, session);
    this.maybeSweep(now);
    return this.issuePair(session, accessTtlMs, refreshTtlMs, now);
  }

  private issuePair(session: Session, accessTtlMs: number, refreshTtlMs: number, now: number): TokenPair {
    const access: AccessToken = { token: opaque(36), session, issuedAt: now, expiresAt: now + accessTtlMs };
    const refresh: RefreshToken = { token: opaque(36), session, expiresAt: now + refreshTtlMs };
    this.access.set(access.token, access);
    this.refreshTokens.set(refresh.token, refresh);
    session.accessTokens.add(access.token);
    session.refreshTokens.add(refresh.token);
    return { access, refresh };
  }

  checkAccess(token: string, now: number): AccessCheck {
    const found = this.access.get(token);
    if (!found || found.session.ended) return { ok: false, reason: 'unknown' };
    if (found.killedAt !== undefined) {
      return { ok: false, reason: now - found.killedAt < CORRUPTED_FOR_MS ? 'corrupted' : 'unknown' };
    }
    if (now >= found.expiresAt) return { ok: false, reason: 'expired' };
    found.firstUsedAt ??= now;
    return { ok: true, token: found };
  }

  refresh(
    token: string,
    clientId: string,
    accessTtlMs: number,
    refreshTtlMs: number,
    now: number,
  ): RefreshCheck {
    const found = this.refreshTokens.get(token);
    if (!found) return { ok: false, reason: 'unknown' };
    if (found.session.ended) return { ok: false, reason: 'revoked' };
    if (found.session.clientId !== clientId) return { ok: false, reason: 'wrong-client' };
    if (found.rotated) {
      const { access, refresh, at } = found.rotated;
      const graceEnds =
        access.firstUsedAt !== undefined ? access.firstUsedAt + GRACE_AFTER_USE_MS : at + GRACE_UNUSED_MS;
      // The same pair comes back only while it is still the session's newest one.
      if (now < graceEnds && !refresh.rotated && access.killedAt === undefined) {
        return { ok: true, pair: { access, refresh }, rotated: false };
      }
      return { ok: false, reason: 'used' };
    }
    if (now >= found.expiresAt) return { ok: false, reason: 'expired' };
    for (const old of found.session.accessTokens) {
      const t = this.access.get(old);
      if (t && t.killedAt === undefined) t.killedAt = now;
    }
    const pair = this.issuePair(found.session, accessTtlMs, refreshTtlMs, now);
    found.rotated = { at: now, ...pair };
    this.maybeSweep(now);
    return { ok: true, pair, rotated: true };
  }

  /** The session an access or refresh token belongs to (for revoke and rate-limit keys). */
  sessionOf(token: string): Session | undefined {
    return this.access.get(token)?.session ?? this.refreshTokens.get(token)?.session;
  }

  endSession(session: Session): void {
    session.ended = true;
  }

  /** Ends every session of an account (a fault: "the customer revoked the app"). */
  revokeAccount(accountId: string): number {
    let n = 0;
    for (const session of this.sessions.values()) {
      if (session.accountId === accountId && !session.ended) {
        session.ended = true;
        n++;
      }
    }
    return n;
  }

  /** Drops long-dead tokens now and then so a long benchmark does not grow without bound. */
  private maybeSweep(now: number): void {
    if (++this.grantsSinceSweep < 1000) return;
    this.grantsSinceSweep = 0;
    const horizon = now - 2 * GRACE_UNUSED_MS;
    for (const [key, t] of this.access) {
      if (t.session.ended || t.expiresAt < horizon || (t.killedAt !== undefined && t.killedAt < horizon)) {
        this.access.delete(key);
        t.session.accessTokens.delete(key);
      }
    }
    for (const [key, t] of this.refreshTokens) {
      if (t.session.ended || t.expiresAt < horizon || (t.rotated && t.rotated.at < horizon)) {
        this.refreshTokens.delete(key);
        t.session.refreshTokens.delete(key);
      }
    }
    for (const [key, s] of this.sessions)
      if (s.ended || s.refreshTokens.size === 0) this.sessions.delete(key);
    for (const [key, c] of this.codes) if (c.expiresAt < now) this.codes.delete(key);
  }
}
