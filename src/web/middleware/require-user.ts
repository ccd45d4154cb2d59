import type { RequestHandler } from 'express';

/**
 * Pages behind sign-in: anonymous visitors go to the start page, which says why (GET, HEAD), or
 * get 401 (anything else). Nothing is stored for them: the reason travels in the address, not in a
 * session, so anonymous requests cannot fill the session store.
 */
export const requireUser: RequestHandler = (req, res, next) => {
  if (req.session?.user) return next();
  if (req.method === 'GET' || req.method === 'HEAD') {
    res.redirect(303, `/?signin=${res.locals.sessionEnded === true ? 'ended' : 'required'}`);
    return;
  }
  res.status(401).type('text').send('Sign in first.');
};
