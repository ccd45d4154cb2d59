/**
 * Account- and extension-level call log lists and single records (all Heavy). Records whose
 * startTime lies in [dateFrom, dateTo] (both inclusive; dateFrom defaults to dateTo − 24 h),
 * newest first. Navigation links repeat the effective dateFrom/dateTo, so paging stays stable
 * while new calls arrive.
 */
import type { Request, Response, Router } from 'express';
import { checkExtensionAccess, requireAdmin, resolveAccount, resolveExtension } from '../access.ts';
import { apiRoute, type ApiContext } from '../api-route.ts';
import { rcErrors } from '../errors.ts';
import { paginate } from '../paging.ts';
import { date, page, perPage, query } from '../params.ts';
import type { SimState } from '../state.ts';
import { callJson } from '../views/call-log-json.ts';
import { filterQuery, matchesCall, parseCallFilter, parseView } from './call-log-filter.ts';

const DAY_MS = 86_400_000;

function listCalls(req: Request, res: Response, ctx: ApiContext, extensionScoped: boolean): void {
  const { state, now } = ctx;
  const account = resolveAccount(ctx, req.params.accountId as string);
  let source;
  let base: string;
  if (extensionScoped) {
    const ext = resolveExtension(ctx, account, req.params.extensionId as string);
    checkExtensionAccess(ctx, ext, 'callLog');
    source = account.callsOf(ext.id, now);
    base = `${state.urls.extension(account.id, ext.id)}/call-log`;
  } else {
    requireAdmin(ctx, 'FullCompanyCallLog');
    source = account.calls(now);
    base = `${state.urls.account(account.id)}/call-log`;
  }
  const q = query(req);
  const view = parseView(q);
  const dateTo = date(q, 'dateTo') ?? now;
  const dateFrom = date(q, 'dateFrom') ?? dateTo - DAY_MS;
  const filter = parseCallFilter(q);
  const matches = [];
  for (let i = source.length - 1; i >= 0; i--) {
    const call = source[i]!;
    if (call.startTime > dateTo) continue;
    if (call.startTime < dateFrom) break; // ascending order: nothing older can match
    if (matchesCall(call, filter, account, now)) matches.push(call);
  }
  const result = paginate(matches, {
    page: page(q),
    perPage: perPage(q, 100),
    base,
    query: [
      ['view', view],
      ['dateFrom', new Date(dateFrom).toISOString()],
      ['dateTo', new Date(dateTo).toISOString()],
      ...filterQuery(filter),
    ],
    withTotals: false,
  });
  res.json({
    uri: result.uri,
    records: result.records.map((c) =>
      callJson(c, { account, urls: state.urls, now, view, extensionScoped }),
    ),
    paging: result.paging,
    navigation: result.navigation,
  });
}

function oneCall(req: Request, res: Response, ctx: ApiContext, extensionScoped: boolean): void {
  const account = resolveAccount(ctx, req.params.accountId as string);
  const id = req.params.callRecordId as string;
  const call = account.call(id, ctx.now);
  if (extensionScoped) {
    const ext = resolveExtension(ctx, account, req.params.extensionId as string);
    checkExtensionAccess(ctx, ext, 'callLog');
    if (!call || call.extensionId !== ext.id) throw rcErrors.notFound('callRecordId', id);
  } else {
    requireAdmin(ctx, 'FullCompanyCallLog');
    if (!call) throw rcErrors.notFound('callRecordId', id);
  }
  const view = parseView(query(req));
  res.json(callJson(call, { account, urls: ctx.state.urls, now: ctx.now, view, extensionScoped }));
}

export function callLogRoutes(router: Router, state: SimState): void {
  const opts = { group: 'Heavy', permission: 'ReadCallLog' } as const;
  router.get(
    '/restapi/v1.0/account/:accountId/call-log',
    apiRoute(state, opts, (req, res, ctx) => listCalls(req, res, ctx, false)),
  );
  router.get(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/call-log',
    apiRoute(state, opts, (req, res, ctx) => listCalls(req, res, ctx, true)),
  );
  router.get(
    '/restapi/v1.0/account/:accountId/call-log/:callRecordId',
    apiRoute(state, opts, (req, res, ctx) => oneCall(req, res, ctx, false)),
  );
  router.get(
    '/restapi/v1.0/account/:accountId/extension/:extensionId/call-log/:callRecordId',
    apiRoute(state, opts, (req, res, ctx) => oneCall(req, res, ctx, true)),
  );
}
