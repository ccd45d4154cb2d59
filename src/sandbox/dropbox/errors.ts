/**
 * Replies and the error formats Dropbox uses, in one place so every route answers alike:
 * 400 plain text, 401 JSON AuthError with `Www-Authenticate`, 409 `{error_summary, error}` and
 * 429 RateLimitError with an integer `Retry-After`.
 */

export type JsonValue = null | boolean | number | string | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

interface FileBody {
  file: string;
  start: number;
  /** Inclusive, as in a `Range` header. */
  end: number;
}

export interface Reply {
  status: number;
  headers?: Record<string, string>;
  body?: string | FileBody;
  /** The HTTP reason phrase; Dropbox puts the error summary there (`409 path/conflict/file/.`). */
  statusMessage?: string;
}

/** Thrown anywhere below a route handler to answer with `reply` at once. */
export class ApiFailure extends Error {
  readonly reply: Reply;

  constructor(reply: Reply) {
    super(`Dropbox simulator reply ${reply.status}`);
    this.reply = reply;
  }
}

export const fail = (reply: Reply): ApiFailure => new ApiFailure(reply);

export function json(value: JsonValue, status = 200): Reply {
  // Exactly `application/json`: the Python SDK asserts this string on every success.
  return { status, headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(value) };
}

/** 400 "Bad input parameter": plain text naming the route, as Dropbox writes it. */
export function badInput(route: string, message: string): Reply {
  return {
    status: 400,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    body: `Error in call to API function "${route}": ${message}`,
  };
}

/**
 * The union tags of an error joined by `/`: follows `.tag`, then the member holding the tag's value
 * (nested under its own key, or a struct field such as `reason` when the member is an inlined struct).
 */
export function summaryTags(error: JsonValue): string[] {
  const tags: string[] = [];
  let node: JsonValue | undefined = error;
  while (node && typeof node === 'object' && !Array.isArray(node)) {
    const tag: JsonValue | undefined = node['.tag'];
    if (typeof tag === 'string') tags.push(tag);
    const inner: JsonValue | undefined =
      typeof tag === 'string' && isTagged(node[tag])
        ? node[tag]
        : Object.entries(node).find(([key, value]) => key !== '.tag' && isTagged(value))?.[1];
    node = inner;
  }
  return tags;
}

function isTagged(value: JsonValue | undefined): value is JsonObject {
  return !!value && typeof value === 'object' && !Array.isArray(value) && typeof value['.tag'] === 'string';
}

/**
 * Dropbox appends a random run of dots so nobody parses `error_summary` instead of `error`; the
 * simulator does the same (0 to 3 dots) so clients that match on the summary fail here too.
 */
export function errorSummary(error: JsonValue): string {
  return `${summaryTags(error).join('/')}/${'.'.repeat(Math.floor(Math.random() * 4))}`;
}

/** A route-specific error: 409 `{"error_summary": "...", "error": {...}}`. */
export function routeError(error: JsonObject, status = 409): Reply {
  const summary = errorSummary(error);
  return { ...json({ error_summary: summary, error }, status), statusMessage: summary };
}

type AuthErrorTag = 'invalid_access_token' | 'expired_access_token' | 'missing_scope';

export function authError(tag: AuthErrorTag, extra: JsonObject = {}): Reply {
  const reply = routeError({ '.tag': tag, ...extra }, 401);
  return { ...reply, headers: { ...reply.headers, 'Www-Authenticate': 'Bearer realm="Dropbox-API"' } };
}

/** 429 `too_many_write_operations`: namespace lock contention, always `Retry-After: 1`. */
export function tooManyWriteOperations(): Reply {
  const reply = routeError({ reason: { '.tag': 'too_many_write_operations' } }, 429);
  return { ...reply, headers: { ...reply.headers, 'Retry-After': '1' } };
}

/** 429 `too_many_requests`: the per-token rate limit, JSON or (optionally) Dropbox's plain-text form. */
export function tooManyRequests(retryAfterSeconds: number, plainText = false): Reply {
  const headers = { 'Retry-After': String(retryAfterSeconds) };
  if (plainText) {
    return {
      status: 429,
      headers: { ...headers, 'Content-Type': 'text/plain; charset=utf-8' },
      body: 'Too many requests',
    };
  }
  const reply = routeError({ reason: { '.tag': 'too_many_requests' }, retry_after: retryAfterSeconds }, 429);
  return { ...reply, headers: { ...reply.headers, ...headers } };
}

export function serverError(status: number): Reply {
  return {
    status,
    headers: { 'Content-Type': 'text/plain; charset=utf-8' },
    body: status === 503 ? 'Service Unavailable' : 'Internal Server Error',
  };
}

/**
 * 403 of a Dropbox Business team over its monthly data transport cap: `invalid_account_type/feature`
 * with a `user_message`, as Dropbox's data transport limit page describes. No Retry-After: the cap
 * resets with the month.
 */
export function dataTransportLimit(): Reply {
  const error: JsonObject = { '.tag': 'invalid_account_type', invalid_account_type: { '.tag': 'feature' } };
  const summary = errorSummary(error);
  return {
    ...json(
      {
        error_summary: summary,
        error,
        user_message: {
          locale: 'en',
          text: 'Your team has used all of its data transport API calls for the month. Contact your admin.',
        },
      },
      403,
    ),
    statusMessage: summary,
  };
}
