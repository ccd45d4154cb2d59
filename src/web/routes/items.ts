import { Router, type Request, type Response } from 'express';
import type { Destination } from '../../destinations/types.ts';
import { UserInputError } from '../../lib/errors.ts';
import type { LedgerEntry, SearchEntry, Store } from '../../store/types.ts';
import { requireUser } from '../middleware/require-user.ts';
import { ACCESS_ACTIONS, accessPurpose, itemView, type AccessPurpose } from '../view-models/item.ts';
import { itemId, parseItemId } from '../view-models/search.ts';
import { sendPage, type Views } from '../views.ts';

/**
 * One archived item (GET /items/:id), its files' bytes (GET /items/:id/content: a 302 to a
 * short-lived link the destination hands out on each click; the bytes never pass through this
 * server and the link is neither stored nor logged: request logs carry no response headers), and
 * who opened what (GET /access-log). Every content request is written to the audit log first.
 */
export interface ItemDeps {
  store: Store;
  views: Views;
  destinations: (tenantId: string) => Promise<Destination>;
  /** Where a browser finds a link's address (the Dropbox simulator serves Dropbox's hosts itself). */
  linkAddress: (url: string) => string;
  appFolder: string | undefined;
}

const ACCESS_LOG_PAGE = 100;

async function findItem(store: Store, req: Request): Promise<SearchEntry | null> {
  const key = parseItemId(req.params.id);
  if (!key) return null;
  // Looked up within the signed-in company only: another company's id simply does not exist here.
  const [entry] = await store.getSearchEntries(req.session.user!.tenantId, [key]);
  return entry ?? null;
}

/**
 * Answers with a 302 to a short-lived link to the file, asked of the destination now, after
 * writing who asked for what to the audit log. The link goes to the browser and nowhere else.
 */
export async function handOut(
  deps: Pick<ItemDeps, 'store' | 'destinations' | 'linkAddress'>,
  req: Request,
  res: Response,
  file: LedgerEntry,
  access: { purpose: AccessPurpose; item: string | null },
): Promise<void> {
  const tenantId = req.session.user!.tenantId;
  const destination = await deps.destinations(tenantId);
  try {
    if (!destination.temporaryLink)
      throw new UserInputError(`${destination.displayName} cannot play or show files in the browser.`, 404);
    // Written before the link is handed out: nothing is seen without its line in the log.
    await deps.store.appendAudit(tenantId, {
      actor: `ringcentral:${req.session.user!.extensionId}`,
      action: ACCESS_ACTIONS[access.purpose],
      details: { item: access.item, by: req.session.user!.name, file: file.path },
    });
    const link = await destination.temporaryLink(file.path);
    res.setHeader('Cache-Control', 'no-store');
    res.redirect(302, deps.linkAddress(link.url));
  } finally {
    await destination.close();
  }
}

export function itemRoutes(deps: ItemDeps): Router {
  const router = Router();
  const { store, views } = deps;

  router.get('/items/:id', requireUser, async (req, res, next) => {
    const entry = await findItem(store, req);
    if (!entry) return next(); // 404 page
    const tenantId = req.session.user!.tenantId;
    const [ledger, dropbox] = await Promise.all([
      store.getLedgerEntries(tenantId, entry.files),
      store.getConnection(tenantId, 'dropbox'),
    ]);
    sendPage(
      res,
      views,
      'item',
      itemView(entry, ledger, { dropbox: dropbox !== null, appFolder: deps.appFolder }),
    );
  });

  router.get('/items/:id/content', requireUser, async (req, res, next) => {
    const entry = await findItem(store, req);
    if (!entry) return next();
    const purpose = accessPurpose(req.query.as) ?? 'view';
    const index =
      typeof req.query.file === 'string' && /^\d{1,3}$/.test(req.query.file) ? Number(req.query.file) : 0;
    const key = entry.files[index];
    const tenantId = req.session.user!.tenantId;
    const [file] = key ? await store.getLedgerEntries(tenantId, [key]) : [];
    if (!file) throw new UserInputError('That file is not in the archive.', 404);
    await handOut(deps, req, res, file, { purpose, item: itemId(entry) });
  });

  router.get('/access-log', requireUser, async (req, res) => {
    const tenantId = req.session.user!.tenantId;
    const before =
      typeof req.query.before === 'string' && /^\d{1,15}$/.test(req.query.before)
        ? Number(req.query.before)
        : undefined;
    const entries = await store.listAudit(tenantId, {
      newestFirst: true,
      beforeSeq: before,
      actions: Object.values(ACCESS_ACTIONS),
      limit: ACCESS_LOG_PAGE,
    });
    const last = entries[entries.length - 1];
    sendPage(res, views, 'access-log', {
      entries,
      next: entries.length === ACCESS_LOG_PAGE && last ? `/access-log?before=${last.seq}` : null,
    });
  });

  return router;
}
