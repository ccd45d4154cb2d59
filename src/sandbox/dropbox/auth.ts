import type { IncomingMessage } from 'node:http';
import type { Account } from './accounts.ts';
import type { RouteDef } from './context.ts';
import { authError, badInput, fail, json } from './errors.ts';
import type { SimState } from './state.ts';
import type { AccessTokenRecord } from './tokens.ts';

/**
 * Bearer authentication for API routes, in Dropbox's order: a missing or badly formed header and a
 * token that cannot be a token are 400s; an unknown, revoked or expired token is a 401; a token
 * without the route's scope is 401 `missing_scope`.
 */

/** What the simulator's tokens look like; anything else is "malformed", as a garbled token is at Dropbox. */
const WELL_FORMED = /^sl\.[A-Za-z0-9._~+/=-]{16,}$/;

export function authenticate(
  sim: SimState,
  req: IncomingMessage,
  route: string,
): { account: Account; token: AccessTokenRecord } {
  const header =
    req.headers.authorization ?? new URL(req.url ?? '/', 'http://sim').searchParams.get('authorization');
  if (!header) {
    throw fail(badInput(route, 'Must provide HTTP header "Authorization" or URL parameter "authorization".'));
  }
  const bearer = /^Bearer (.+)$/.exec(header);
  if (!bearer?.[1]) {
    throw fail(
      badInput(
        route,
        `Invalid authorization value in HTTP header "Authorization": "${header}".  Expecting "Bearer <oauth2-access-token>".`,
      ),
    );
  }
  const value = bearer[1].trim();
  if (!WELL_FORMED.test(value)) throw fail(badInput(route, 'The given OAuth 2 access token is malformed.'));
  const token = sim.tokens.findAccessToken(value);
  const account = token && sim.accounts.get(token.grant.accountId);
  if (!token || token.grant.revoked || !account) throw fail(authError('invalid_access_token'));
  if (token.expiresAt <= sim.clock.now()) throw fail(authError('expired_access_token'));
  return { account, token };
}

export function requireScope(token: AccessTokenRecord, scope: string | null): void {
  if (scope && !token.scopes.includes(scope))
    throw fail(authError('missing_scope', { required_scope: scope }));
}

/** auth/token/revoke: ends the token's grant, so its refresh token and sibling access tokens die too. */
export const revokeToken: RouteDef = {
  name: 'auth/token/revoke',
  style: 'rpc',
  scope: null,
  commit: false,
  voidArg: true,
  handle: ({ sim, token }) => {
    sim.tokens.revokeGrant(token.grant);
    return Promise.resolve(json(null));
  },
};
