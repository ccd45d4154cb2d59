import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { readSmallBody } from './bodies.ts';
import { json, type Reply } from './errors.ts';
import type { SimApp, SimState } from './state.ts';
import { tokenResponse, type AuthCode } from './tokens.ts';

/**
 * `POST /oauth2/token`. Parameters may come from the query string (what the JS SDK sends, with an
 * empty body), a form body, or HTTP Basic auth for the client credentials; Dropbox accepts all three.
 * Errors are 400 `{"error": ..., "error_description": ...}` as Dropbox writes them.
 */

const oauthError = (error: string, description: string): Reply =>
  json({ error, error_description: description }, 400);
/** Dropbox's observed answer to a bad app key or secret: one `error` string, no description. */
const invalidClient = (): Reply => json({ error: 'invalid_client: Invalid client_id or client_secret' }, 400);
const noAuthFunction = (): Reply =>
  oauthError('invalid_request', 'No auth function available for given request');
const REFRESH_TOKEN_SHAPE = /^[A-Za-z0-9_-]{64}$/;

export async function readTokenParams(req: IncomingMessage): Promise<URLSearchParams | Reply> {
  const params = new URLSearchParams(new URL(req.url ?? '/', 'http://sim').search);
  const body = await readSmallBody(req, 64 * 1024);
  if (body === null) return oauthError('invalid_request', 'request body too large');
  if ((req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')) {
    for (const [name, value] of new URLSearchParams(body)) params.set(name, value);
  }
  const basic = /^Basic (.+)$/i.exec(req.headers.authorization ?? '');
  if (basic?.[1]) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon < 0) return invalidClient();
    const id = decoded.slice(0, colon);
    if (params.has('client_id') && params.get('client_id') !== id) return invalidClient();
    params.set('client_id', id);
    params.set('client_secret', decoded.slice(colon + 1));
  }
  return params;
}

const sameSecret = (given: string, expected: string): boolean =>
  given.length === expected.length && timingSafeEqual(Buffer.from(given), Buffer.from(expected));

function verifierMatches(code: AuthCode, verifier: string): boolean {
  if (code.challenge === null) return false;
  const derived =
    code.challengeMethod === 'S256' ? createHash('sha256').update(verifier).digest('base64url') : verifier;
  return derived === code.challenge;
}

function exchangeCode(sim: SimState, app: SimApp, params: URLSearchParams, secretOk: boolean): Reply {
  const codeValue = params.get('code');
  if (!codeValue) return oauthError('invalid_request', 'Missing required parameter "code".');
  const code = sim.tokens.peekCode(codeValue);
  if (!code || code.appKey !== app.appKey) {
    return oauthError('invalid_grant', "code doesn't exist or has expired");
  }
  if ((params.get('redirect_uri') ?? null) !== code.redirectUri)
    return oauthError('invalid_grant', 'redirect_uri mismatch');
  const verifier = params.get('code_verifier');
  if (verifier !== null) {
    if (!verifierMatches(code, verifier)) return oauthError('invalid_grant', 'invalid code verifier');
  } else if (!secretOk) {
    return noAuthFunction();
  }
  // Single use: the code is gone whatever happens next.
  sim.tokens.consumeCode(codeValue);
  const account = sim.accounts.get(code.accountId);
  if (!account) return oauthError('invalid_grant', "code doesn't exist or has expired");
  const grant = sim.tokens.createGrant(code, !secretOk);
  return json(tokenResponse(sim.tokens.issueAccessToken(grant), account, grant.refreshToken));
}

function refresh(sim: SimState, app: SimApp, params: URLSearchParams, secretOk: boolean): Reply {
  const value = params.get('refresh_token');
  if (!value) return oauthError('invalid_request', 'Missing required parameter "refresh_token".');
  if (!REFRESH_TOKEN_SHAPE.test(value)) return oauthError('invalid_grant', 'refresh token is malformed');
  const grant = sim.tokens.findRefreshToken(value);
  const account = grant && sim.accounts.get(grant.accountId);
  if (!grant || grant.revoked || grant.appKey !== app.appKey || !account) {
    return oauthError('invalid_grant', 'refresh token is invalid or revoked');
  }
  // Only a grant obtained with PKCE and no secret may refresh without the secret.
  if (!secretOk && !grant.publicClient) return noAuthFunction();
  const requested = (params.get('scope') ?? '').split(/\s+/).filter(Boolean);
  const outside = requested.filter((scope) => !grant.scopes.includes(scope));
  if (outside.length > 0) return oauthError('invalid_scope', `scope not granted: ${outside.join(' ')}`);
  const issued = sim.tokens.issueAccessToken(grant, requested.length > 0 ? requested : grant.scopes);
  // Refresh tokens never rotate at Dropbox: the response carries no new one.
  return json(tokenResponse(issued, account, null));
}

/** Handles a token request, also naming the account it concerned (for the stats) when known. */
export function tokenRequest(
  sim: SimState,
  params: URLSearchParams,
): { reply: Reply; accountId: string | null } {
  const app = sim.apps.get(params.get('client_id') ?? '');
  if (!app) return { reply: invalidClient(), accountId: null };
  const secret = params.get('client_secret');
  if (secret !== null && !sameSecret(secret, app.appSecret))
    return { reply: invalidClient(), accountId: null };
  const secretOk = secret !== null;
  const grantType = params.get('grant_type');
  const accountOf = (): string | null => {
    if (grantType === 'refresh_token')
      return sim.tokens.findRefreshToken(params.get('refresh_token') ?? '')?.accountId ?? null;
    return sim.tokens.peekCode(params.get('code') ?? '')?.accountId ?? null;
  };
  const accountId = accountOf();
  if (grantType === 'authorization_code')
    return { reply: exchangeCode(sim, app, params, secretOk), accountId };
  if (grantType === 'refresh_token') return { reply: refresh(sim, app, params, secretOk), accountId };
  const reply: Reply = grantType
    ? oauthError('unsupported_grant_type', `grant_type "${grantType}" is not supported`)
    : oauthError('invalid_request', 'Missing required parameter "grant_type".');
  return { reply, accountId: null };
}

/** Dropbox's observed 500 body on the token endpoint. */
export const tokenServerError = (status: number): Reply =>
  json(
    {
      error: 'The server has either erred or is incapable of performing the requested operation.',
    },
    status,
  );
