/**
 * `/restapi/oauth/token` and `/restapi/oauth/revoke` (Auth group). Client authentication is HTTP
 * Basic for confidential apps and `client_id` in the body for public ones. `access_token_ttl` is
 * clamped to [600, default] as documented (the SDK sends -1 after a 401: clamp, never reject);
 * `refresh_token_ttl` is capped at the default. Failures carry RFC 6749 `error`, RingCentral's
 * OAU code and an `error_description`.
 */
import { createHash } from 'node:crypto';
import type { Request, Response, Router } from 'express';
import { fail } from '../api-route.ts';
import { oauthError, RcHttpError, rcErrors, sendRcError } from '../errors.ts';
import type { ClientApp, SimState } from '../state.ts';
import { UNATTRIBUTED } from '../stats.ts';
import type { TokenPair } from '../tokens.ts';
import { rateLimitHeaders } from '../rate-limit.ts';

function form(req: Request): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of [req.query, req.body] as unknown[]) {
    if (typeof source !== 'object' || source === null) continue;
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      if (typeof v === 'string' && v !== '') out[k] = v;
    }
  }
  return out;
}

function authenticateClient(state: SimState, req: Request, body: Record<string, string>): ClientApp {
  const header = req.headers.authorization;
  if (header && /^basic\s+/i.test(header)) {
    const decoded = Buffer.from(header.replace(/^basic\s+/i, ''), 'base64').toString('utf8');
    const sep = decoded.indexOf(':');
    const id = decodeURIComponent(sep >= 0 ? decoded.slice(0, sep) : decoded);
    const secret = decodeURIComponent(sep >= 0 ? decoded.slice(sep + 1) : '');
    const client = state.clients.get(id);
    if (!client || (client.clientSecret ?? '') !== secret) {
      throw oauthError(401, 'invalid_client', 'OAU-146', 'Invalid client credentials');
    }
    return client;
  }
  const client = body.client_id ? state.clients.get(body.client_id) : undefined;
  if (!client) throw oauthError(401, 'invalid_client', 'OAU-123', 'Client authentication is required');
  if (client.clientSecret)
    throw oauthError(401, 'invalid_client', 'OAU-123', 'Client authentication is required');
  return client;
}

function clampTtl(raw: string | undefined, fallback: number, min: number): number {
  const n = raw === undefined ? NaN : Number.parseInt(raw, 10);
  if (!Number.isFinite(n) || n > fallback) return fallback;
  return Math.max(Math.min(min, fallback), n);
}

function tokenJson(pair: TokenPair, now: number): Record<string, unknown> {
  const s = pair.access.session;
  return {
    access_token: pair.access.token,
    token_type: 'bearer',
    expires_in: Math.max(0, Math.round((pair.access.expiresAt - now) / 1000)),
    refresh_token: pair.refresh.token,
    refresh_token_expires_in: Math.max(0, Math.round((pair.refresh.expiresAt - now) / 1000)),
    scope: s.scope.join(' '),
    owner_id: String(s.extensionId),
    endpoint_id: s.endpointId,
    session_id: s.id,
  };
}

function verifierMatches(method: 'S256' | 'plain', challenge: string, verifier: string): boolean {
  if (method === 'plain') return challenge === verifier;
  return createHash('sha256').update(verifier).digest('base64url') === challenge;
}

/** Rate-limit key of a token request: the user the grant belongs to when it can be told. */
function authKey(
  state: SimState,
  body: Record<string, string>,
  req: Request,
): { key: string; accountId: string } {
  const session = body.refresh_token ? state.tokens.sessionOf(body.refresh_token) : undefined;
  if (session) {
    return {
      key: `${session.accountId}:${session.extensionId}:${session.clientId}`,
      accountId: session.accountId,
    };
  }
  const code = body.code ? state.tokens.peekCode(body.code) : undefined;
  if (code)
    return { key: `${code.accountId}:${code.extensionId}:${code.clientId}`, accountId: code.accountId };
  return {
    key: `token:${body.client_id ?? req.headers.authorization ?? ''}:${req.ip ?? ''}`,
    accountId: UNATTRIBUTED,
  };
}

function limited(state: SimState, res: Response, key: string, accountId: string): boolean {
  const decision = state.limiter.hit(key, 'Auth', state.now());
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) res.setHeader(name, value);
  state.stats.request(accountId, 'Auth', !decision.allowed);
  if (decision.allowed) return false;
  sendRcError(res, rcErrors.rateExceeded(decision.retryAfter ?? decision.windowSeconds));
  return true;
}

export function tokenRoutes(router: Router, state: SimState): void {
  const accessTtl = (body: Record<string, string>): number =>
    clampTtl(body.access_token_ttl, state.accessTtlSeconds, 600) * 1000;
  const refreshTtl = (body: Record<string, string>): number =>
    clampTtl(body.refresh_token_ttl, state.refreshTtlSeconds, 600) * 1000;

  router.post('/restapi/oauth/token', (req, res) => {
    const body = form(req);
    const { key, accountId } = authKey(state, body, req);
    if (limited(state, res, key, accountId)) return;
    const now = state.now();
    try {
      if (!req.is('application/x-www-form-urlencoded')) {
        throw oauthError(
          415,
          'invalid_request',
          'OAU-101',
          'Content-Type must be application/x-www-form-urlencoded',
        );
      }
      const client = authenticateClient(state, req, body);
      if (body.grant_type === 'authorization_code') {
        const code = body.code ? state.tokens.takeCode(body.code) : undefined;
        if (!code) throw oauthError(400, 'invalid_grant', 'OAU-106', 'Invalid authorization code');
        if (now >= code.expiresAt)
          throw oauthError(400, 'invalid_grant', 'OAU-108', 'Authorization code is expired');
        if (code.clientId !== client.clientId) {
          throw oauthError(
            400,
            'invalid_grant',
            'OAU-110',
            'Authorization code was not issued for this application',
          );
        }
        if (body.redirect_uri !== code.redirectUri) {
          throw oauthError(400, 'invalid_grant', 'OAU-109', 'Redirect URIs do not match');
        }
        if (code.challenge && code.challengeMethod) {
          if (
            !body.code_verifier ||
            !verifierMatches(code.challengeMethod, code.challenge, body.code_verifier)
          ) {
            throw oauthError(
              400,
              'invalid_grant',
              'OAU-106',
              'Invalid authorization code: code_verifier does not match',
            );
          }
        }
        const pair = state.tokens.createSession(
          {
            accountId: code.accountId,
            extensionId: code.extensionId,
            clientId: client.clientId,
            scope: client.permissions,
            endpointId: body.endpoint_id,
          },
          accessTtl(body),
          refreshTtl(body),
          now,
        );
        state.stats.of(code.accountId).tokenGrants.authorization_code++;
        res.json(tokenJson(pair, now));
        return;
      }
      if (body.grant_type === 'refresh_token') {
        if (!body.refresh_token)
          throw oauthError(400, 'invalid_request', 'OAU-105', 'Refresh token is required');
        const result = state.tokens.refresh(
          body.refresh_token,
          client.clientId,
          accessTtl(body),
          refreshTtl(body),
          now,
        );
        if (!result.ok) {
          const messages = {
            unknown: ['OAU-213', 'Token not found'],
            expired: ['OAU-213', 'Refresh token expired'],
            revoked: ['OAU-211', 'Token revoked'],
            used: ['OAU-211', 'Refresh token has already been used'],
            'wrong-client': ['OAU-110', 'Refresh token was not issued for this application'],
          } as const;
          const [code, message] = messages[result.reason];
          throw oauthError(400, 'invalid_grant', code, message);
        }
        state.stats.of(result.pair.access.session.accountId).tokenGrants.refresh_token++;
        res.json(tokenJson(result.pair, now));
        return;
      }
      if (body.grant_type === 'urn:ietf:params:oauth:grant-type:jwt-bearer') {
        throw oauthError(400, 'unauthorized_client', 'OAU-112', 'Grant type is not allowed for the client');
      }
      throw oauthError(400, 'unsupported_grant_type', 'OAU-104', 'Unsupported grant type');
    } catch (err) {
      if (err instanceof RcHttpError) state.stats.of(accountId).tokenErrors++;
      fail(res, err, state.options.onInternalError);
    }
  });

  router.post('/restapi/oauth/revoke', (req, res) => {
    const body = form(req);
    const token = body.token ?? '';
    const session = token ? state.tokens.sessionOf(token) : undefined;
    const key = session
      ? `${session.accountId}:${session.extensionId}:${session.clientId}`
      : `revoke:${req.ip ?? ''}`;
    if (limited(state, res, key, session?.accountId ?? UNATTRIBUTED)) return;
    try {
      const client = authenticateClient(state, req, body);
      // RFC 7009: an unknown token (or another client's) is not an error; nothing happens.
      if (session && session.clientId === client.clientId) state.tokens.endSession(session);
      res.status(200).end();
    } catch (err) {
      fail(res, err, state.options.onInternalError);
    }
  });
}
