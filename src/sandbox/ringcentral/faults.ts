/**
 * Faults injected at run time through `POST /__sim/faults`. Random choices come from a seeded PRNG
 * (`faultSeed`) so a chaos test that fails can be replayed.
 */
import { z } from 'zod';
import { RATE_GROUPS, type RateGroup } from './options.ts';
import { createRng, type Rng } from './seed/prng.ts';

const groupSchema = z.enum(RATE_GROUPS as [RateGroup, ...RateGroup[]]);

const accountLimitSchema = z.object({
  accountId: z.string(),
  seconds: z.number().positive(),
  /** Sent as Retry-After; null sends none (the client then picks its own wait). Default: `seconds`. */
  retryAfterSeconds: z.number().int().min(0).nullable().optional(),
});

const stormSchema = z.object({
  group: groupSchema,
  count: z.number().int().min(0),
  retryAfterSeconds: z.number().int().min(0).optional(),
});

export const faultsInputSchema = z
  .object({
    reset: z.boolean().optional(),
    faultSeed: z.number().int().optional(),
    latencyMs: z.number().min(0).optional(),
    errorRate: z.number().min(0).max(1).optional(),
    errorNext: z.number().int().min(0).optional(),
    errorStatus: z.union([z.literal(500), z.literal(503)]).optional(),
    rateLimitStorm: z.union([stormSchema, z.array(stormSchema)]).optional(),
    truncateBodies: z
      .union([z.number().min(0).max(1), z.object({ count: z.number().int().min(0) })])
      .optional(),
    revokeTokens: z.union([z.string(), z.array(z.string())]).optional(),
    deleteOnDownload: z.object({ count: z.number().int().min(0) }).optional(),
    rateLimitWindowSeconds: z.number().positive().optional(),
    adminCanReadOtherMailboxes: z.boolean().optional(),
    forceFullSync: z.number().int().min(0).optional(),
    accountRateLimit: z.union([accountLimitSchema, z.array(accountLimitSchema)]).optional(),
    logRequests: z.number().int().min(0).max(100_000).optional(),
    dropNotifications: z.number().min(0).max(1).optional(),
    duplicateNotifications: z.number().min(0).max(1).optional(),
  })
  .strict();

export type FaultsInput = z.infer<typeof faultsInputSchema>;

export interface FaultsView {
  latencyMs: number;
  errorRate: number;
  errorNext: number;
  errorStatus: 500 | 503 | null;
  rateLimitStorm: Partial<Record<RateGroup, { remaining: number; retryAfterSeconds: number | null }>>;
  truncateBodies: { share: number; remainingCount: number };
  deleteOnDownload: { remainingCount: number };
  rateLimitWindowSeconds: number;
  adminCanReadOtherMailboxes: boolean;
  forceFullSync: number;
  accountRateLimit: Record<string, { until: string; seconds: number; retryAfterSeconds: number | null }>;
  logRequests: number;
  dropNotifications: number;
  duplicateNotifications: number;
}

/** RingCentral's emergency limit per (account, app), switched on for one account. */
interface AccountLimit {
  until: number;
  seconds: number;
  retryAfterSeconds: number | null;
}

export class Faults {
  latencyMs = 0;
  errorRate = 0;
  /** The next N REST and media requests fail, whatever `errorRate` says. */
  errorNext = 0;
  errorStatus: 500 | 503 | null = null;
  storms = new Map<RateGroup, { remaining: number; retryAfterSeconds: number | null }>();
  truncateShare = 0;
  truncateCount = 0;
  /**
   * The next N downloads of a live recording or attachment find it deleted: the item goes the way
   * an admin's delete takes it, between the archiver's listing and its download.
   */
  deleteOnDownload = 0;
  /** Next N sync requests in ISync mode are told to start over with a full sync. */
  forceFullSync = 0;
  /** Accounts under the emergency account-level limit, until a sim time. */
  accountLimits = new Map<string, AccountLimit>();
  /** Requests kept per account in the request log (0: none). */
  logRequests = 0;
  /** Share of WebHook notifications lost before their first delivery attempt. */
  dropNotifications = 0;
  /** Share of WebHook notifications sent twice (the same uuid and body). */
  duplicateNotifications = 0;
  rateLimitWindowSeconds: number;
  adminCanReadOtherMailboxes: boolean;
  /** Behind every random fault choice; reseeded by `faultSeed`. */
  rng: Rng = createRng('faults');
  private readonly defaults: { rateLimitWindowSeconds: number; adminCanReadOtherMailboxes: boolean };

  constructor(defaults: { rateLimitWindowSeconds: number; adminCanReadOtherMailboxes: boolean }) {
    this.defaults = defaults;
    this.rateLimitWindowSeconds = defaults.rateLimitWindowSeconds;
    this.adminCanReadOtherMailboxes = defaults.adminCanReadOtherMailboxes;
  }

  reset(): void {
    this.latencyMs = 0;
    this.errorRate = 0;
    this.errorNext = 0;
    this.errorStatus = null;
    this.storms.clear();
    this.truncateShare = 0;
    this.truncateCount = 0;
    this.deleteOnDownload = 0;
    this.forceFullSync = 0;
    this.accountLimits.clear();
    this.logRequests = 0;
    this.dropNotifications = 0;
    this.duplicateNotifications = 0;
    this.rateLimitWindowSeconds = this.defaults.rateLimitWindowSeconds;
    this.adminCanReadOtherMailboxes = this.defaults.adminCanReadOtherMailboxes;
    this.rng = createRng('faults');
  }

  /** Applies the fields present; `revokeTokens` is an action and is handled by the caller. */
  apply(input: FaultsInput, now: number): void {
    if (input.reset) this.reset();
    if (input.faultSeed !== undefined) this.rng = createRng(`faults:${input.faultSeed}`);
    if (input.latencyMs !== undefined) this.latencyMs = input.latencyMs;
    if (input.errorRate !== undefined) this.errorRate = input.errorRate;
    if (input.errorNext !== undefined) this.errorNext = input.errorNext;
    if (input.errorStatus !== undefined) this.errorStatus = input.errorStatus;
    if (input.rateLimitStorm !== undefined) {
      const storms = Array.isArray(input.rateLimitStorm) ? input.rateLimitStorm : [input.rateLimitStorm];
      for (const s of storms) {
        this.storms.set(s.group, { remaining: s.count, retryAfterSeconds: s.retryAfterSeconds ?? null });
      }
    }
    if (input.truncateBodies !== undefined) {
      if (typeof input.truncateBodies === 'number') {
        this.truncateShare = input.truncateBodies;
        this.truncateCount = 0;
      } else {
        this.truncateCount = input.truncateBodies.count;
        this.truncateShare = 0;
      }
    }
    if (input.deleteOnDownload !== undefined) this.deleteOnDownload = input.deleteOnDownload.count;
    if (input.rateLimitWindowSeconds !== undefined)
      this.rateLimitWindowSeconds = input.rateLimitWindowSeconds;
    if (input.adminCanReadOtherMailboxes !== undefined) {
      this.adminCanReadOtherMailboxes = input.adminCanReadOtherMailboxes;
    }
    if (input.forceFullSync !== undefined) this.forceFullSync = input.forceFullSync;
    if (input.accountRateLimit !== undefined) {
      const limits = Array.isArray(input.accountRateLimit)
        ? input.accountRateLimit
        : [input.accountRateLimit];
      for (const l of limits) {
        const retryAfterSeconds =
          l.retryAfterSeconds === undefined ? Math.ceil(l.seconds) : l.retryAfterSeconds;
        this.accountLimits.set(l.accountId, {
          until: now + l.seconds * 1000,
          seconds: l.seconds,
          retryAfterSeconds,
        });
      }
    }
    if (input.logRequests !== undefined) this.logRequests = input.logRequests;
    if (input.dropNotifications !== undefined) this.dropNotifications = input.dropNotifications;
    if (input.duplicateNotifications !== undefined)
      this.duplicateNotifications = input.duplicateNotifications;
  }

  /**
   * Whether the account is under its emergency limit at `now`. A refused request restarts the
   * limit, as RingCentral says of its penalties. Returns the Retry-After to send (null: none).
   */
  takeAccountLimit(accountId: string, now: number): { retryAfterSeconds: number | null } | null {
    const limit = this.accountLimits.get(accountId);
    if (!limit) return null;
    if (now >= limit.until) {
      this.accountLimits.delete(accountId);
      return null;
    }
    limit.until = now + limit.seconds * 1000;
    return { retryAfterSeconds: limit.retryAfterSeconds };
  }

  /** Whether this API request should fail with an injected 5xx, and with which status. */
  injectError(): 500 | 503 | null {
    if (this.errorNext > 0) this.errorNext--;
    else if (this.errorRate <= 0 || this.rng.next() >= this.errorRate) return null;
    return this.errorStatus ?? (this.rng.chance(0.5) ? 500 : 503);
  }

  /** Consumes one storm 429 for the group, returning its Retry-After in seconds. */
  takeStorm(group: RateGroup): number | null {
    const storm = this.storms.get(group);
    if (!storm || storm.remaining <= 0) return null;
    storm.remaining--;
    return storm.retryAfterSeconds ?? Math.ceil(this.rateLimitWindowSeconds);
  }

  /** Whether the next media body should be cut short after its headers promised the full length. */
  takeTruncation(): boolean {
    if (this.truncateCount > 0) {
      this.truncateCount--;
      return true;
    }
    return this.truncateShare > 0 && this.rng.next() < this.truncateShare;
  }

  /** Whether this download's item is deleted just before it is served (consumes one). */
  takeDeleteOnDownload(): boolean {
    if (this.deleteOnDownload <= 0) return false;
    this.deleteOnDownload--;
    return true;
  }

  takeFullSync(): boolean {
    if (this.forceFullSync <= 0) return false;
    this.forceFullSync--;
    return true;
  }

  view(): FaultsView {
    return {
      latencyMs: this.latencyMs,
      errorRate: this.errorRate,
      errorNext: this.errorNext,
      errorStatus: this.errorStatus,
      rateLimitStorm: Object.fromEntries(this.storms),
      truncateBodies: { share: this.truncateShare, remainingCount: this.truncateCount },
      deleteOnDownload: { remainingCount: this.deleteOnDownload },
      rateLimitWindowSeconds: this.rateLimitWindowSeconds,
      adminCanReadOtherMailboxes: this.adminCanReadOtherMailboxes,
      forceFullSync: this.forceFullSync,
      accountRateLimit: Object.fromEntries(
        [...this.accountLimits].map(([id, l]) => [
          id,
          {
            until: new Date(l.until).toISOString(),
            seconds: l.seconds,
            retryAfterSeconds: l.retryAfterSeconds,
          },
        ]),
      ),
      logRequests: this.logRequests,
      dropNotifications: this.dropNotifications,
      duplicateNotifications: this.duplicateNotifications,
    };
  }
}
