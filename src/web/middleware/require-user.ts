import type { RequestHandler } from 'express';

/** Pages behind sign-in: anonymous visitors go to the start page (GET) or get 401 (anything else). */
export const requireUser: RequestHandler = (req, res, next) => {
  if (req.session?.user) return next();
  if (req.method === 'GET') {
    req.session.flash = { kind: 'warn', message: 'Sign in with RingCentral to continue.' };
    res.redirect(303, '/');
    return;
  }
  res.status(401).type('text').send('Sign in first.');
};
