/**
 * call-log-sync (account and extension level) and call-log-extract-sync, all Heavy.
 *
 * call-log-sync: FSync returns the newest `recordCount` (≤ 250) records since `dateFrom` (clamped
 * to the last 30 days); ISync returns records created or changed since the token (a late
 * recording counts as a change), plus up to `recordCount` older ones, 250 in all; more than 250
 * changes is a 400 asking for a new FSync, as documented.
 *
 * call-log-extract-sync: records whose lastModifiedTime is at or after `dateFrom` (default: one
 * hour ago), oldest change first, `recordCount` (default 250, max 1000) per call, with
 * `newerRecordsExist`; ISync continues from the token's position.
 */
import type { Request, Response, Router } from 'express';
import { checkExtensionAccess, requireAdmin, resolveAccount, resolveExtension } from '../access.ts';
import { apiRoute, type ApiContext } from '../api-route.ts';
import { rcErrors } from '../errors.ts';
import type { CallRecord } from '../model.ts';
import { date, int, oneOf, query, single } from '../params.ts';
import type { SimState } from '../state.ts';
import { decodeSyncToken, encodeSyncToken } from '../sync-token.ts';
import { callJson } from '../views/call-log-json.ts';
import { matchesCall, parseCallFilter, parseView } from './call-log-filter.ts';

const DAY_MS = 86_400_000;
const SYNC_MAX = 250;

function callLogSync(req: Request, res: Response, ctx: ApiContext, extensionScoped: boolean): void {
  const { state, now } = ctx;
  const account = resolveAccount(ctx, req.params.accountId as string);
  let calls: CallRecord[];
  let extensionId: number | undefined;
  let base: string;
  if (extensionScoped) {
    const ext = resolveExtension(ctx, account, req.params.extensionId as string);
    checkExtensionAccess(ctx, ext, 'callLog');
    extensionId = ext.id;
    calls = account.callsOf(ext.id, now);
    base = `${state.urls.extension(account.id, ext.id)}/call-log-sync`;
  } else {
    requireAdmin(ctx, 'FullCompanyCallLog');
    calls = account.calls(now);
    base = `${state.urls.account(account.id)}/call-log-sync`;
  }
  const q = query(req);
  const syncType = oneOf(q, 'syncType', ['FSync', 'ISync'] as const, 'FSync');
  const view = parseView(q);
  const filter = parseCallFilter(q);
  const recordCount = int(q, 'recordCount', SYNC_MAX, 1, SYNC_MAX);
  const newestFirst = calls.filter((c) => matchesCall(c, filter, account, now)).reverse();
  let records: CallRecord[];
  if (syncType === 'FSync') {
    const from = Math.max(date(q, 'dateFrom') ?? 0, now - 30 * DAY_MS);
    records = newestFirst.filter((c) => c.startTime >= from).slice(0, recordCount);
  } else {
    const token = decodeSyncToken(single(q, 'syncToken'), {
      kind: 'call-log',
      accountId: account.id,
      extensionId,
    });
    if (state.faults.takeFullSync()) {
      throw rcErrors.badRequest(
        'CLG-101',
        'Parameter [syncToken] is invalid [Sync token expired, call log was reset]',
        { parameterName: 'syncToken' },
      );
    }
    const changed = newestFirst.filter((c) => account.lastModified(c, now) > token.time);
    if (changed.length > SYNC_MAX) {
      throw rcErrors.badRequest(
        'CLG-104',
        'Parameter [syncToken] is invalid [max sync record number limit is exceeded]',
        { parameterName: 'syncToken' },
      );
    }
    const extra = single(q, 'recordCount') === undefined ? 0 : Math.max(0, recordCount - changed.length);
    const older =
      extra > 0 ? newestFirst.filter((c) => account.lastModified(c, now) <= token.time).slice(0, extra) : [];
    records = [...changed, ...older];
  }
  const qs = new URLSearchParams({ syncType, view });
  res.json({
    uri: `${base}?${qs.toString()}`,
    records: records.map((c) => callJson(c, { account, urls: state.urls, now, view, extensionScoped })),
    syncInfo: {
      syncType,
      syncToken: encodeSyncToken({ kind: 'call-log', accountId: account.id, extensionId, time: now }),
      syncTime: new Date(now).toISOString(),
    },
  });
}

function extractSync(req: Request, res: Response, ctx: ApiContext): void {
  const { state, now } = ctx;
  const account = resolveAccount(ctx, req.params.accountId as string);
  requireAdmin(ctx, 'FullCompanyCallLog');
  const q = query(req);
  const syncType = oneOf(q, 'syncType', ['FSync', 'ISync'] as const, 'FSync');
  const view = parseView(q);
  const recordCount = int(q, 'recordCount', 250, 1, 1000);
  let afterTime: number;
  let afterId: string | undefined;
  if (syncType === 'FSync') {
    afterTime = (date(q, 'dateFrom') ?? now - 3_600_000) - 1;
  } else {
    const token = decodeSyncToken(single(q, 'syncToken'), { kind: 'extract', accountId: account.id });
    afterTime = token.time;
    afterId = token.lastId;
  }
  const changes = account
    .calls(now)
    .map((call) => ({ call, modified: account.lastModified(call, now) }))
    .filter(
      ({ call, modified }) =>
        modified > afterTime || (modified === afterTime && afterId !== undefined && call.id > afterId),
    )
    .sort((a, b) => a.modified - b.modified || (a.call.id < b.call.id ? -1 : a.call.id > b.call.id ? 1 : 0));
  let take = Math.min(recordCount, changes.length);
  // Records sharing the borderline modification time all go out together ("could extend the limit").
  while (take < changes.length && take > 0 && changes[take]!.modified === changes[take - 1]!.modified) take++;
  const page = changes.slice(0, take);
  const last = page[page.length - 1];
  const position = last
    ? { time: last.modified, lastId: last.call.id }
    : { time: afterTime, lastId: afterId };
  res.json({
    uri: `${state.urls.account(account.id)}/call-log-extract-sync?syncType=${syncType}&view=${view}`,
    records: page.map(({ call }) =>
      callJson(call, { account, urls: state.urls, now, view, extensionScoped: false }),
    ),
    syncInfo: {
      syncType,
      syncToken: encodeSyncToken({ kind: 'extract', accountId: account.id, ...position }),
      syncTime: new Date(position.time < 0 ? now : position.time).toISOString(),
      newerRecordsExist: take < changes.length,
    },
  });
}

export function callLogSyncRoutes(router: Router, state: SimState): void {
  const opts = { group: 'Heavy', permission: 'ReadCallLog' } as const;
  router.get(
    '/restapi/v1.0/account/:accountId/call-log-sync',
    apiRoute(state, opts, (req, res, ctx) => callLogSync(req, res, ctx, false)),
  );
  router.get(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/call-log-sync',
    apiRoute(state, opts, (req, res, ctx) => callLogSync(req, res, ctx, true)),
  );
  router.get(
    '/restapi/v1.0/account/:accountId/call-log-extract-sync',
    apiRoute(state, opts, (req, res, ctx) => extractSync(req, res, ctx)),
  );
}
