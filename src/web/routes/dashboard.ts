import { companyDestination } from '../../connections/company-destination.ts';
import { Router } from 'express';
import type { Scheduler } from '../../jobs/scheduler.ts';
import type { Store } from '../../store/types.ts';
import type { TenantDeps } from '../../tenants/install.ts';
import { uninstallTenant } from '../../tenants/uninstall.ts';
import { requireFields } from '../middleware/form.ts';
import { requireUser } from '../middleware/require-user.ts';
import { sendPage, type Views } from '../views.ts';
import { buildDashboard } from '../view-models/dashboard.ts';
import { buildCharts } from '../view-models/charts.ts';
import { takeFlash } from '../flash.ts';

/**
 * The signed-in admin's pages. Every query is scoped by the tenant in the session; ids in URLs
 * are looked up within that tenant only, so another tenant's id simply does not exist here.
 */
interface DashboardDeps extends TenantDeps {
  store: Store;
  scheduler: Scheduler;
  views: Views;
  now: () => number;
}

export function dashboardRoutes(deps: DashboardDeps): Router {
  const router = Router();
  const { store, views } = deps;
  // Every route here shows or changes a company's data: each carries the sign-in guard itself.

  router.get('/dashboard', requireUser, async (req, res) => {
    const model = await buildDashboard(deps, req.session.user!.tenantId);
    if (!model) return res.redirect(303, '/');
    const charts = await buildCharts(store, model.tenant.id, deps.now());
    sendPage(res, views, 'dashboard', { ...model, charts, flash: takeFlash(req) });
  });

  router.get('/dashboard/status.json', requireUser, async (req, res) => {
    const tenantId = req.session.user!.tenantId;
    const [schedule, runs] = await Promise.all([
      deps.scheduler.status(tenantId),
      store.listRuns(tenantId, { limit: 1 }),
    ]);
    const run = runs.items[0];
    res.json({
      running: schedule?.running ?? false,
      lastRun: run
        ? { id: run.id, status: run.status, startedAt: run.startedAt, finishedAt: run.finishedAt }
        : null,
    });
  });

  router.post('/dashboard/run-now', requireUser, async (req, res) => {
    const tenant = await store.getTenant(req.session.user!.tenantId);
    if (tenant?.status !== 'active') {
      req.session.flash = {
        kind: 'warn',
        message: tenant?.statusReason ?? 'Backups are not active for this company.',
      };
    } else {
      await deps.scheduler.runNow(tenant.id);
      await store.appendAudit(tenant.id, { actor: actorOf(req), action: 'run.requested', details: {} });
      req.session.flash = { kind: 'ok', message: 'Backup started. This page shows its progress.' };
    }
    res.redirect(303, '/dashboard');
  });

  router.get('/runs', requireUser, async (req, res) => {
    const tenantId = req.session.user!.tenantId;
    const before = typeof req.query.before === 'string' ? req.query.before : null;
    const page = await store.listRuns(tenantId, { limit: 25, before });
    sendPage(res, views, 'runs', { runs: page.items, next: page.next });
  });

  router.get('/runs/:id', requireUser, async (req, res, next) => {
    const id = req.params.id;
    const run = await store.getRun(req.session.user!.tenantId, typeof id === 'string' ? id : '');
    if (!run) return next(); // 404 page
    sendPage(res, views, 'run', { run });
  });

  router.get('/uninstall', requireUser, async (req, res) => {
    const destination = await companyDestination(store, req.session.user!.tenantId);
    sendPage(res, views, 'uninstall', { destination: destination?.displayName ?? null });
  });

  router.post('/uninstall', requireUser, requireFields('confirm'), async (req, res, next) => {
    const body = req.body as Record<string, unknown>;
    if (body.confirm !== 'uninstall') {
      return sendPage(res, views, 'uninstall', { error: 'Type "uninstall" to confirm.' }, 400);
    }
    await uninstallTenant(deps, req.session.user!.tenantId, actorOf(req), {
      keepIndex: body.keepIndex === 'on',
    });
    req.session.destroy((error) => {
      if (error) return next(error);
      res.redirect(303, '/?uninstalled=1');
    });
  });

  return router;
}

function actorOf(req: { session: { user?: { extensionId: string } } }): string {
  return `ringcentral:${req.session.user?.extensionId ?? 'unknown'}`;
}
