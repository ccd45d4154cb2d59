/**
 * The two HTTP listeners: the platform (REST API, OAuth, `/__sim`) and the media host (recording,
 * attachment and export content), each on its own port like platform.ringcentral.com and
 * media.ringcentral.com.
 */
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { adminRoutes } from './admin.ts';
import { rcErrors, sendRcError } from './errors.ts';
import { authorizeRoutes } from './routes/authorize.ts';
import { callLogSyncRoutes } from './routes/call-log-sync.ts';
import { callLogRoutes } from './routes/call-log.ts';
import { exportContentRoutes, exportRoutes } from './routes/export.ts';
import { extensionRoutes } from './routes/extensions.ts';
import { attachmentContentRoutes, messageStoreRoutes } from './routes/message-store.ts';
import { messageSyncRoutes } from './routes/message-sync.ts';
import { recordingContentRoutes, recordingRoutes } from './routes/recordings.ts';
import { tokenRoutes } from './routes/token.ts';
import { subscriptionRoutes } from './subscriptions/routes.ts';
import type { SimState } from './state.ts';

/** Malformed bodies get a RingCentral-shaped 400 instead of Express's HTML page. */
const bodyErrors: ErrorRequestHandler = (err: unknown, _req, res, next) => {
  if (res.headersSent) {
    next(err);
    return;
  }
  const status = (err as { status?: number }).status;
  if (status === 400 || status === 413 || status === 415) {
    sendRcError(res, rcErrors.badRequest('CMN-101', 'Request body is invalid'));
    return;
  }
  sendRcError(res, rcErrors.internal());
};

function baseApp(): Express {
  const app = express();
  app.disable('x-powered-by');
  app.disable('etag');
  // Repeated keys become arrays (messageType=SMS&messageType=Fax), as RingCentral expects.
  app.set('query parser', 'simple');
  return app;
}

export function platformApp(state: SimState): Express {
  const app = baseApp();
  app.use('/restapi/oauth', express.urlencoded({ extended: false, limit: '64kb' }));
  app.use('/restapi/v1.0', express.json({ limit: '1mb' }));
  const router = express.Router();
  adminRoutes(router, state);
  authorizeRoutes(router, state);
  tokenRoutes(router, state);
  extensionRoutes(router, state);
  callLogRoutes(router, state);
  callLogSyncRoutes(router, state);
  recordingRoutes(router, state);
  messageStoreRoutes(router, state);
  messageSyncRoutes(router, state);
  exportRoutes(router, state);
  subscriptionRoutes(router, state);
  app.use(router);
  app.use((_req, res) => sendRcError(res, rcErrors.invalidUri()));
  app.use(bodyErrors);
  return app;
}

export function mediaApp(state: SimState): Express {
  const app = baseApp();
  const router = express.Router();
  recordingContentRoutes(router, state);
  attachmentContentRoutes(router, state);
  exportContentRoutes(router, state);
  app.use(router);
  app.use((_req, res) => sendRcError(res, rcErrors.invalidUri()));
  app.use(bodyErrors);
  return app;
}

export async function listen(app: Express, port: number, host: string): Promise<Server> {
  const server = createServer(app);
  server.listen(port, host);
  await once(server, 'listening');
  return server;
}

export function baseUrl(server: Server, host: string): string {
  const { port } = server.address() as AddressInfo;
  const shown = host.includes(':') ? `[${host}]` : host;
  return `http://${shown}:${port}`;
}

export async function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  await closed;
}
