/**
 * The RingCentral API client of the archive pipeline: the real SDK's Platform of each connected
 * user behind that user's rate limiter (pool.ts spreads the work over them), with errors
 * classified once (source-error.ts), retries with backoff inside, and bodies that cannot end
 * quietly short (checked-body.ts).
 *
 * The Platform comes ready from the connections module, which owns tokens and refresh (and builds
 * the SDK with `clearCacheOnRefreshError: false` so a failed refresh does not wipe them). Two
 * requirements on it: `handleRateLimit` must stay off (the SDK would sleep and re-send behind the
 * limiter's back), and one API client per Platform at a time (it listens to the Platform's
 * refresh events to count token requests). The SDK's own re-send after a 401 is not seen here;
 * the limiter learns of it from the next `X-Rate-Limit-Remaining`.
 */
import type { Readable } from 'node:stream';
import type { SDK, SendOptions } from '@ringcentral/sdk';
import pRetry from 'p-retry';
import { systemClock, type Clock } from '../../lib/clock.ts';
import type { Logger } from '../../lib/logger.ts';
import {
  anySignal,
  RATE_GROUPS,
  type RateAnswer,
  type RateGroup,
  type RateLimiter,
} from '../../lib/rate-limiter.ts';
import type { AccountGateStats } from '../../lib/account-gate.ts';
import { checkedBody, readAll, toNodeReadable } from './checked-body.ts';
import { UserPool, type ApiUser, type PooledUser } from './pool.ts';
import { pathOf, routeGroupOf } from './rate-groups.ts';
import { SourceError, toSourceError, type ErrorResponse } from './source-error.ts';
import { wait } from './wait.ts';

export type Platform = ReturnType<SDK['platform']>;

type QueryValue = string | number | boolean | ReadonlyArray<string | number> | undefined;
/** Arrays are sent as repeated keys (`messageType=SMS&messageType=Fax`), as RingCentral expects. */
export type Query = Record<string, QueryValue>;

interface RequestOptions {
  signal?: AbortSignal;
  headers?: Record<string, string>;
}

export interface Download {
  /** Streams as it downloads; fails with a `retry` SourceError if cut short. */
  body: Readable;
  /** Content-Length, when the server sent one. */
  size: number | null;
  contentType: string | null;
}

type CallCounts = Record<RateGroup, number> & Record<string, number>;

interface ApiStats {
  /** Requests RingCentral answered, per rate-limit group (as the answer named it). */
  calls: CallCounts;
  /** 429 answers seen (each one also cost a retry). */
  rateLimited: number;
  retries: number;
  /** The company-wide pauses after 429s without X-Rate-Limit-* headers (account-gate.ts). */
  accountLimit: AccountGateStats;
  /** Each connected user's share. */
  users: UserStats[];
}

interface UserStats {
  id: string;
  label: string;
  admin: boolean;
  calls: CallCounts;
  rateLimited: number;
  /** Why the user was set aside during the run, or null. */
  setAside: string | null;
  /** The user's Heavy budget as RingCentral's headers last said. */
  heavy: { limit: number; windowMs: number };
}

export interface RingCentralApi {
  get<T>(pathOrUrl: string, query?: Query, options?: RequestOptions): Promise<T>;
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  put<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  delete(path: string, options?: RequestOptions): Promise<void>;
  download(url: string, options?: RequestOptions): Promise<Download>;
  stats(): ApiStats;
  /** Stops listening to the Platform's refresh events. */
  close(): void;
}

export interface RingCentralApiOptions {
  limiter: RateLimiter;
  logger: Logger;
  /** A connected user was set aside (grant lost, role missing): the others carry on. */
  onUserSetAside?: (user: ApiUser, reason: string) => void;
  clock?: Clock;
  signal?: AbortSignal;
  /** Retries of a `retry`-kind failure before it is thrown. Default 5. */
  maxRetries?: number;
  /** Exponential backoff between retries; RingCentral's guide: from 2 s, doubling. */
  backoff?: { minMs: number; maxMs: number };
  /** A body that sends nothing for this long while being read fails as `retry`. Default 60 s. */
  stallTimeoutMs?: number;
}

/** What the SDK's `send` accepts at run time: it hands the init to `new Request`, which takes a signal. */
type SendInit = SendOptions & { signal?: AbortSignal };

interface HttpResponse extends ErrorResponse {
  body: unknown;
  json(): Promise<unknown>;
}

/** One connected user: the company's admin connection. */
export function createRingCentralApi(platform: Platform, options: RingCentralApiOptions): RingCentralApi {
  return createPooledApi(
    [{ id: '', label: 'admin', platform, limiter: options.limiter, admin: true }],
    options,
  );
}

const zeroCalls = () => Object.fromEntries(RATE_GROUPS.map((g) => [g, 0])) as CallCounts;

/** Every connected user of the company, each with their own limiter (sharing one account gate). */
export function createPooledApi(
  users: readonly ApiUser[],
  options: Omit<RingCentralApiOptions, 'limiter'>,
): RingCentralApi {
  const { logger } = options;
  const pool = new UserPool(users, (user, reason) => {
    logger.warn({ user: user.label, reason }, 'RingCentral user set aside; the others carry on');
    options.onUserSetAside?.(user, reason);
  });
  const clock = options.clock ?? systemClock;
  const maxRetries = options.maxRetries ?? 5;
  const backoff = options.backoff ?? { minMs: 2_000, maxMs: 60_000 };
  const stallTimeoutMs = options.stallTimeoutMs ?? 60_000;
  // The gate lives as long as the company's limiters; this client reports its own share.
  const gateAtStart = pool.users[0]!.limiter.gate.stats();
  const calls = zeroCalls();
  let rateLimited = 0;
  let retries = 0;
  const perUser = new Map(pool.users.map((u) => [u, { calls: zeroCalls(), rateLimited: 0 }]));
  /** Groups the server named for a route when they differed from the table. */
  const corrections = new Map<string, string>();

  const count = (user: PooledUser, group: string, status: number) => {
    const mine = perUser.get(user)!;
    calls[group] = (calls[group] ?? 0) + 1;
    mine.calls[group] = (mine.calls[group] ?? 0) + 1;
    if (status === 429) {
      rateLimited++;
      mine.rateLimited++;
    }
  };

  // Token refreshes happen inside the SDK; count them and let the Auth window learn from them.
  const listeners = pool.users.map((user) => {
    const onRefreshAnswer = (answer: unknown) => {
      const response = (answer as { response?: RateAnswer } | null)?.response ?? (answer as RateAnswer);
      if (!response || typeof response.status !== 'number') return;
      count(user, user.limiter.observe('Auth', response), response.status);
    };
    user.platform.on(user.platform.events.refreshSuccess, onRefreshAnswer);
    user.platform.on(user.platform.events.refreshError, onRefreshAnswer);
    return () => {
      user.platform.removeListener(user.platform.events.refreshSuccess, onRefreshAnswer);
      user.platform.removeListener(user.platform.events.refreshError, onRefreshAnswer);
    };
  });

  async function send<R>(
    method: string,
    url: string,
    init: { query?: Query; body?: unknown; headers?: Record<string, string> },
    signal: AbortSignal | undefined,
    read: (response: HttpResponse, what: string, stop: AbortSignal | undefined) => Promise<R>,
    ownSignalOnly = false,
  ): Promise<R> {
    const stop = ownSignalOnly && signal ? signal : anySignal(options.signal, signal);
    const what = `${method} ${pathOf(url)}`;
    const { route, group: tableGroup } = routeGroupOf(method, url);

    const attempt = async (): Promise<R> => {
      for (;;) {
        const guessed = corrections.get(route) ?? tableGroup;
        const { user, permit } = await pool.acquire(route, guessed, stop);
        const sendInit: SendInit = { method, url, headers: init.headers, body: init.body };
        if (init.query) sendInit.query = definedOnly(init.query);
        if (stop) sendInit.signal = stop;
        let response: HttpResponse;
        try {
          response = await user.platform.send(sendInit);
        } catch (error) {
          const answer = (error as { response?: HttpResponse | null }).response ?? null;
          const counted = user.limiter.settle(permit, answer);
          if (answer) count(user, counted, answer.status);
          if (stop?.aborted) throw stop.reason;
          const failure = await toSourceError(error, { method, url }, clock.now());
          // A user whose grant is gone, or whose role no longer covers the company's call log and
          // recordings, is set aside; the request goes to another user at once.
          if (!user.admin && (failure.kind === 'auth' || failure.kind === 'forbidden')) {
            pool.setAside(user, failure.message);
            continue;
          }
          throw failure;
        }
        const counted = user.limiter.settle(permit, response);
        count(user, counted, response.status);
        if (counted !== guessed && response.headers.get('x-rate-limit-group'))
          corrections.set(route, counted);
        return read(response, what, stop);
      }
    };

    return pRetry(attempt, {
      retries: maxRetries,
      minTimeout: backoff.minMs,
      maxTimeout: backoff.maxMs,
      factor: 2,
      randomize: true,
      signal: stop,
      shouldRetry: ({ error }) => error instanceof SourceError && error.kind === 'retry',
      onFailedAttempt: async ({ error, retriesLeft }) => {
        if (!(error instanceof SourceError) || error.kind !== 'retry' || retriesLeft <= 0) return;
        retries++;
        logger.warn(
          { what, status: error.status, errorCode: error.errorCode, retryAfterMs: error.retryAfterMs },
          'RingCentral request failed; retrying',
        );
        // The limiter already sits out a 429 penalty of a permitted request; any other
        // Retry-After (503, a 429 on the SDK's token refresh) is honoured here.
        const limiterHandled = error.status === 429 && !error.duringRefresh;
        if (error.retryAfterMs && !limiterHandled) await wait(error.retryAfterMs, stop);
      },
    });
  }

  const readJson = async <T>(response: HttpResponse, what: string, stop: AbortSignal | undefined) => {
    const body = checkedBody(toNodeReadable(response.body), {
      expectedBytes: contentLength(response),
      stallTimeoutMs,
      signal: stop,
      what,
    });
    const text = (await readAll(body)).toString('utf8');
    if (text.trim() === '') return undefined as T; // 204 and friends
    try {
      return JSON.parse(text) as T;
    } catch (error) {
      throw new SourceError({
        kind: 'retry',
        status: response.status,
        message: `${what}: RingCentral sent a body that is not JSON. It is retried.`,
        cause: error,
      });
    }
  };

  return {
    get: <T>(pathOrUrl: string, query?: Query, opts: RequestOptions = {}) =>
      send('GET', pathOrUrl, { query, headers: opts.headers }, opts.signal, readJson<T>),
    post: <T>(path: string, body?: unknown, opts: RequestOptions = {}) =>
      send('POST', path, { body: body ?? {}, headers: opts.headers }, opts.signal, readJson<T>),
    put: <T>(path: string, body?: unknown, opts: RequestOptions = {}) =>
      send('PUT', path, { body: body ?? {}, headers: opts.headers }, opts.signal, readJson<T>),
    delete: async (path: string, opts: RequestOptions = {}) => {
      await send('DELETE', path, { headers: opts.headers }, opts.signal, readJson<undefined>);
    },
    // A download's body belongs to its caller: given a signal of its own, that one alone ends the
    // request and the body (the archive lets an upload that has begun finish past the run's stop).
    download: (url: string, opts: RequestOptions = {}) =>
      send(
        'GET',
        url,
        { headers: opts.headers },
        opts.signal,
        (response, what, stop) => {
          const size = contentLength(response);
          const body = checkedBody(toNodeReadable(response.body), {
            expectedBytes: size,
            stallTimeoutMs,
            signal: stop,
            what,
          });
          return Promise.resolve({ body, size, contentType: response.headers.get('content-type') });
        },
        true,
      ),
    stats: () => ({
      calls: { ...calls },
      rateLimited,
      retries,
      accountLimit: sinceStart(gateAtStart, pool.users[0]!.limiter.gate.stats()),
      users: pool.users.map((user) => ({
        id: user.id,
        label: user.label,
        admin: user.admin,
        calls: { ...perUser.get(user)!.calls },
        rateLimited: perUser.get(user)!.rateLimited,
        setAside: user.setAside,
        heavy: user.limiter.budget('Heavy'),
      })),
    }),
    close: () => {
      for (const stop of listeners) stop();
    },
  };
}

function sinceStart(start: AccountGateStats, now: AccountGateStats): AccountGateStats {
  return {
    storms: now.storms - start.storms,
    answers: now.answers - start.answers,
    pausedMs: now.pausedMs - start.pausedMs,
    lastStormAt: now.storms > start.storms ? now.lastStormAt : null,
  };
}

function contentLength(response: HttpResponse): number | null {
  const raw = response.headers.get('content-length');
  const n = raw === null ? NaN : Number(raw);
  return Number.isInteger(n) && n >= 0 ? n : null;
}

function definedOnly(query: Query): Record<string, unknown> {
  return Object.fromEntries(Object.entries(query).filter(([, v]) => v !== undefined));
}
