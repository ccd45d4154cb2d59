import { Router } from 'express';
import { sendPage, type Views } from '../views.ts';

/** Why a visitor was sent to the start page; the address names a reason, never the text shown. */
const NOTICES: Record<string, { kind: 'ok' | 'warn'; message: string }> = {
  required: { kind: 'warn', message: 'Sign in with RingCentral to continue.' },
  ended: { kind: 'warn', message: 'Your session ended. Sign in again to continue.' },
  uninstalled: {
    kind: 'ok',
    message: 'Call Archive is uninstalled. Files already archived stay where they were archived.',
  },
};

export function pageRoutes(views: Views): Router {
  const router = Router();
  router.get('/', (req, res) => {
    if (req.session?.user) return res.redirect(303, '/dashboard');
    const reason = req.query.uninstalled === '1' ? 'uninstalled' : req.query.signin;
    sendPage(res, views, 'landing', {
      flash: typeof reason === 'string' ? (NOTICES[reason] ?? null) : null,
    });
  });
  return router;
}
