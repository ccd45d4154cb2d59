/**
 * Which RingCentral rate-limit group a request falls in, decided from its method and path before
 * it is sent, after the OpenAPI specification's `x-throttling-group` of each operation. The answer's
 * `X-Rate-Limit-Group` has the last word (the API client learns corrections per route), because
 * RingCentral says group names and assignments may change.
 */
import type { RateGroup } from '../../lib/rate-limiter.ts';

interface RouteGroup {
  /** A stable name for the kind of request, the key for learned corrections. */
  route: string;
  group: RateGroup;
}

interface RouteRule extends RouteGroup {
  /** Only this method; other methods on the same path are different operations. */
  method?: string;
  pattern: RegExp;
}

const SEGMENT = '[^/]+';

/** First match wins. Paths are matched without host and query. */
const RULES: readonly RouteRule[] = [
  { route: 'oauth', group: 'Auth', pattern: /^\/restapi\/oauth\// },
  // call-log, call-log/{id}, call-log-sync, call-log-extract-sync (account and extension level)
  { route: 'call-log', group: 'Heavy', pattern: /\/call-log(-sync|-extract-sync)?(\/[^/]+)?$/ },
  // recording/{id} and recording/{id}/content; not account/{id}/call-recording (settings, Light)
  {
    route: 'recording',
    group: 'Heavy',
    pattern: new RegExp(`/account/${SEGMENT}/recording/${SEGMENT}(/content)?$`),
  },
  // message-store-report, /{taskId}, /{taskId}/archive and the archive downloads
  { route: 'message-store-report', group: 'Heavy', pattern: /\/message-store-report(\/.*)?$/ },
  {
    route: 'message-content',
    group: 'Medium',
    method: 'GET',
    pattern: new RegExp(`/message-store/${SEGMENT}/content/${SEGMENT}$`),
  },
  {
    route: 'message-store',
    group: 'Light',
    method: 'GET',
    pattern: new RegExp(`/extension/${SEGMENT}/message-store(/${SEGMENT})?$`),
  },
  {
    route: 'extension-list',
    group: 'Medium',
    method: 'GET',
    pattern: new RegExp(`^/restapi/v1\\.0/account/${SEGMENT}/extension$`),
  },
  {
    route: 'extension-info',
    group: 'Light',
    method: 'GET',
    pattern: new RegExp(`^/restapi/v1\\.0/account/${SEGMENT}/extension/${SEGMENT}$`),
  },
  // Subscriptions (push notifications): create, update and delete are Medium, reads and renew Light.
  { route: 'subscription-renew', group: 'Light', pattern: /^\/restapi\/v1\.0\/subscription\/[^/]+\/renew$/ },
  {
    route: 'subscription-read',
    group: 'Light',
    method: 'GET',
    pattern: /^\/restapi\/v1\.0\/subscription(\/[^/]+)?$/,
  },
  { route: 'subscription', group: 'Medium', pattern: /^\/restapi\/v1\.0\/subscription(\/[^/]+)?$/ },
  {
    route: 'account-info',
    group: 'Light',
    method: 'GET',
    pattern: new RegExp(`^/restapi/v1\\.0/account/${SEGMENT}$`),
  },
];

/**
 * Anything else is assumed Heavy, the scarcest group that data calls use: a wrong guess then
 * costs a little Heavy budget once (the answer corrects it) instead of risking a 429.
 */
const UNKNOWN: RouteGroup = { route: 'other', group: 'Heavy' };

export function pathOf(pathOrUrl: string): string {
  const path = /^https?:\/\//i.test(pathOrUrl) ? new URL(pathOrUrl).pathname : pathOrUrl;
  const cut = path.search(/[?#]/);
  return cut >= 0 ? path.slice(0, cut) : path;
}

export function routeGroupOf(method: string, pathOrUrl: string): RouteGroup {
  const path = pathOf(pathOrUrl);
  const verb = method.toUpperCase();
  for (const rule of RULES) {
    if (rule.method && rule.method !== verb) continue;
    if (rule.pattern.test(path)) return { route: rule.route, group: rule.group };
  }
  return UNKNOWN;
}
