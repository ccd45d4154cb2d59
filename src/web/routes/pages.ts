import { Router } from 'express';
import { sendPage, type Views } from '../views.ts';

export function pageRoutes(views: Views): Router {
  const router = Router();
  router.get('/', (req, res) => {
    if (req.session?.user) return res.redirect(303, '/dashboard');
    sendPage(res, views, 'landing');
  });
  return router;
}
