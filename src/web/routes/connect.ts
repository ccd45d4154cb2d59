import { Router, type NextFunction, type Request, type Response } from 'express';
import {
  ConnectionRefused,
  passingFailure,
  type Authorization,
  type ConnectionProvider,
  type Connections,
  type FormFlow,
} from '../../connections/index.ts';
import type { Clock } from '../../lib/clock.ts';
import { errorMessage } from '../../lib/errors.ts';
import type { Logger } from '../../lib/logger.ts';
import { disconnectDestination, type TenantDeps } from '../../tenants/install.ts';
import {
  actorOf,
  ConnectProblem,
  findPurpose,
  type ConnectPurpose,
  type SessionUser,
} from '../connect-purposes.ts';
import { rememberState, takeState } from '../oauth-state.ts';
import { requireUser } from '../middleware/require-user.ts';
import { sendPage, type Views } from '../views.ts';

/**
 * One set of routes for every provider in the registry. An OAuth provider: GET /connect/:provider
 * starts an authorization-code flow with PKCE, /connect/:provider/callback finishes it, validating
 * `state` first and storing nothing when anything is wrong, then redirects to a clean URL so the
 * code never lingers. A form provider: GET shows its form, POST checks the answers by connecting.
 * What the result is for (sign-in, the destination, ...) is the purpose's (connect-purposes.ts).
 */
interface ConnectDeps extends TenantDeps {
  connections: Connections;
  views: Views;
  clock: Clock;
  logger: Logger;
  cookieName: string;
}

export function connectRoutes(deps: ConnectDeps): Router {
  const router = Router();
  const { views, clock } = deps;
  const refuse = (res: Response, status: number, heading: string, message: string, extra: object = {}) =>
    sendPage(res, views, 'connect-problem', { status, heading, message, ...extra }, status);
  /**
   * The provider failed the authorization's last steps: a passing failure (busy, down, the
   * network) is a 503 that says to try again; anything else is a refused authorization.
   */
  const providerFailed = (
    res: Response,
    provider: ConnectionProvider,
    purpose: ConnectPurpose,
    error: unknown,
  ) => {
    const passing = passingFailure(error);
    if (passing) {
      res.set('Retry-After', String(Math.max(1, Math.ceil(passing.retryAfterSeconds ?? 60))));
      return refuse(
        res,
        503,
        purpose.failed,
        `${provider.displayName} is busy or not answering right now. Nothing was changed; try again in a minute ${purpose.startAgain}.`,
      );
    }
    return refuse(
      res,
      400,
      purpose.failed,
      `${provider.displayName} did not accept the authorization. It may have expired; start again ${purpose.startAgain}.`,
    );
  };

  const findProvider = (req: Request) =>
    typeof req.params.provider === 'string' ? deps.connections.find(req.params.provider) : null;
  /** The provider and purpose a request names; null (a 404) when either is unknown. */
  const resolve = (req: Request, purposeName: unknown) => {
    const provider = findProvider(req);
    const name = typeof purposeName === 'string' ? purposeName : '';
    const purpose = provider && findPurpose(deps, provider, name);
    return provider && purpose ? { provider, purpose, name } : null;
  };
  const signedIn = (purpose: ConnectPurpose, req: Request, res: Response, next: NextFunction) => {
    if (!purpose.needsUser || req.session.user) return true;
    requireUser(req, res, next);
    return false;
  };

  /** Keeps the result as the purpose says, then signs in (a new session) or just goes on. */
  async function finish(
    req: Request,
    res: Response,
    provider: ConnectionProvider,
    purpose: ConnectPurpose,
    auth: Authorization,
  ) {
    let outcome;
    try {
      outcome = await purpose.complete(auth, req.session.user ?? null);
    } catch (error) {
      if (error instanceof ConnectProblem)
        return refuse(res, error.status, error.heading, error.message, error.extra);
      deps.logger.warn(
        { provider: provider.id, err: { name: (error as Error).name, message: errorMessage(error) } },
        'connection could not be completed',
      );
      return providerFailed(res, provider, purpose, error);
    }
    const redirect = outcome.redirect ?? '/dashboard';
    if (!outcome.signIn) {
      req.session.flash = { kind: 'ok', message: outcome.flash };
      return req.session.save(() => res.redirect(303, redirect));
    }
    signIn(req, res, outcome.signIn, outcome.flash, redirect);
  }

  /** A new session id at sign-in: a session fixed before sign-in cannot be used after it. */
  const signIn = (req: Request, res: Response, user: SessionUser, flash: string, redirect: string) =>
    req.session.regenerate((error) => {
      if (error) return res.status(500).end();
      const now = clock.now();
      req.session.user = user;
      req.session.signedInAt = now;
      req.session.lastSeenAt = now;
      req.session.flash = { kind: 'ok', message: flash };
      req.session.save(() => res.redirect(303, redirect));
    });

  router.get('/connect/:provider', async (req, res, next) => {
    const found = resolve(req, req.query.purpose);
    if (!found) return next();
    const { provider, purpose, name } = found;
    if (!signedIn(purpose, req, res, next)) return;
    if (provider.flow.kind === 'form')
      return sendPage(res, views, 'connect-form', formPage(provider, provider.flow, name, {}, null));
    try {
      const start = await provider.flow.start();
      rememberState(
        req,
        { provider: provider.id, purpose: name, state: start.state, verifier: start.verifier },
        clock.now(),
      );
      req.session.save((error) => (error ? next(error) : res.redirect(302, start.url)));
    } catch (error) {
      next(error);
    }
  });

  router.get('/connect/:provider/callback', async (req, res, next) => {
    const provider = findProvider(req);
    if (provider?.flow.kind !== 'oauth') return next();
    const check = takeState(req, provider.id, req.query.state, clock.now());
    // Without a valid state the purpose is unknown: the provider's usual one words the refusal.
    const purpose = findPurpose(deps, provider, check.ok ? check.purpose : '');
    if (!purpose) return next();
    if (!signedIn(purpose, req, res, next)) return;
    if (!check.ok)
      return refuse(res, 400, purpose.failed, `${check.reason} Start again ${purpose.startAgain}.`);
    if (typeof req.query.error === 'string' && !req.query.code)
      return refuse(
        res,
        400,
        purpose.failed,
        `${provider.displayName} did not grant access. Nothing was changed.`,
      );
    if (typeof req.query.code !== 'string' || !req.query.code)
      return refuse(
        res,
        400,
        purpose.failed,
        `The response from ${provider.displayName} had no authorization code.`,
      );
    let auth: Authorization;
    try {
      auth = await provider.flow.finish(req.query.code, check.verifier);
    } catch (error) {
      deps.logger.warn(
        { provider: provider.id, err: { name: (error as Error).name, message: errorMessage(error) } },
        'authorization not accepted',
      );
      return providerFailed(res, provider, purpose, error);
    }
    await finish(req, res, provider, purpose, auth);
  });

  router.post('/connect/:provider', async (req, res, next) => {
    const body = req.body as Record<string, unknown>;
    const found = resolve(req, body.purpose);
    const flow = found?.provider.flow;
    if (!found || flow?.kind !== 'form') return next();
    const { provider, purpose, name } = found;
    if (!signedIn(purpose, req, res, next)) return;
    const answers = Object.fromEntries(
      flow.fields.map((f) => [f.name, typeof body[f.name] === 'string' ? (body[f.name] as string) : '']),
    );
    const missing = flow.fields.filter((f) => f.required && !answers[f.name]?.trim());
    let auth: Authorization;
    try {
      if (missing.length) throw new ConnectionRefused(`Fill in ${missing.map((f) => f.label).join(', ')}.`);
      auth = await flow.check(answers);
    } catch (error) {
      if (!(error instanceof ConnectionRefused)) {
        deps.logger.warn(
          { provider: provider.id, err: { name: (error as Error).name, message: errorMessage(error) } },
          'connection check failed',
        );
      }
      const message =
        error instanceof ConnectionRefused
          ? error.message
          : `${provider.displayName} could not be reached with these details. Check them and try again.`;
      return sendPage(res, views, 'connect-form', formPage(provider, flow, name, answers, message), 400);
    }
    await finish(req, res, provider, purpose, auth);
  });

  router.post('/connect/:provider/disconnect', requireUser, async (req, res, next) => {
    const provider = findProvider(req);
    if (provider?.role !== 'destination') return next();
    await disconnectDestination(deps, req.session.user!.tenantId, provider.id, actorOf(req.session.user));
    req.session.flash = {
      kind: 'warn',
      message: `${provider.displayName} disconnected. Backups are paused until you connect where the archive goes.`,
    };
    res.redirect(303, '/dashboard');
  });

  router.post('/signout', (req, res, next) => {
    req.session.destroy((error) => {
      if (error) return next(error);
      res.clearCookie(deps.cookieName, { path: '/' });
      res.redirect(303, '/');
    });
  });

  return router;
}

/** The form page's model: answers come back filled in, except secrets (a password, a key). */
function formPage(
  provider: ConnectionProvider,
  flow: FormFlow,
  purpose: string,
  answers: Record<string, string>,
  error: string | null,
) {
  return {
    title: `Connect ${provider.displayName}`,
    provider: { id: provider.id, displayName: provider.displayName },
    purpose,
    fields: flow.fields.map((f) => ({ ...f, value: f.secret ? '' : (answers[f.name] ?? '') })),
    error,
  };
}
