import { Router } from 'express';
import type { Store } from '../../store/types.ts';
import { requireUser } from '../middleware/require-user.ts';
import { parseSearch, searchView } from '../view-models/search.ts';
import { sendPage, type Views } from '../views.ts';

/**
 * GET /search: the company's calls and messages by number, extension or name, date, kind,
 * direction and recording, newest first, with counts per kind. Only the signed-in company's items
 * exist here: every query is scoped by the tenant in the session.
 */
export function searchRoutes(deps: { store: Store; views: Views }): Router {
  const router = Router();
  router.get('/search', requireUser, async (req, res) => {
    const tenantId = req.session.user!.tenantId;
    const { filters, store: query } = parseSearch(req.query);
    const results = await deps.store.searchItems(tenantId, query);
    sendPage(res, deps.views, 'search', searchView(filters, results));
  });
  return router;
}
