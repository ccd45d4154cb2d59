/**
 * The Subscription API (spec: listSubscriptions Light, createSubscription Medium,
 * readSubscription Light, updateSubscription Medium, deleteSubscription Medium, renewSubscription
 * Light), WebHook transport only. Creation validates the address with the `Validation-Token`
 * handshake before anything is stored (400 SUB-525 when it fails); a subscription is seen and
 * changed only by the user and app that created it (404 CMN-102 for anyone else).
 */
import { randomUUID } from 'node:crypto';
import type { Request, Router } from 'express';
import { apiRoute, type ApiContext } from '../api-route.ts';
import { rcErrors } from '../errors.ts';
import type { SimState } from '../state.ts';
import type { SimSubscription } from './registry.ts';
import { resolveFilters } from './resolve.ts';
import { handshake } from './webhook-http.ts';

/** WebHook's maximum lifetime (spec, UpdateSubscriptionRequest.expiresIn). */
const MAX_LIFETIME_SECONDS = 315_360_000;
/** Lifetime when none is asked for (the spec's example answers expiresIn 604799 right after creation). */
const DEFAULT_LIFETIME_SECONDS = 604_800;
const MAX_SUBSCRIPTIONS_PER_USER = 30;

const iso = (ms: number): string => new Date(ms).toISOString();

function subscriptionJson(state: SimState, sub: SimSubscription, now: number): Record<string, unknown> {
  return {
    uri: `${state.urls.platform}/restapi/v1.0/subscription/${sub.id}`,
    id: sub.id,
    creationTime: iso(sub.creationTime),
    status: sub.status,
    eventFilters: sub.eventFilters,
    ...(sub.disabledFilters.length > 0 ? { disabledFilters: sub.disabledFilters } : {}),
    expirationTime: iso(sub.expirationTime),
    expiresIn: Math.max(0, Math.floor((sub.expirationTime - now) / 1000)),
    deliveryMode: { transportType: 'WebHook', encryption: false, address: sub.address },
    ...(sub.blacklistedData
      ? {
          blacklistedData: {
            blacklistedAt: iso(sub.blacklistedData.blacklistedAt),
            reason: sub.blacklistedData.reason,
          },
        }
      : {}),
  };
}

function lifetime(value: unknown): number {
  if (value === undefined) return DEFAULT_LIFETIME_SECONDS;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1)
    throw rcErrors.invalidParameter('expiresIn', JSON.stringify(value));
  return Math.min(value, MAX_LIFETIME_SECONDS);
}

function filterList(value: unknown): string[] {
  if (!Array.isArray(value) || value.length === 0 || !value.every((f) => typeof f === 'string' && f !== ''))
    throw rcErrors.invalidParameter('eventFilters');
  return value as string[];
}

function webhookAddress(deliveryMode: unknown): { address: string; verificationToken: string | null } {
  const mode = (deliveryMode ?? {}) as Record<string, unknown>;
  if (mode.transportType !== 'WebHook')
    throw rcErrors.invalidParameter('deliveryMode.transportType', JSON.stringify(mode.transportType));
  const address = typeof mode.address === 'string' ? mode.address : '';
  const url = URL.canParse(address) ? new URL(address) : null;
  if (!url || (url.protocol !== 'https:' && url.protocol !== 'http:'))
    throw rcErrors.invalidParameter('deliveryMode.address', address);
  const token = mode.verificationToken;
  if (token !== undefined && (typeof token !== 'string' || token.length === 0 || token.length > 64))
    throw rcErrors.invalidParameter('deliveryMode.verificationToken');
  return { address, verificationToken: typeof token === 'string' ? token : null };
}

function owned(state: SimState, req: Request, ctx: ApiContext): SimSubscription {
  const id = req.params.subscriptionId as string;
  const sub = state.subscriptions.get(id, ctx.now);
  if (
    !sub ||
    sub.accountId !== ctx.account.id ||
    sub.ownerId !== ctx.user.id ||
    sub.clientId !== ctx.client.clientId
  )
    throw rcErrors.notFound('subscriptionId', id);
  return sub;
}

function renew(sub: SimSubscription, now: number, lifetimeSeconds: number): void {
  sub.lifetimeSeconds = lifetimeSeconds;
  sub.expirationTime = now + lifetimeSeconds * 1000;
}

export function subscriptionRoutes(router: Router, state: SimState): void {
  const owner = (ctx: ApiContext) => ({
    accountId: ctx.account.id,
    ownerId: ctx.user.id,
    clientId: ctx.client.clientId,
  });

  router.get(
    '/restapi/v1.0/subscription',
    apiRoute(state, { group: 'Light', permission: null }, (_req, res, ctx) => {
      res.json({
        uri: `${state.urls.platform}/restapi/v1.0/subscription`,
        records: state.subscriptions
          .ownedBy(owner(ctx), ctx.now)
          .map((s) => subscriptionJson(state, s, ctx.now)),
      });
    }),
  );

  router.post(
    '/restapi/v1.0/subscription',
    apiRoute(state, { group: 'Medium', permission: null }, async (req, res, ctx) => {
      const body = (req.body ?? {}) as Record<string, unknown>;
      const filters = resolveFilters(ctx, filterList(body.eventFilters));
      const seconds = lifetime(body.expiresIn);
      const { address, verificationToken } = webhookAddress(body.deliveryMode);
      if (state.subscriptions.ownedBy(owner(ctx), ctx.now).length >= MAX_SUBSCRIPTIONS_PER_USER)
        throw rcErrors.badRequest('SUB-505', 'Subscriptions limit exceeded');
      const check = await handshake(address, state.webhookOptions.timeoutMs);
      if (!check.ok)
        throw rcErrors.badRequest('SUB-525', 'WebHook server response is invalid', {
          reason: check.reason ?? '',
        });
      const now = state.now();
      const sub: SimSubscription = {
        id: randomUUID(),
        ...owner(ctx),
        ...filters,
        address,
        verificationToken,
        creationTime: now,
        lifetimeSeconds: seconds,
        expirationTime: now + seconds * 1000,
        status: 'Active',
        blacklistedData: null,
        failingSince: null,
      };
      state.subscriptions.add(sub);
      res.json(subscriptionJson(state, sub, now));
    }),
  );

  router.get(
    '/restapi/v1.0/subscription/:subscriptionId',
    apiRoute(state, { group: 'Light', permission: null }, (req, res, ctx) => {
      res.json(subscriptionJson(state, owned(state, req, ctx), ctx.now));
    }),
  );

  router.put(
    '/restapi/v1.0/subscription/:subscriptionId',
    apiRoute(state, { group: 'Medium', permission: null }, (req, res, ctx) => {
      const sub = owned(state, req, ctx);
      const body = (req.body ?? {}) as Record<string, unknown>;
      // Only `eventFilters` and `expiresIn` count; an empty body renews with the default lifetime.
      if (body.eventFilters !== undefined)
        Object.assign(sub, resolveFilters(ctx, filterList(body.eventFilters)));
      renew(sub, ctx.now, lifetime(body.expiresIn));
      res.json(subscriptionJson(state, sub, ctx.now));
    }),
  );

  router.post(
    '/restapi/v1.0/subscription/:subscriptionId/renew',
    apiRoute(state, { group: 'Light', permission: null }, (req, res, ctx) => {
      const sub = owned(state, req, ctx);
      renew(sub, ctx.now, sub.lifetimeSeconds);
      res.json(subscriptionJson(state, sub, ctx.now));
    }),
  );

  router.delete(
    '/restapi/v1.0/subscription/:subscriptionId',
    apiRoute(state, { group: 'Medium', permission: null }, (req, res, ctx) => {
      state.subscriptions.remove(owned(state, req, ctx).id);
      res.status(204).end();
    }),
  );
}
