import { Router } from 'express';
import { UserInputError } from '../../lib/errors.ts';
import { requireUser } from '../middleware/require-user.ts';
import { accessPurpose } from '../view-models/item.ts';
import { browsePath, browseView, FILES_PER_PAGE } from '../view-models/browse.ts';
import { sendPage } from '../views.ts';
import { handOut, type ItemDeps } from './items.ts';

/**
 * GET /archive/browse?path=: the archive one folder at a time; GET /archive/file: one of its files
 * through a short-lived link (audited like every other access).
 */
export function browseRoutes(deps: ItemDeps): Router {
  const router = Router();
  const { store, views } = deps;

  router.get('/archive/browse', requireUser, async (req, res, next) => {
    const tenantId = req.session.user!.tenantId;
    const path = browsePath(req.query.path);
    const after =
      typeof req.query.after === 'string' && req.query.after.length < 2000 ? req.query.after : null;
    const [folder, folders, files] = await Promise.all([
      store.getFolder(tenantId, path),
      store.listFolders(tenantId, path),
      store.listFolderFiles(tenantId, path, { limit: FILES_PER_PAGE, after }),
    ]);
    if (path && !folder) return next(); // 404: no such folder in this company's archive
    sendPage(res, views, 'browse', browseView({ path, folder, folders, files }));
  });

  // The flat tree this page replaces: old bookmarks land on the root.
  router.get('/archive/tree', requireUser, (_req, res) => res.redirect(301, '/archive/browse'));

  router.get('/archive/file', requireUser, async (req, res) => {
    const q = req.query as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v.length <= 200 ? v : null);
    const [kind, sourceId, attachmentId] = [text(q.kind), text(q.sourceId), text(q.attachmentId ?? '')];
    if (!kind || !sourceId || attachmentId === null) throw new UserInputError('Which file?');
    // Within the signed-in company only: another company's key is simply not found.
    const [file] = await store.getLedgerEntries(req.session.user!.tenantId, [
      { kind, sourceId, attachmentId },
    ]);
    if (!file) throw new UserInputError('That file is not in the archive.', 404);
    await handOut(deps, req, res, file, { purpose: accessPurpose(q.as) ?? 'view', item: null });
  });

  return router;
}
