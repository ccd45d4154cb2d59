import { Accounts } from './accounts.ts';
import { BlobStore } from './blob-store.ts';
import { SimClock } from './clock.ts';
import type { JsonObject } from './errors.ts';
import { Faults } from './faults.ts';
import { NamespaceLocks } from './namespace-lock.ts';
import { RateLimiter } from './rate-limit.ts';
import { SessionStore } from './sessions.ts';
import { Stats } from './stats.ts';
import { TemporaryLinks } from './temporary-links.ts';
import { DEFAULT_APP_SCOPES, TokenStore } from './tokens.ts';

/** A registered app as the simulator's App Console would hold it. */
export interface SimApp {
  appKey: string;
  appSecret: string;
  redirectUris: string[];
  scopes: string[];
}

interface SimStateOptions {
  apps: Array<{ appKey: string; appSecret: string; redirectUris: string[]; scopes?: string[] }>;
  accessTokenTtlSeconds: number;
  storageDir: string | undefined;
  defaultQuotaBytes: number;
  now: () => number;
}

/** A `finish_batch` (v1) job: polled through `finish_batch/check` until it has entries. */
interface BatchJob {
  accountId: string;
  entries: JsonObject[] | null;
}

/** Everything one simulator instance knows; route handlers receive it through their context. */
export class SimState {
  readonly apps: Map<string, SimApp>;
  readonly clock: SimClock;
  readonly accounts: Accounts;
  readonly tokens: TokenStore;
  readonly blobs: BlobStore;
  readonly sessions: SessionStore;
  readonly faults = new Faults();
  readonly rateLimiter: RateLimiter;
  readonly locks = new NamespaceLocks();
  readonly stats = new Stats();
  readonly jobs = new Map<string, BatchJob>();
  /** Links from files/get_temporary_link, served by the link host (`/cd/0/get/...`). */
  readonly links = new TemporaryLinks();
  /** The simulator's own failures (answered as 500), newest last, so a test can see what broke. */
  readonly internalErrors: string[] = [];

  private constructor(options: SimStateOptions, blobs: BlobStore) {
    this.apps = new Map(
      options.apps.map((app) => [
        app.appKey,
        { ...app, redirectUris: [...app.redirectUris], scopes: app.scopes ?? DEFAULT_APP_SCOPES },
      ]),
    );
    this.clock = new SimClock(options.now);
    this.accounts = new Accounts(options.defaultQuotaBytes);
    this.tokens = new TokenStore(this.clock, options.accessTokenTtlSeconds);
    this.blobs = blobs;
    this.sessions = new SessionStore(this.clock, blobs);
    this.rateLimiter = new RateLimiter(this.faults, this.clock);
  }

  recordInternalError(error: unknown): void {
    this.internalErrors.push(error instanceof Error ? (error.stack ?? error.message) : String(error));
    if (this.internalErrors.length > 20) this.internalErrors.shift();
  }

  static async create(options: SimStateOptions): Promise<SimState> {
    return new SimState(options, await BlobStore.create(options.storageDir));
  }
}
