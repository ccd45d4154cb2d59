/**
 * A company's WebHook subscription at RingCentral, kept in step with what it archives. Everything
 * goes into one subscription (RingCentral allows 30 per user and app, and one subscription can
 * hold every mailbox's filter). `ensure` runs at the start of each scheduled run, so it follows
 * the company's mailboxes and settings within the hour:
 *
 * - RingCentral's list of this user's subscriptions is the truth: one to this address that we
 *   created (we hold its token's hash) and that is Active is kept; every other one to this address
 *   — blacklisted, left over by a crash or a reconnect — is deleted there, and records of ones
 *   RingCentral no longer has (expired, deleted) are dropped here;
 * - the kept one gets the wanted filters (PUT, which also renews) or, near its expiry, a renewal;
 * - without one, a new one is created with a fresh Verification-Token (RingCentral checks the
 *   address with the Validation-Token handshake first).
 *
 * `removeAll` deletes the company's subscriptions before its RingCentral authorization is revoked
 * (uninstall, disconnect), while the token still works.
 */
import { createRingCentralApi, type Platform, type RingCentralApi } from '../archive/sources/api.ts';
import { listExtensions } from '../archive/sources/extensions.ts';
import { SourceError } from '../archive/sources/source-error.ts';
import type { Clock } from '../lib/clock.ts';
import { errorMessage } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { RateLimiter } from '../lib/rate-limiter.ts';
import type { PushSubscription, Store } from '../store/types.ts';
import { parseSettings } from '../archive/settings.ts';
import { TELEPHONY_PERMISSION, wantedFilters } from './filters.ts';
import { newVerificationToken, verificationHash } from './verification.ts';

export const WEBHOOK_PATH = '/webhooks/ringcentral';
/** A week: long enough that a missed renewal or two costs nothing, short enough that a forgotten one lapses. */
export const LIFETIME_SECONDS = 7 * 24 * 3600;
/** Renewed once less than this is left (runs are hourly, so there are many chances). */
export const RENEW_WITHIN_MS = 3 * 24 * 3600_000;
/** Notification uuids are kept this long for de-duplication (RingCentral redelivers for minutes). */
const SEEN_FOR_MS = 24 * 3600_000;

interface SubscriptionJson {
  id: string;
  status?: string;
  creationTime?: string;
  expirationTime?: string;
  eventFilters?: string[];
  disabledFilters?: Array<{ filter?: string }>;
  deliveryMode?: { address?: string };
}

interface PushOutcome {
  /** A subscription is Active and carries every wanted filter RingCentral allowed. */
  live: boolean;
  subscriptionId: string | null;
  /** Whether calls come by notification (the app holds CallControl and RingCentral allowed it). */
  calls: boolean;
  /** Why it is not live, in words for the admin. */
  problem: string | null;
  action: 'created' | 'updated' | 'renewed' | 'kept' | 'removed' | 'none' | 'failed';
}

interface SubscriptionKeeperDeps {
  store: Store;
  logger: Logger;
  clock: Clock;
  /** `BASE_URL` + WEBHOOK_PATH. */
  address: string;
  enabled: boolean;
  /** The tenant's RingCentral platform, signed in as its connected admin. */
  platform(tenantId: string): Promise<Platform>;
}

/**
 * A run's own RingCentral client and the Platform beneath it: a check made for a run goes through
 * them, so the run's limiter paces its requests and the run's figures count them and their 429s.
 */
interface RunClient {
  api: RingCentralApi;
  platform: Platform;
}

export interface SubscriptionKeeper {
  readonly enabled: boolean;
  /**
   * Brings the company's subscription in step. Within CHECK_EVERY_MS of the last check by this
   * process (and while the subscription it kept still exists; RETRY_FAILED_MS after a failure) it
   * answers from memory, so the runs that follow each other during a backfill do not each cost API
   * calls; `force` checks now.
   */
  ensure(
    tenantId: string,
    options?: { signal?: AbortSignal; force?: boolean; ringcentral?: RunClient },
  ): Promise<PushOutcome>;
  removeAll(tenantId: string): Promise<void>;
}

/** How often a company's subscription is checked against RingCentral (runs are hourly). */
const CHECK_EVERY_MS = 50 * 60_000;
/** A failed check (e.g. RingCentral could not reach the address) is tried again after this. */
const RETRY_FAILED_MS = 10 * 60_000;

const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length && [...a].sort().every((v, i) => v === [...b].sort()[i]);

export function createSubscriptionKeeper(deps: SubscriptionKeeperDeps): SubscriptionKeeper {
  const { store, clock } = deps;
  const checked = new Map<string, { until: number; outcome: PushOutcome }>();
  // Per tenant for the process's life, like the archive's: the window is learned from the answers.
  const limiters = new Map<string, RateLimiter>();
  const open = async (tenantId: string, signal?: AbortSignal) => {
    const platform = await deps.platform(tenantId);
    let limiter = limiters.get(tenantId);
    if (!limiter) limiters.set(tenantId, (limiter = new RateLimiter({ clock })));
    const api = createRingCentralApi(platform, {
      limiter,
      logger: deps.logger,
      clock,
      signal,
      maxRetries: 2,
    });
    return { platform, api };
  };

  const deleteRemote = async (api: RingCentralApi, id: string) => {
    try {
      await api.delete(`/restapi/v1.0/subscription/${encodeURIComponent(id)}`);
    } catch (error) {
      // Already gone is what we wanted.
      if (!(error instanceof SourceError && error.kind === 'gone')) throw error;
    }
  };

  const record = (
    tenantId: string,
    info: SubscriptionJson,
    hash: string,
    previous: PushSubscription | null,
  ): PushSubscription => {
    const now = new Date(clock.now());
    return {
      id: info.id,
      tenantId,
      verificationHash: hash,
      eventFilters: [...(info.eventFilters ?? [])].sort(),
      disabledFilters: (info.disabledFilters ?? [])
        .map((d) => d.filter)
        .filter((f): f is string => !!f)
        .sort(),
      status: info.status ?? 'Active',
      expiresAt: info.expirationTime
        ? new Date(info.expirationTime)
        : new Date(now.getTime() + LIFETIME_SECONDS * 1000),
      createdAt: previous?.createdAt ?? (info.creationTime ? new Date(info.creationTime) : now),
      checkedAt: now,
      lastEventAt: previous?.lastEventAt ?? null,
    };
  };

  async function reconcile(
    tenantId: string,
    signal: AbortSignal | undefined,
    run: RunClient | undefined,
  ): Promise<PushOutcome> {
    const tenant = await store.getTenant(tenantId);
    if (!tenant || tenant.status !== 'active')
      return {
        live: false,
        subscriptionId: null,
        calls: false,
        problem: 'The company is not active.',
        action: 'none',
      };
    const { platform, api } = run ?? (await open(tenantId, signal));
    try {
      const scope = String((await platform.auth().data()).scope ?? '').split(/\s+/);
      const telephony = scope.includes(TELEPHONY_PERMISSION);
      const extensions = await listExtensions(api, { signal });
      const wanted = wantedFilters({
        accountId: tenantId,
        settings: parseSettings(tenant.settings),
        extensions,
        telephony,
      });
      const remote =
        (await api.get<{ records?: SubscriptionJson[] }>('/restapi/v1.0/subscription')).records ?? [];
      const ours = new Map((await store.listPushSubscriptions(tenantId)).map((s) => [s.id, s]));
      const toUs = remote.filter((r) => r.deliveryMode?.address === deps.address);
      const keep =
        wanted.length === 0
          ? undefined
          : toUs
              .filter((r) => ours.has(r.id) && r.status === 'Active')
              .sort((a, b) => (b.creationTime ?? '').localeCompare(a.creationTime ?? ''))[0];
      for (const r of toUs) if (r !== keep) await deleteRemote(api, r.id);
      for (const id of ours.keys()) if (id !== keep?.id) await store.deletePushSubscription(id);
      await store.prunePushEvents(tenantId, new Date(clock.now() - SEEN_FOR_MS));
      if (wanted.length === 0)
        return {
          live: false,
          subscriptionId: null,
          calls: false,
          problem: 'Nothing to watch: no mailbox is archived.',
          action: toUs.length ? 'removed' : 'none',
        };

      let info: SubscriptionJson;
      let hash: string;
      let action: PushOutcome['action'];
      if (keep) {
        const previous = ours.get(keep.id)!;
        hash = previous.verificationHash;
        const current = [
          ...(keep.eventFilters ?? []),
          ...(keep.disabledFilters ?? []).map((d) => d.filter ?? ''),
        ];
        const expires = keep.expirationTime ? Date.parse(keep.expirationTime) : 0;
        if (!sameSet(current, wanted)) {
          info = await api.put<SubscriptionJson>(
            `/restapi/v1.0/subscription/${encodeURIComponent(keep.id)}`,
            {
              eventFilters: wanted,
              expiresIn: LIFETIME_SECONDS,
            },
          );
          action = 'updated';
        } else if (expires - clock.now() < RENEW_WITHIN_MS) {
          info = await api.post<SubscriptionJson>(
            `/restapi/v1.0/subscription/${encodeURIComponent(keep.id)}/renew`,
          );
          action = 'renewed';
        } else {
          info = keep;
          action = 'kept';
        }
        await store.savePushSubscription(record(tenantId, info, hash, previous));
      } else {
        const token = newVerificationToken();
        hash = verificationHash(token);
        info = await api.post<SubscriptionJson>('/restapi/v1.0/subscription', {
          eventFilters: wanted,
          deliveryMode: { transportType: 'WebHook', address: deps.address, verificationToken: token },
          expiresIn: LIFETIME_SECONDS,
        });
        await store.savePushSubscription(record(tenantId, info, hash, null));
        action = 'created';
      }
      const enabled = info.eventFilters ?? [];
      const calls = enabled.some((f) => f.includes('/telephony/sessions'));
      const refused = (info.disabledFilters ?? []).filter((d) => !d.filter?.includes('/telephony/sessions'));
      return {
        live: info.status !== 'Blacklisted',
        subscriptionId: info.id,
        calls,
        problem:
          refused.length > 0
            ? `RingCentral refused notifications for ${refused.length} mailbox(es); they are archived hourly.`
            : null,
        action,
      };
    } finally {
      // The run's client is the run's to close.
      if (!run) api.close();
    }
  }

  return {
    enabled: deps.enabled,

    async ensure(tenantId, options = {}) {
      if (!deps.enabled)
        return {
          live: false,
          subscriptionId: null,
          calls: false,
          problem: 'Notifications are turned off.',
          action: 'none',
        };
      const last = checked.get(tenantId);
      if (!options.force && last && clock.now() < last.until) {
        const { subscriptionId } = last.outcome;
        // A failure waits its turn; a kept subscription only while it is still ours.
        if (subscriptionId === null || (await store.getPushSubscription(subscriptionId)))
          return { ...last.outcome, action: 'none' };
      }
      let outcome: PushOutcome;
      let recheckIn = CHECK_EVERY_MS;
      try {
        outcome = await reconcile(tenantId, options.signal, options.ringcentral);
        deps.logger.debug({ tenantId, ...outcome }, 'push subscription checked');
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const problem = problemOf(error, deps.address);
        deps.logger.warn(
          { tenantId, err: { message: errorMessage(error) } },
          'push subscription could not be kept',
        );
        outcome = { live: false, subscriptionId: null, calls: false, problem, action: 'failed' };
        // A refused authorization is the run's to report; once reconnected, the next run tries again.
        recheckIn = error instanceof SourceError && error.kind === 'auth' ? 0 : RETRY_FAILED_MS;
      }
      checked.set(tenantId, { until: clock.now() + recheckIn, outcome });
      return outcome;
    },

    async removeAll(tenantId) {
      checked.delete(tenantId);
      const ours = await store.listPushSubscriptions(tenantId);
      if (ours.length === 0) return;
      try {
        const { api } = await open(tenantId);
        try {
          for (const s of ours) await deleteRemote(api, s.id);
        } finally {
          api.close();
        }
      } catch (error) {
        // The authorization may already be dead: RingCentral then ends the subscription at its
        // expiry, and its notifications meet a 404 here (no record) until then.
        deps.logger.warn(
          { tenantId, err: { message: errorMessage(error) } },
          'push subscriptions not deleted at RingCentral',
        );
      }
      for (const s of ours) await store.deletePushSubscription(s.id);
    },
  };
}

function problemOf(error: unknown, address: string): string {
  if (error instanceof SourceError && error.errorCode === 'SUB-525')
    return `RingCentral could not reach ${address} (it must answer RingCentral's validation request from the internet).`;
  if (error instanceof SourceError && error.errorCode === 'SUB-505')
    return 'RingCentral allows no more subscriptions for this user and app.';
  return `Notifications could not be set up: ${errorMessage(error)}`;
}
