import { setTimeout as sleep } from 'node:timers/promises';
import express, { type NextFunction, type Request, type Response } from 'express';
import { adminRouter } from './admin.ts';
import { handleApi } from './api.ts';
import { drainBody } from './bodies.ts';
import { errorPage } from './consent-page.ts';
import { json, serverError } from './errors.ts';
import { sendReply } from './http-io.ts';
import { newRequestId } from './ids.ts';
import { authorizeGet, authorizePost } from './oauth-authorize.ts';
import { readTokenParams, tokenRequest, tokenServerError } from './oauth-token.ts';
import { wrongHost } from './routes.ts';
import type { SimState } from './state.ts';
import { LINK_PATH, serveLink } from './temporary-links.ts';

/**
 * One Express app serves everything Dropbox spreads over several hosts (www for the consent page,
 * api for the token endpoint and RPC, content for uploads and downloads), routed by path. When the
 * caller names the original host in `x-sim-host` (simulatorFetch does), a route sent to the wrong
 * host is refused.
 */

const AUTHORIZE_HOSTS = ['www.dropbox.com', 'dropbox.com'];
const TOKEN_HOSTS = ['api.dropboxapi.com', 'api.dropbox.com'];

function hostGuard(allowed: string[]) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const host = wrongHost(req.headers['x-sim-host'], allowed);
    if (host)
      res
        .status(404)
        .type('text/html; charset=utf-8')
        .send(errorPage(`Not found on ${host}`));
    else next();
  };
}

async function token(sim: SimState, req: Request, res: Response): Promise<void> {
  if (sim.faults.latencyMs > 0) await sleep(sim.faults.latencyMs);
  const injected = sim.faults.takeError('oauth2/token');
  if (injected !== null) {
    await drainBody(req);
    sim.stats.call(null, 'oauth2/token', false);
    return sendReply(res, tokenServerError(injected));
  }
  const params = await readTokenParams(req);
  const { reply, accountId } =
    params instanceof URLSearchParams ? tokenRequest(sim, params) : { reply: params, accountId: null };
  sim.stats.call(accountId, 'oauth2/token', false);
  sim.stats.response(accountId, reply.status);
  await sendReply(res, reply);
}

export function createApp(sim: SimState): express.Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use((_req, res, next) => {
    res.setHeader('X-Dropbox-Request-Id', newRequestId());
    next();
  });
  // Dropbox still serves its OAuth endpoints under the API v1 paths too, and common clients (rclone)
  // use those by default: the same handlers answer both.
  const AUTHORIZE_PATHS = ['/oauth2/authorize', '/1/oauth2/authorize'];
  const TOKEN_PATHS = ['/oauth2/token', '/1/oauth2/token'];
  app.get(AUTHORIZE_PATHS, hostGuard(AUTHORIZE_HOSTS), (req, res) => authorizeGet(sim, req, res));
  app.post(
    AUTHORIZE_PATHS,
    hostGuard(AUTHORIZE_HOSTS),
    express.urlencoded({ extended: false, limit: '64kb' }),
    (req, res) => authorizePost(sim, req, res),
  );
  app.post(TOKEN_PATHS, hostGuard(TOKEN_HOSTS), (req, res) => token(sim, req, res));
  app.use('/__sim', adminRouter(sim));
  // The host of temporary links (uc….dl.dropboxusercontent.com): no token, the link is the key.
  app.get(LINK_PATH, (req, res) => sendReply(res, serveLink(sim, req)));
  app.all('/2/{*route}', (req, res) => handleApi(sim, req, res, req.path.slice('/2/'.length)));
  app.use((req, res) => {
    void sendReply(res, json({ error: `no such simulator route: ${req.method} ${req.path}` }, 404));
  });
  app.use((error: unknown, _req: Request, res: Response, _next: NextFunction) => {
    sim.recordInternalError(error);
    void sendReply(res, serverError(500));
  });
  return app;
}
