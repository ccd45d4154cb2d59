/**
 * The admin message-store export (Heavy, ReadMessages, admins only): create a task, poll it, list
 * its archives, download each ZIP from the media listener.
 */
import type { Request, Router } from 'express';
import { requireAdmin, resolveAccount } from '../access.ts';
import { apiRoute, type ApiContext } from '../api-route.ts';
import { rcErrors } from '../errors.ts';
import { planArchives } from '../export-archive.ts';
import type { ExportTask } from '../export-store.ts';
import type { SimState } from '../state.ts';
import { zipStream } from '../zip.ts';
import { serveContent } from './serve-content.ts';

const DAY_MS = 86_400_000;
const EXPORT_TYPES = ['Fax', 'SMS', 'VoiceMail', 'Pager'];

function bodyDate(body: Record<string, unknown>, name: string): number | undefined {
  const v = body[name];
  if (v === undefined || v === null || v === '') return undefined;
  const ms = typeof v === 'string' ? Date.parse(v) : NaN;
  if (Number.isNaN(ms)) throw rcErrors.invalidParameter(name, JSON.stringify(v));
  return ms;
}

function taskJson(state: SimState, task: ExportTask, now: number): Record<string, unknown> {
  const { status, finishTime } = state.exports.status(task, now);
  const out: Record<string, unknown> = {
    uri: state.urls.exportTask(task.accountId, task.id),
    id: task.id,
    status,
    accountId: task.accountId,
    extensionId: String(task.extensionId),
    startTime: new Date(task.createdAt).toISOString(),
    dateFrom: new Date(task.dateFrom).toISOString(),
    dateTo: new Date(task.dateTo).toISOString(),
  };
  if (finishTime !== undefined) out.finishTime = new Date(finishTime).toISOString();
  if (task.messageTypes.length > 0) out.messageTypes = task.messageTypes;
  return out;
}

function findTask(req: Request, ctx: ApiContext): ExportTask {
  const account = resolveAccount(ctx, req.params.accountId as string);
  requireAdmin(ctx, 'Users');
  const id = req.params.taskId as string;
  const task = ctx.state.exports.get(account.id, id);
  if (!task) throw rcErrors.notFound('taskId', id);
  return task;
}

function completedArchives(ctx: ApiContext, task: ExportTask): NonNullable<ExportTask['archives']> {
  const { state } = ctx;
  if (state.exports.status(task, ctx.now).status !== 'Completed') {
    throw rcErrors.invalidParameter('taskId', task.id, 'report is not completed yet');
  }
  task.archives ??= planArchives(task, ctx.account, state.urls, state.digests, state.exports.maxArchiveBytes);
  return task.archives;
}

export function exportRoutes(router: Router, state: SimState): void {
  const opts = { group: 'Heavy', permission: 'ReadMessages' } as const;
  router.post(
    '/restapi/v1.0/account/:accountId/message-store-report',
    apiRoute(state, opts, (req, res, ctx) => {
      const account = resolveAccount(ctx, req.params.accountId as string);
      requireAdmin(ctx, 'Users');
      const body = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as Record<
        string,
        unknown
      >;
      const dateTo = bodyDate(body, 'dateTo') ?? ctx.now;
      const dateFrom = bodyDate(body, 'dateFrom') ?? dateTo - DAY_MS;
      const rawTypes = body.messageTypes;
      const messageTypes = Array.isArray(rawTypes) ? rawTypes.map(String) : [];
      for (const t of messageTypes)
        if (!EXPORT_TYPES.includes(t)) throw rcErrors.invalidParameter('messageTypes', t);
      const messages = account
        .allMessages(ctx.now)
        .filter(
          (m) =>
            m.availability === 'Alive' &&
            m.creationTime >= dateFrom &&
            m.creationTime <= dateTo &&
            (messageTypes.length === 0 || messageTypes.includes(m.type)),
        );
      const task = state.exports.create({
        accountId: account.id,
        extensionId: ctx.user.id,
        dateFrom,
        dateTo,
        messageTypes,
        createdAt: ctx.now,
        messages,
      });
      res.status(202).json(taskJson(state, task, ctx.now));
    }),
  );

  router.get(
    '/restapi/v1.0/account/:accountId/message-store-report/:taskId',
    apiRoute(state, opts, (req, res, ctx) => {
      res.json(taskJson(state, findTask(req, ctx), ctx.now));
    }),
  );

  router.get(
    '/restapi/v1.0/account/:accountId/message-store-report/:taskId/archive',
    apiRoute(state, opts, (req, res, ctx) => {
      const task = findTask(req, ctx);
      const archives = completedArchives(ctx, task);
      res.json({
        records: archives.map((a, i) => ({
          size: a.size,
          uri: state.urls.exportArchive(task.accountId, task.id, i),
        })),
      });
    }),
  );
}

export function exportContentRoutes(router: Router, state: SimState): void {
  router.get(
    '/restapi/v1.0/account/:accountId/message-store-report/:taskId/archive/:index',
    apiRoute(state, { group: 'Heavy', permission: 'ReadMessages', media: true }, async (req, res, ctx) => {
      const task = findTask(req, ctx);
      const archives = completedArchives(ctx, task);
      const raw = req.params.index as string;
      const archive = /^\d+$/.test(raw) ? archives[Number(raw)] : undefined;
      if (!archive) throw rcErrors.notFound('archiveId', raw);
      await serveContent(req, res, state, task.accountId, {
        size: archive.size,
        contentType: 'application/zip',
        fileName: `message-store-${task.id}-${raw}.zip`,
        open: (start, end) => zipStream(archive.entries, start, end),
      });
    }),
  );
}
