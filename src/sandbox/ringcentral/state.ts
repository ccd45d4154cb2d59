/**
 * Everything one simulator instance holds: clients, accounts, tokens, limits, faults, stats and
 * export tasks. Route modules receive this object; nothing is global, so several simulators can
 * run in one process (tests do).
 */
import { Account } from './account.ts';
import { SimClock } from './clock.ts';
import { ExportStore } from './export-store.ts';
import { Faults } from './faults.ts';
import { DigestCache } from './hashing.ts';
import { accountBase } from './ids.ts';
import {
  DEFAULT_LIMITS,
  DEFAULT_PERMISSIONS,
  type RateGroup,
  type RcAccountSpec,
  type RcSimClient,
  type RcSimOptions,
} from './options.ts';
import { RateLimiter } from './rate-limit.ts';
import { RequestLog } from './request-log.ts';
import { Stats } from './stats.ts';
import { DEFAULT_WEBHOOK_OPTIONS, WebhookHub, type WebhookOptions } from './subscriptions/hub.ts';
import { SubscriptionRegistry } from './subscriptions/registry.ts';
import { TokenStore } from './tokens.ts';
import { Urls } from './urls.ts';

export interface ClientApp extends RcSimClient {
  permissions: string[];
}

export class SimState {
  readonly options: RcSimOptions;
  readonly clock: SimClock;
  readonly urls = new Urls();
  readonly clients = new Map<string, ClientApp>();
  readonly accounts = new Map<string, Account>();
  readonly accountList: Account[] = [];
  readonly tokens: TokenStore;
  readonly faults: Faults;
  readonly limiter: RateLimiter;
  readonly stats = new Stats();
  readonly requests = new RequestLog(() => this.faults.logRequests);
  readonly digests = new DigestCache();
  readonly exports: ExportStore;
  readonly subscriptions = new SubscriptionRegistry();
  readonly webhookOptions: WebhookOptions;
  /** Delivers WebHook notifications for what happens in the accounts (new activity, deletions). */
  readonly webhooks: WebhookHub;
  readonly accessTtlSeconds: number;
  readonly refreshTtlSeconds: number;

  constructor(options: RcSimOptions) {
    this.options = options;
    this.clock = new SimClock(options.now ?? Date.now);
    for (const client of options.clients) {
      this.clients.set(client.clientId, {
        ...client,
        permissions: client.permissions ?? DEFAULT_PERMISSIONS,
      });
    }
    this.tokens = new TokenStore(options.maxSessionsPerUser ?? 5);
    this.faults = new Faults({
      rateLimitWindowSeconds: options.rateLimitWindowSeconds ?? 60,
      adminCanReadOtherMailboxes: options.adminCanReadOtherMailboxes ?? true,
    });
    const limits: Record<RateGroup, number> = { ...DEFAULT_LIMITS, ...options.limits };
    this.limiter = new RateLimiter(
      (group) => limits[group],
      () => this.faults.rateLimitWindowSeconds,
    );
    this.exports = new ExportStore(options.exportDelayMs ?? 3000, options.exportArchiveMaxBytes ?? 1024 ** 3);
    this.accessTtlSeconds = options.accessTokenTtlSeconds ?? 3600;
    this.refreshTtlSeconds = options.refreshTokenTtlSeconds ?? 604_800;
    this.webhookOptions = { ...DEFAULT_WEBHOOK_OPTIONS, ...options.webhooks };
    this.webhooks = new WebhookHub(
      {
        registry: this.subscriptions,
        now: () => this.now(),
        dropShare: () => this.faults.dropNotifications,
        duplicateShare: () => this.faults.duplicateNotifications,
        rng: () => this.faults.rng,
      },
      this.webhookOptions,
    );
    for (const spec of options.accounts ?? []) this.createAccount(spec);
  }

  now(): number {
    return this.clock.now();
  }

  createAccount(spec: RcAccountSpec): Account {
    const n = this.accountList.length + 1;
    const account = new Account(n, accountBase(n), spec, this.now());
    account.listener = {
      added: (calls, messages) => {
        this.webhooks.messagesChanged(account, messages, []);
        this.webhooks.callsEnded(account, calls);
      },
      messageChanged: (message) => this.webhooks.messagesChanged(account, [], [message]),
    };
    this.accounts.set(account.id, account);
    this.accountList.push(account);
    return account;
  }

  /** The account named by id, or the first one when no id is given. */
  account(accountId?: string): Account | undefined {
    if (accountId === undefined || accountId === '') return this.accountList[0];
    return this.accounts.get(accountId);
  }
}
