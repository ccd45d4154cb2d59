import { Router, type Request, type Response } from 'express';
import type { Connections } from '../../connections/index.ts';
import type { Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import {
  connectDropbox,
  MissingPermissionsError,
  NotAdminError,
  signInWithRingCentral,
  type TenantDeps,
} from '../../tenants/install.ts';
import { rememberState, takeState } from '../oauth-state.ts';
import { requireUser } from '../middleware/require-user.ts';
import { sendPage, type Views } from '../views.ts';

/**
 * Sign-in and connections: RingCentral (which also signs the admin in) and Dropbox, each an
 * authorization-code flow with PKCE. Callbacks validate `state` first and store nothing when
 * anything is wrong; on success they redirect to a clean URL so the code never lingers.
 */
export interface ConnectDeps extends TenantDeps {
  connections: Connections;
  views: Views;
  clock: Clock;
  logger: Logger;
  cookieName: string;
}

const SIGNED_IN: Record<string, string> = {
  installed: 'RingCentral is connected. Now connect the Dropbox account the archive should go to.',
  reinstalled: 'Welcome back. RingCentral is connected again; connect Dropbox to resume backups.',
  reconnected: 'RingCentral is reconnected.',
  'signed-in': 'Signed in.',
};

export function connectRoutes(deps: ConnectDeps): Router {
  const router = Router();
  const { views, clock } = deps;
  const refuse = (res: Response, status: number, heading: string, message: string, extra: object = {}) =>
    sendPage(res, views, 'connect-problem', { status, heading, message, ...extra }, status);
  const providerDenied = (req: Request) => typeof req.query.error === 'string' && !req.query.code;

  router.get('/connect/ringcentral', (req, res, next) => {
    const start = deps.connections.startRingCentral();
    rememberState(req, 'ringcentral', start.state, start.verifier, clock.now());
    req.session.save((error) => (error ? next(error) : res.redirect(302, start.url)));
  });

  router.get('/connect/ringcentral/callback', async (req, res) => {
    const check = takeState(req, 'ringcentral', req.query.state, clock.now());
    if (!check.ok)
      return refuse(
        res,
        400,
        'That sign-in could not be completed',
        `${check.reason} Start again from the home page.`,
      );
    if (providerDenied(req))
      return refuse(
        res,
        400,
        'Sign-in cancelled',
        'RingCentral did not grant access. Nothing was connected.',
      );
    if (typeof req.query.code !== 'string' || !req.query.code)
      return refuse(
        res,
        400,
        'That sign-in could not be completed',
        'The response from RingCentral had no authorization code.',
      );

    let result;
    try {
      const auth = await deps.connections.finishRingCentral(req.query.code, check.verifier);
      result = await signInWithRingCentral(deps, auth);
    } catch (error) {
      if (error instanceof NotAdminError)
        return refuse(
          res,
          403,
          'An administrator is needed',
          'Archiving reads the whole company’s call log, recordings and messages, which RingCentral only allows an administrator to do.',
          {
            adminHelp: true,
          },
        );
      if (error instanceof MissingPermissionsError)
        return refuse(
          res,
          403,
          'The RingCentral app is missing permissions',
          'RingCentral did not grant the app every permission archiving needs.',
          {
            missing: error.missing,
          },
        );
      deps.logger.warn(
        { err: { name: (error as Error).name, message: (error as Error).message } },
        'RingCentral sign-in failed',
      );
      return refuse(
        res,
        400,
        'That sign-in could not be completed',
        'RingCentral did not accept the sign-in. It may have expired; start again.',
      );
    }

    const { tenant, outcome } = result;
    const user = {
      tenantId: tenant.id,
      extensionId: tenant.installedBy.extensionId,
      name: tenant.installedBy.name,
    };
    // A new session id at sign-in: a session fixed before sign-in cannot be used after it.
    req.session.regenerate((error) => {
      if (error) return res.status(500).end();
      const now = clock.now();
      req.session.user = user;
      req.session.signedInAt = now;
      req.session.lastSeenAt = now;
      req.session.flash = { kind: 'ok', message: SIGNED_IN[outcome] ?? 'Signed in.' };
      req.session.save(() => res.redirect(303, '/dashboard'));
    });
  });

  router.get('/connect/dropbox', requireUser, async (req, res, next) => {
    try {
      const start = await deps.connections.startDropbox();
      rememberState(req, 'dropbox', start.state, start.verifier, clock.now());
      req.session.save((error) => (error ? next(error) : res.redirect(302, start.url)));
    } catch (error) {
      next(error);
    }
  });

  router.get('/connect/dropbox/callback', requireUser, async (req, res) => {
    const check = takeState(req, 'dropbox', req.query.state, clock.now());
    if (!check.ok)
      return refuse(
        res,
        400,
        'Dropbox could not be connected',
        `${check.reason} Try again from the dashboard.`,
      );
    if (providerDenied(req))
      return refuse(res, 400, 'Dropbox not connected', 'Dropbox did not grant access. Nothing was changed.');
    if (typeof req.query.code !== 'string' || !req.query.code)
      return refuse(
        res,
        400,
        'Dropbox could not be connected',
        'The response from Dropbox had no authorization code.',
      );
    const user = req.session.user!;
    try {
      const auth = await deps.connections.finishDropbox(req.query.code, check.verifier);
      await connectDropbox(deps, user.tenantId, auth, `ringcentral:${user.extensionId}`);
      req.session.flash = {
        kind: 'ok',
        message: `Dropbox connected (${auth.email}). The first backup starts now.`,
      };
      req.session.save(() => res.redirect(303, '/dashboard'));
    } catch (error) {
      deps.logger.warn(
        { err: { name: (error as Error).name, message: (error as Error).message } },
        'Dropbox connection failed',
      );
      refuse(
        res,
        400,
        'Dropbox could not be connected',
        'Dropbox did not accept the authorization. It may have expired; try again.',
      );
    }
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
