/**
 * The message store of one extension: list (Light), message by id (Light), attachment content
 * (Medium, media listener). Lists filter on creationTime in [dateFrom, dateTo] (dateFrom defaults
 * to dateTo − 24 h), newest first, availability Alive unless asked otherwise.
 */
import type { Request, Router } from 'express';
import type { Account } from '../account.ts';
import { checkExtensionAccess, requireMailbox, resolveAccount, resolveExtension } from '../access.ts';
import { apiRoute, type ApiContext } from '../api-route.ts';
import { attachmentContent } from '../content-sources.ts';
import { rcErrors } from '../errors.ts';
import type { Extension, Message } from '../model.ts';
import { paginate } from '../paging.ts';
import { date, list, page, perPage, query, single } from '../params.ts';
import type { SimState } from '../state.ts';
import { messageJson } from '../views/message-json.ts';
import { serveContent } from './serve-content.ts';

const DAY_MS = 86_400_000;
export const MESSAGE_TYPES = ['Fax', 'SMS', 'VoiceMail', 'Pager', 'Text'] as const;

export function mailboxOf(req: Request, ctx: ApiContext): { account: Account; ext: Extension } {
  const account = resolveAccount(ctx, req.params.accountId as string);
  const ext = resolveExtension(ctx, account, req.params.extensionId as string);
  checkExtensionAccess(ctx, ext, 'messages');
  requireMailbox(ext);
  return { account, ext };
}

function findMessage(req: Request, ctx: ApiContext): { account: Account; message: Message } {
  const { account, ext } = mailboxOf(req, ctx);
  const raw = req.params.messageId as string;
  const message = /^\d+$/.test(raw) ? account.message(Number(raw)) : undefined;
  if (
    !message ||
    message.extensionId !== ext.id ||
    message.creationTime > ctx.now ||
    message.availability === 'Purged'
  ) {
    throw rcErrors.notFound('messageId', raw);
  }
  return { account, message };
}

export function messageStoreRoutes(router: Router, state: SimState): void {
  const { urls } = state;
  router.get(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store',
    apiRoute(state, { group: 'Light', permission: 'ReadMessages' }, (req, res, ctx) => {
      const { account, ext } = mailboxOf(req, ctx);
      const q = query(req);
      const types = list(q, 'messageType', MESSAGE_TYPES);
      const availability = list(q, 'availability', ['Alive', 'Deleted', 'Purged'] as const);
      const directions = list(q, 'direction', ['Inbound', 'Outbound'] as const);
      const readStatus = list(q, 'readStatus', ['Read', 'Unread'] as const);
      const conversationId = single(q, 'conversationId');
      const dateTo = date(q, 'dateTo') ?? ctx.now;
      const dateFrom = date(q, 'dateFrom') ?? dateTo - DAY_MS;
      const wantedAvailability = availability.length > 0 ? availability : ['Alive'];
      const all = account.messagesOf(ext.id, ctx.now);
      const matches: Message[] = [];
      for (let i = all.length - 1; i >= 0; i--) {
        const m = all[i]!;
        if (m.creationTime > dateTo) continue;
        if (m.creationTime < dateFrom) break;
        if (types.length > 0 && !types.includes(m.type)) continue;
        if (!wantedAvailability.includes(m.availability)) continue;
        if (directions.length > 0 && !directions.includes(m.direction)) continue;
        if (readStatus.length > 0 && !readStatus.includes(m.readStatus)) continue;
        if (conversationId !== undefined && String(m.conversationId) !== conversationId) continue;
        matches.push(m);
      }
      const effective: Array<[string, string]> = [
        ...types.map((t): [string, string] => ['messageType', t]),
        ...wantedAvailability.map((a): [string, string] => ['availability', a]),
        ...directions.map((d): [string, string] => ['direction', d]),
        ...readStatus.map((r): [string, string] => ['readStatus', r]),
        ['dateFrom', new Date(dateFrom).toISOString()],
        ['dateTo', new Date(dateTo).toISOString()],
      ];
      if (conversationId !== undefined) effective.push(['conversationId', conversationId]);
      const result = paginate(matches, {
        page: page(q),
        perPage: perPage(q, 100),
        base: `${urls.extension(account.id, ext.id)}/message-store`,
        query: effective,
        withTotals: true,
      });
      res.json({ ...result, records: result.records.map((m) => messageJson(account, m, urls)) });
    }),
  );

  router.get(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store/:messageId',
    apiRoute(state, { group: 'Light', permission: 'ReadMessages' }, (req, res, ctx) => {
      const { account, message } = findMessage(req, ctx);
      res.json(messageJson(account, message, urls));
    }),
  );
}

export function attachmentContentRoutes(router: Router, state: SimState): void {
  router.get(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-store/:messageId/content/:attachmentId',
    apiRoute(state, { group: 'Medium', permission: 'ReadMessages', media: true }, async (req, res, ctx) => {
      const { account, message } = findMessage(req, ctx);
      const raw = req.params.attachmentId as string;
      const att = message.attachments.find((a) => String(a.id) === raw);
      if (!att) throw rcErrors.notFound('attachmentId', raw);
      if (state.faults.takeDeleteOnDownload() && account.deleteMessage(message.id, 'Purged', ctx.now)) {
        state.stats.of(account.id).deletedOnDownload.push({ kind: 'message', id: String(message.id) });
        throw rcErrors.notFound('messageId', String(message.id));
      }
      const { source } = attachmentContent(att);
      await serveContent(req, res, state, account.id, {
        size: att.size,
        contentType: att.contentType,
        fileName: att.fileName ?? `attachment-${att.id}`,
        open: (start, end) => source.open(start, end),
        fill: source.fill,
      });
    }),
  );
}
