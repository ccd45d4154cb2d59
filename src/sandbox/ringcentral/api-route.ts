/**
 * The request pipeline every REST route goes through, in RingCentral's order: injected latency,
 * bearer-token check (401), the account-level emergency limit when switched on (429 without
 * X-Rate-Limit-* headers), the user-level rate limit of the route's group (429, with
 * X-Rate-Limit-* headers on every answer), injected 5xx faults, the app permission (403 CMN-401),
 * then the handler. Handlers throw RcHttpError for RingCentral-shaped failures.
 */
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { Account } from './account.ts';
import { RcHttpError, rcErrors, sendRcError } from './errors.ts';
import type { Extension } from './model.ts';
import type { RateGroup } from './options.ts';
import { rateLimitHeaders, type RateDecision } from './rate-limit.ts';
import type { ClientApp, SimState } from './state.ts';
import { UNATTRIBUTED } from './stats.ts';
import type { Session } from './tokens.ts';

export interface ApiContext {
  state: SimState;
  now: number;
  session: Session;
  account: Account;
  user: Extension;
  client: ClientApp;
  group: RateGroup;
}

type ApiHandler = (req: Request, res: Response, ctx: ApiContext) => Promise<void> | void;

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export function setRateHeaders(res: Response, decision: RateDecision): void {
  for (const [name, value] of Object.entries(rateLimitHeaders(decision))) res.setHeader(name, value);
}

/** Answers an error, or gives up on the connection if a body was already under way. */
export function fail(res: Response, err: unknown, onInternalError?: (err: unknown) => void): void {
  if (!(err instanceof RcHttpError)) onInternalError?.(err);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendRcError(res, err instanceof RcHttpError ? err : rcErrors.internal());
}

function bearer(req: Request, allowQueryToken: boolean): string | undefined {
  const header = req.headers.authorization;
  if (header) {
    const match = /^bearer\s+(.+)$/i.exec(header.trim());
    return match?.[1];
  }
  // RingCentral accepts ?access_token= on the media host only.
  if (allowQueryToken && typeof req.query.access_token === 'string') return req.query.access_token;
  return undefined;
}

interface RouteOptions {
  group: RateGroup;
  /** App permission the route needs (x-app-permission), or null. */
  permission: string | null;
  /** Media routes also take the token from the query string. */
  media?: boolean;
}

/** The route's pattern, not the concrete path: requests counted by endpoint, whatever their ids. */
function endpointOf(req: Request): string {
  const pattern = (req.route as { path?: unknown } | undefined)?.path;
  return `${req.method} ${req.baseUrl}${typeof pattern === 'string' ? pattern : req.path}`;
}

export function apiRoute(state: SimState, opts: RouteOptions, handler: ApiHandler): RequestHandler {
  return async (req: Request, res: Response, _next: NextFunction): Promise<void> => {
    try {
      if (state.faults.latencyMs > 0) await sleep(state.faults.latencyMs);
      const now = state.now();
      const token = bearer(req, opts.media ?? false);
      const check = token ? state.tokens.checkAccess(token, now) : undefined;
      if (!check?.ok) {
        setRateHeaders(res, state.limiter.peek(opts.group));
        state.stats.request(UNATTRIBUTED, opts.group, false);
        if (!check)
          throw rcErrors.unauthorized('CMN-405', 'Login to extension required', 'AuthorizationRequired');
        if (check.reason === 'expired')
          throw rcErrors.unauthorized('OAU-128', 'Access token expired', 'TokenExpired');
        if (check.reason === 'corrupted') throw rcErrors.unauthorized('OAU-129', 'Access token corrupted');
        throw rcErrors.unauthorized('OAU-213', 'Token not found');
      }
      const session = check.token.session;
      const account = state.accounts.get(session.accountId);
      const user = account?.extById.get(session.extensionId);
      const client = state.clients.get(session.clientId);
      if (!account || !user || !client) throw rcErrors.unauthorized('OAU-213', 'Token not found');

      const key = `${account.id}:${user.id}:${client.clientId}`;
      // RingCentral's emergency limit per (account, app): a 429 without X-Rate-Limit-* headers.
      const accountLimit = state.faults.takeAccountLimit(account.id, now);
      if (accountLimit !== null) {
        state.stats.request(account.id, opts.group, true);
        state.stats.of(account.id).accountRateLimited++;
        state.requests.log(account.id, {
          at: now,
          extensionId: user.id,
          group: opts.group,
          endpoint: endpointOf(req),
          outcome: 'account-limited',
        });
        throw rcErrors.rateExceeded(accountLimit.retryAfterSeconds);
      }
      const storm = state.faults.takeStorm(opts.group);
      if (storm !== null) {
        setRateHeaders(res, { ...state.limiter.peek(opts.group), remaining: 0 });
        state.stats.request(account.id, opts.group, true);
        throw rcErrors.rateExceeded(storm);
      }
      const decision = state.limiter.hit(key, opts.group, now);
      setRateHeaders(res, decision);
      state.stats.request(account.id, opts.group, !decision.allowed);
      state.requests.log(account.id, {
        at: now,
        extensionId: user.id,
        group: opts.group,
        endpoint: endpointOf(req),
        outcome: decision.allowed ? 'counted' : 'rate-limited',
      });
      if (!decision.allowed) throw rcErrors.rateExceeded(decision.retryAfter ?? decision.windowSeconds);

      const injected = state.faults.injectError();
      if (injected !== null) {
        state.stats.of(account.id).injectedErrors++;
        throw injected === 503 ? rcErrors.unavailable() : rcErrors.internal();
      }
      if (opts.permission && !client.permissions.includes(opts.permission)) {
        throw rcErrors.appPermission(opts.permission);
      }
      await handler(req, res, { state, now, session, account, user, client, group: opts.group });
    } catch (err) {
      fail(res, err, state.options.onInternalError);
    }
  };
}
