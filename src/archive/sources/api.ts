/**
 * The RingCentral API client of the archive pipeline: the real SDK's Platform behind the tenant's
 * rate limiter, with errors classified once (source-error.ts), retries with backoff inside, and
 * bodies that cannot end quietly short (checked-body.ts).
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
import { checkedBody, readAll, toNodeReadable } from './checked-body.ts';
import { pathOf, routeGroupOf } from './rate-groups.ts';
import { SourceError, toSourceError, type ErrorResponse } from './source-error.ts';
import { wait } from './wait.ts';

export type Platform = ReturnType<SDK['platform']>;

export type QueryValue = string | number | boolean | ReadonlyArray<string | number> | undefined;
/** Arrays are sent as repeated keys (`messageType=SMS&messageType=Fax`), as RingCentral expects. */
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
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

export type CallCounts = Record<RateGroup, number> & Record<string, number>;

export interface ApiStats {
  /** Requests RingCentral answered, per rate-limit group (as the answer named it). */
  calls: CallCounts;
  /** 429 answers seen (each one also cost a retry). */
  rateLimited: number;
  retries: number;
}

export interface RingCentralApi {
  get<T>(pathOrUrl: string, query?: Query, options?: RequestOptions): Promise<T>;
  post<T>(path: string, body?: unknown, options?: RequestOptions): Promise<T>;
  download(url: string, options?: RequestOptions): Promise<Download>;
  stats(): ApiStats;
  /** Stops listening to the Platform's refresh events. */
  close(): void;
}

export interface RingCentralApiOptions {
  limiter: RateLimiter;
  logger: Logger;
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

export function createRingCentralApi(platform: Platform, options: RingCentralApiOptions): RingCentralApi {
  const { limiter, logger } = options;
  const clock = options.clock ?? systemClock;
  const maxRetries = options.maxRetries ?? 5;
  const backoff = options.backoff ?? { minMs: 2_000, maxMs: 60_000 };
  const stallTimeoutMs = options.stallTimeoutMs ?? 60_000;
  const calls = Object.fromEntries(RATE_GROUPS.map((g) => [g, 0])) as CallCounts;
  let rateLimited = 0;
  let retries = 0;
  /** Groups the server named for a route when they differed from the table. */
  const corrections = new Map<string, string>();

  const count = (group: string, status: number) => {
    calls[group] = (calls[group] ?? 0) + 1;
    if (status === 429) rateLimited++;
  };

  // Token refreshes happen inside the SDK; count them and let the Auth window learn from them.
  const onRefreshAnswer = (answer: unknown) => {
    const response = (answer as { response?: RateAnswer } | null)?.response ?? (answer as RateAnswer);
    if (!response || typeof response.status !== 'number') return;
    count(limiter.observe('Auth', response), response.status);
  };
  platform.on(platform.events.refreshSuccess, onRefreshAnswer);
  platform.on(platform.events.refreshError, onRefreshAnswer);

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
      const guessed = corrections.get(route) ?? tableGroup;
      const permit = await limiter.acquire(guessed, stop);
      const sendInit: SendInit = { method, url, headers: init.headers, body: init.body };
      if (init.query) sendInit.query = definedOnly(init.query);
      if (stop) sendInit.signal = stop;
      let response: HttpResponse;
      try {
        response = await platform.send(sendInit);
      } catch (error) {
        const answer = (error as { response?: HttpResponse | null }).response ?? null;
        const counted = limiter.settle(permit, answer);
        if (answer) count(counted, answer.status);
        if (stop?.aborted) throw stop.reason;
        throw await toSourceError(error, { method, url }, clock.now());
      }
      const counted = limiter.settle(permit, response);
      count(counted, response.status);
      if (counted !== guessed && response.headers.get('x-rate-limit-group')) corrections.set(route, counted);
      return read(response, what, stop);
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
    stats: () => ({ calls: { ...calls }, rateLimited, retries }),
    close: () => {
      platform.removeListener(platform.events.refreshSuccess, onRefreshAnswer);
      platform.removeListener(platform.events.refreshError, onRefreshAnswer);
    },
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
