/**
 * message-sync (Light). FSync: Alive messages created in [dateFrom, dateTo] (dateFrom defaults to
 * dateTo − 24 h, the spec's default; the guide says a week), newest first, cut at `recordCount`
 * with `olderRecordsExist`. ISync: every message created or changed since the token, with
 * RingCentral's ~5 s overlap (so repeats are possible), including deleted ones (a purged message
 * carries only id and availability). No paging, as documented.
 */
import type { Router } from 'express';
import { apiRoute } from '../api-route.ts';
import { rcErrors } from '../errors.ts';
import type { Message } from '../model.ts';
import { date, int, list, oneOf, query, single } from '../params.ts';
import type { SimState } from '../state.ts';
import { decodeSyncToken, encodeSyncToken } from '../sync-token.ts';
import { messageJson } from '../views/message-json.ts';
import { mailboxOf, MESSAGE_TYPES } from './message-store.ts';

const DAY_MS = 86_400_000;
const OVERLAP_MS = 5_000;

export function messageSyncRoutes(router: Router, state: SimState): void {
  router.get(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/message-sync',
    apiRoute(state, { group: 'Light', permission: 'ReadMessages' }, (req, res, ctx) => {
      const { account, ext } = mailboxOf(req, ctx);
      const q = query(req);
      const syncType = oneOf(q, 'syncType', ['FSync', 'ISync'] as const, 'FSync');
      const all = account.messagesOf(ext.id, ctx.now);
      let records: Message[];
      let olderRecordsExist = false;
      let types: string[];
      let directions: string[];
      if (syncType === 'FSync') {
        types = list(q, 'messageType', MESSAGE_TYPES);
        directions = list(q, 'direction', ['Inbound', 'Outbound'] as const);
        const dateTo = date(q, 'dateTo') ?? ctx.now;
        const dateFrom = date(q, 'dateFrom') ?? dateTo - DAY_MS;
        const recordCount =
          single(q, 'recordCount') === undefined ? Infinity : int(q, 'recordCount', 0, 1, 100_000);
        const matching = all
          .filter(
            (m) =>
              m.availability === 'Alive' &&
              m.creationTime >= dateFrom &&
              m.creationTime <= dateTo &&
              (types.length === 0 || types.includes(m.type)) &&
              (directions.length === 0 || directions.includes(m.direction)),
          )
          .reverse();
        records = matching.slice(0, recordCount);
        olderRecordsExist = matching.length > records.length;
      } else {
        const token = decodeSyncToken(single(q, 'syncToken'), {
          kind: 'messages',
          accountId: account.id,
          extensionId: ext.id,
        });
        if (state.faults.takeFullSync()) {
          throw rcErrors.badRequest(
            'MSG-333',
            'Invalid message synchronisation request: full synchronization is required',
          );
        }
        types = token.filters?.messageType ?? [];
        directions = token.filters?.direction ?? [];
        records = all
          .filter(
            (m) =>
              m.lastModifiedTime > token.time - OVERLAP_MS &&
              (types.length === 0 || types.includes(m.type)) &&
              (directions.length === 0 || directions.includes(m.direction)),
          )
          .reverse();
      }
      const qs = new URLSearchParams({ syncType });
      for (const t of types) qs.append('messageType', t);
      res.json({
        uri: `${state.urls.extension(account.id, ext.id)}/message-sync?${qs.toString()}`,
        records: records.map((m) => messageJson(account, m, state.urls)),
        syncInfo: {
          syncType,
          syncToken: encodeSyncToken({
            kind: 'messages',
            accountId: account.id,
            extensionId: ext.id,
            time: ctx.now,
            filters: { messageType: types, direction: directions },
          }),
          syncTime: new Date(ctx.now).toISOString(),
          olderRecordsExist,
        },
      });
    }),
  );
}
