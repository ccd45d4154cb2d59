import { Router, type Request } from 'express';
import { DATA_KINDS } from '../../archive/kinds/registry.ts';
import { csvRecords } from '../../archive/report-csv.ts';
import type { Scheduler } from '../../jobs/scheduler.ts';
import type { Clock } from '../../lib/clock.ts';
import { UserInputError } from '../../lib/errors.ts';
import type { LedgerEntry, OutstandingItem, Store } from '../../store/types.ts';
import { requireUser } from '../middleware/require-user.ts';
import { sendPage, type Views } from '../views.ts';

/**
 * The archive log: every item as Archived, Waiting to retry, Failed (with the reason and a Retry
 * button) or Skipped, filtered by status and kind, and downloadable as CSV.
 */
interface ArchiveLogDeps {
  store: Store;
  scheduler: Scheduler;
  views: Views;
  clock: Clock;
}

const STATUSES = ['archived', 'pending', 'failed', 'skipped'] as const;
type LogStatus = (typeof STATUSES)[number];
const KINDS = DATA_KINDS.map((k) => k.id);

interface LogRow {
  status: LogStatus;
  kind: string;
  sourceId: string;
  attachmentId: string;
  path: string;
  size: number | null;
  when: Date | null;
  reason: string | null;
  attempts: number | null;
}

function filters(req: Request): { status: LogStatus; kind: string | undefined; after: string | null } {
  const q = req.query as Record<string, unknown>;
  const status = STATUSES.find((s) => s === q.status) ?? 'archived';
  const kind = KINDS.find((k) => k === q.kind);
  if (q.kind !== undefined && q.kind !== '' && !kind) throw new UserInputError('Unknown kind filter.');
  return { status, kind, after: typeof q.after === 'string' && q.after.length < 500 ? q.after : null };
}

const fromLedger = (e: LedgerEntry): LogRow => ({
  status: 'archived',
  kind: e.kind,
  sourceId: e.sourceId,
  attachmentId: e.attachmentId,
  path: e.path,
  size: e.size,
  when: e.archivedAt,
  reason: null,
  attempts: null,
});

const fromOutstanding = (o: OutstandingItem): LogRow => ({
  status: o.status,
  kind: o.kind,
  sourceId: o.sourceId,
  attachmentId: o.attachmentId,
  path: typeof o.descriptor.path === 'string' ? o.descriptor.path : '',
  size: null,
  when: o.status === 'pending' ? o.nextAttemptAt : o.updatedAt,
  reason: o.lastError,
  attempts: o.attempts,
});

async function page(store: Store, tenantId: string, f: ReturnType<typeof filters>, limit: number) {
  if (f.status === 'archived') {
    const p = await store.listLedger(tenantId, { kind: f.kind, limit, after: f.after });
    return { rows: p.items.map(fromLedger), next: p.next };
  }
  const p = await store.listOutstanding(tenantId, {
    status: f.status,
    kind: f.kind,
    limit,
    after: f.after,
  });
  return { rows: p.items.map(fromOutstanding), next: p.next };
}

export function archiveLogRoutes(deps: ArchiveLogDeps): Router {
  const router = Router();
  const { store, views } = deps;

  router.get('/archive-log', requireUser, async (req, res) => {
    const tenantId = req.session.user!.tenantId;
    const f = filters(req);
    const { rows, next } = await page(store, tenantId, f, 100);
    const counts = await store.countOutstanding(tenantId);
    const flash = req.session.flash ?? null;
    delete req.session.flash;
    sendPage(res, views, 'archive-log', {
      rows,
      next,
      filters: f,
      counts,
      statuses: STATUSES,
      kinds: KINDS,
      flash,
    });
  });

  router.get('/archive-log.csv', requireUser, async (req, res) => {
    const tenantId = req.session.user!.tenantId;
    const f = filters(req);
    res.type('text/csv').attachment(`archive-log-${f.status}.csv`);
    // The daily files' writer and rule: reasons and paths carry text from outside (caller names,
    // RingCentral's messages), so a cell that a spreadsheet would run as a formula is defused.
    res.write(
      csvRecords([
        ['status', 'kind', 'source_id', 'attachment_id', 'path', 'size', 'time', 'attempts', 'reason'],
      ]),
    );
    let after: string | null = null;
    do {
      const { rows, next } = await page(store, tenantId, { ...f, after }, 1000);
      res.write(
        csvRecords(
          rows.map((r) => [
            r.status,
            r.kind,
            r.sourceId,
            r.attachmentId,
            r.path,
            r.size ?? '',
            r.when?.toISOString() ?? '',
            r.attempts ?? '',
            r.reason ?? '',
          ]),
          { bom: false },
        ),
      );
      after = next;
    } while (after);
    res.end();
  });

  router.post('/archive-log/retry', requireUser, async (req, res) => {
    const tenantId = req.session.user!.tenantId;
    const body = req.body as Record<string, unknown>;
    const text = (v: unknown) => (typeof v === 'string' && v.length <= 200 ? v : null);
    const all = body.all === 'failed';
    const targets: OutstandingItem[] = [];
    if (all) {
      let after: string | null = null;
      do {
        const p = await store.listOutstanding(tenantId, { status: 'failed', limit: 1000, after });
        targets.push(...p.items);
        after = p.next;
      } while (after);
    } else {
      const [kind, sourceId, attachmentId] = [
        text(body.kind),
        text(body.sourceId),
        text(body.attachmentId ?? ''),
      ];
      if (!kind || !sourceId || attachmentId === null)
        throw new UserInputError('That retry request was incomplete.');
      // Looked up within the signed-in tenant only: another tenant's item simply is not found.
      const item = await store.getOutstanding(tenantId, { kind, sourceId, attachmentId });
      if (!item) throw new UserInputError('That item is not waiting for a retry.', 404);
      targets.push(item);
    }
    const now = new Date(deps.clock.now());
    for (const item of targets) {
      const { firstSeenAt: _f, updatedAt: _u, ...rest } = item;
      await store.saveOutstanding({ ...rest, status: 'pending', nextAttemptAt: now });
    }
    if (targets.length) {
      await store.appendAudit(tenantId, {
        actor: `ringcentral:${req.session.user!.extensionId}`,
        action: 'items.retry',
        details: { count: targets.length },
      });
      const tenant = await store.getTenant(tenantId);
      if (tenant?.status === 'active') await deps.scheduler.runNow(tenantId);
    }
    req.session.flash = {
      kind: 'ok',
      message: `${targets.length} item(s) will be tried again in the next backup, which starts now.`,
    };
    res.redirect(303, '/archive-log?status=pending');
  });

  return router;
}
