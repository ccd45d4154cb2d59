import { csrfSync } from 'csrf-sync';
import type { RequestHandler } from 'express';

/**
 * CSRF protection for every state-changing request: a synchronizer token kept in the session and
 * sent back in each form (`_csrf`), plus a same-origin check on the browser's own headers, so a
 * forged cross-site POST fails twice over. GET, HEAD and OPTIONS never change state here.
 */
const { csrfSynchronisedProtection, generateToken } = csrfSync({
  getTokenFromRequest: (req) => {
    const body = req.body as Record<string, unknown> | undefined;
    const fromBody = typeof body?._csrf === 'string' ? body._csrf : undefined;
    const header = req.headers['x-csrf-token'];
    return fromBody ?? (typeof header === 'string' ? header : undefined);
  },
  errorConfig: {
    statusCode: 403,
    message: 'This form has expired or did not come from this site. Go back, reload the page and try again.',
  },
});

const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameOrigin(baseUrl: string): RequestHandler {
  const expected = new URL(baseUrl).origin;
  return (req, res, next) => {
    if (SAFE.has(req.method)) return next();
    const site = req.headers['sec-fetch-site'];
    const origin = req.headers.origin;
    if (site === 'cross-site' || (typeof origin === 'string' && origin !== 'null' && origin !== expected)) {
      res.status(403).type('text').send('Cross-site requests are not allowed.');
      return;
    }
    next();
  };
}

export function csrfProtection(baseUrl: string): RequestHandler[] {
  return [sameOrigin(baseUrl), csrfSynchronisedProtection];
}

/** Puts a token in res.locals for signed-in pages (their forms need it; anonymous pages have none). */
export const exposeCsrfToken: RequestHandler = (req, res, next) => {
  if (req.session?.user) res.locals.csrfToken = generateToken(req);
  next();
};
