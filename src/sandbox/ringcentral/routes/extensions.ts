/** Account info, business address, extension list and extension info. */
import type { Router } from 'express';
import { resolveAccount, resolveExtension } from '../access.ts';
import { apiRoute } from '../api-route.ts';
import { paginate } from '../paging.ts';
import { list, page, perPage, query, single, values } from '../params.ts';
import type { SimState } from '../state.ts';
import { extensionJson } from '../views/extension-json.ts';

const EXTENSION_TYPES = [
  'User',
  'Department',
  'Announcement',
  'Voicemail',
  'DigitalUser',
  'VirtualUser',
  'FaxUser',
  'PagingOnly',
  'SharedLinesGroup',
  'DelegatedLinesGroup',
  'GroupCallPickup',
  'IvrMenu',
  'ApplicationExtension',
  'ProxyAdmin',
  'RoomConnector',
  'ParkLocation',
  'Limited',
  'Bot',
  'Site',
  'Room',
  'FlexibleUser',
  'TieLine',
  'Unknown',
] as const;
const STATUSES = ['Enabled', 'Disabled', 'Frozen', 'NotActivated', 'Unassigned'] as const;

export function extensionRoutes(router: Router, state: SimState): void {
  const { urls } = state;

  router.get(
    '/restapi/v1.0/account/:accountId',
    apiRoute(state, { group: 'Light', permission: 'ReadAccounts' }, (req, res, ctx) => {
      const account = resolveAccount(ctx, req.params.accountId as string);
      res.json({
        uri: urls.account(account.id),
        id: Number(account.id),
        serviceInfo: {
          uri: `${urls.account(account.id)}/service-info`,
          brand: {
            id: '1210',
            name: 'RingCentral',
            homeCountry: { id: '1', uri: `${urls.platform}/restapi/v1.0/dictionary/country/1` },
          },
          servicePlan: { id: '8228', name: 'RingCentral MVP Premium', edition: 'Premium' },
          billingPlan: { id: '8228', name: 'Monthly', durationUnit: 'Month', duration: 1, type: 'Regular' },
        },
        operator: {
          uri: urls.extension(account.id, account.admin.id),
          id: account.admin.id,
          extensionNumber: account.admin.extensionNumber,
        },
        mainNumber: account.mainNumber,
        status: 'Confirmed',
        setupWizardState: 'Completed',
        // Not a RingCentral field: real company names live in /business-address (`company`) and in
        // each extension's contact.company. Kept as a convenience for the demo and documented.
        companyName: account.companyName,
      });
    }),
  );

  router.get(
    '/restapi/v1.0/account/:accountId/business-address',
    apiRoute(state, { group: 'Light', permission: 'ReadAccounts' }, (req, res, ctx) => {
      const account = resolveAccount(ctx, req.params.accountId as string);
      res.json({
        uri: `${urls.account(account.id)}/business-address`,
        company: account.companyName,
        email: account.admin.email,
        businessAddress: {
          country: 'US',
          state: 'CA',
          city: 'San Mateo',
          street: '20 Davis Drive',
          zip: '94402',
        },
        mainSiteName: 'Main Site',
      });
    }),
  );

  router.get(
    '/restapi/v1.0/account/:accountId/extension',
    apiRoute(state, { group: 'Medium', permission: 'ReadAccounts' }, (req, res, ctx) => {
      const account = resolveAccount(ctx, req.params.accountId as string);
      const q = query(req);
      const types = list(q, 'type', EXTENSION_TYPES);
      const statuses = list(q, 'status', STATUSES);
      const number = single(q, 'extensionNumber');
      const emails = values(q, 'email');
      const matches = account.extensions.filter(
        (e) =>
          (types.length === 0 || (types as readonly string[]).includes(e.type)) &&
          (statuses.length === 0 || statuses.includes(e.status)) &&
          (number === undefined || e.extensionNumber === number) &&
          (emails.length === 0 || emails.includes(e.email)),
      );
      const effective: Array<[string, string]> = [
        ...types.map((t): [string, string] => ['type', t]),
        ...statuses.map((s): [string, string] => ['status', s]),
      ];
      if (number !== undefined) effective.push(['extensionNumber', number]);
      const result = paginate(matches, {
        page: page(q),
        perPage: perPage(q, 100),
        base: `${urls.account(account.id)}/extension`,
        query: effective,
        withTotals: true,
      });
      res.json({ ...result, records: result.records.map((e) => extensionJson(account, e, urls, false)) });
    }),
  );

  router.get(
    '/restapi/v1.0/account/:accountId/extension/:extensionId',
    apiRoute(state, { group: 'Light', permission: 'ReadAccounts' }, (req, res, ctx) => {
      const account = resolveAccount(ctx, req.params.accountId as string);
      const ext = resolveExtension(ctx, account, req.params.extensionId as string);
      res.json(extensionJson(account, ext, urls, true));
    }),
  );
}
