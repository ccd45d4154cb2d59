import { DestinationError, type DestinationErrorKind } from '../types.ts';
import { DROPBOX } from './identity.ts';

/**
 * Turns what the SDK and the network throw into the port's four kinds, once, with a message that
 * names the file and quotes Dropbox's own summary. Matching is on the `error` union's tags, never on
 * `error_summary` (Dropbox pads that with random dots precisely so nobody parses it).
 */

export class DropboxDestinationError extends DestinationError {
  /** Worth sending the same call again now (after `retryAfterMs`, then backoff). */
  readonly transient: boolean;
  readonly status: number | undefined;
  /** Dropbox's union tags joined by `/`, e.g. `path/conflict/file`. */
  readonly summary: string | undefined;
  readonly retryAfterMs: number | undefined;

  constructor(
    kind: DestinationErrorKind,
    message: string,
    details: {
      transient?: boolean;
      status?: number;
      summary?: string;
      retryAfterMs?: number;
      cause?: unknown;
    } = {},
  ) {
    super(kind, message, DROPBOX, { cause: details.cause });
    this.transient = details.transient ?? false;
    this.status = details.status;
    this.summary = details.summary;
    this.retryAfterMs = details.retryAfterMs;
  }
}

/** The SDK's error shape, checked structurally (its d.ts does not declare it an Error subclass). */
interface DropboxResponseErrorLike {
  name: 'DropboxResponseError';
  status: number;
  headers?: { get(name: string): string | null };
  error: unknown;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function isDropboxResponseError(error: unknown): error is DropboxResponseErrorLike {
  return isRecord(error) && error.name === 'DropboxResponseError' && typeof error.status === 'number';
}

/**
 * The tags of a Stone union value, outermost first: `.tag`, then the member holding its value (under
 * the tag's own key, or an inlined struct field such as `reason`), down to a void member or the
 * shorthand string form (`"conflict": "file"`). A 429 body has no top tag: `{reason: {...}}`.
 */
export function unionTags(value: unknown): string[] {
  const tags: string[] = [];
  let node: unknown = value;
  while (isRecord(node)) {
    const tag = node['.tag'];
    if (typeof tag === 'string') tags.push(tag);
    const own = typeof tag === 'string' ? node[tag] : undefined;
    if (typeof own === 'string') {
      tags.push(own);
      break;
    }
    node = isRecord(own)
      ? own
      : Object.values(node).find((v) => isRecord(v) && typeof v['.tag'] === 'string');
  }
  return tags;
}

/** A numeric field anywhere in a union value (e.g. `correct_offset` under `lookup_failed`). */
export function findNumber(value: unknown, field: string): number | undefined {
  if (!isRecord(value)) return undefined;
  const own = value[field];
  if (typeof own === 'number') return own;
  for (const inner of Object.values(value)) {
    const found = findNumber(inner, field);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The tags of a response error's `error` union (empty for plain-text bodies). */
export function responseTags(error: unknown): string[] {
  return isDropboxResponseError(error) && isRecord(error.error) ? unionTags(error.error.error) : [];
}

/** `path/not_found` from a lookup (list_folder, download, get_metadata), raw or classified. */
export function isPathNotFound(error: unknown): boolean {
  const tags = responseTags(error instanceof DestinationError ? error.cause : error);
  return tags[0] === 'path' && tags[1] === 'not_found';
}

const TRANSIENT_TAGS = new Set(['too_many_write_operations', 'too_many_requests', 'internal_error']);

/** UploadSessionLookupError tags, which append_v2 returns at the top level. */
const SESSION_TAGS = new Set(['not_found', 'incorrect_offset', 'closed', 'not_closed']);

/** Refusals of one item that retrying cannot change, with what they mean for the person reading. */
const ITEM_HINTS: Record<string, string> = {
  conflict: 'something different is already at that path, and the archiver never overwrites or renames it',
  malformed_path: 'the path is not valid in Dropbox',
  disallowed_name: 'Dropbox does not allow this file name',
  no_write_permission: 'the app may not write there',
  team_folder: 'the path is inside a team folder',
  restricted_content: 'Dropbox restricts this content',
  access_restricted: 'access to that path is restricted',
  operation_suppressed: 'Dropbox suppressed the operation',
  payload_too_large: 'the request was larger than Dropbox accepts',
  too_large: 'the file is larger than an upload session can hold',
};

/**
 * The kind for a Dropbox error union (a 409 body, or a failed finish_batch_v2 entry). `what` says what
 * was being done, e.g. `commit of /Acme/2026/a.mp3`.
 */
export function errorFromTags(
  tags: string[],
  what: string,
  details: { status?: number; retryAfterMs?: number; cause?: unknown } = {},
): DropboxDestinationError {
  const summary = tags.join('/');
  const says = `Dropbox refused the ${what}: ${summary || 'unknown error'}`;
  const base = { ...details, summary };
  if (tags.includes('insufficient_space')) {
    return new DropboxDestinationError('full', `${says} (the Dropbox account is full)`, base);
  }
  if (tags.some((tag) => TRANSIENT_TAGS.has(tag))) {
    return new DropboxDestinationError('retry', says, { ...base, transient: true });
  }
  if (tags.includes('content_hash_mismatch')) {
    return new DropboxDestinationError('retry', `${says} (the bytes were damaged on the way; sent again)`, {
      ...base,
      transient: true,
    });
  }
  if (tags[0] === 'lookup_failed' || SESSION_TAGS.has(tags[0] ?? '')) {
    // The upload session is gone, closed or out of step: the whole file has to be uploaded again.
    return new DropboxDestinationError('retry', `${says} (the upload session is lost; upload again)`, base);
  }
  const hint = tags.map((tag) => ITEM_HINTS[tag]).find((h) => h !== undefined);
  return new DropboxDestinationError('item', hint ? `${says} (${hint})` : says, base);
}

/** `Retry-After` in integer seconds (the only form Dropbox sends), or the body's `retry_after`. */
function retryAfterMs(error: DropboxResponseErrorLike): number | undefined {
  const header = error.headers?.get?.('retry-after');
  if (header && /^\d+$/.test(header.trim())) return Number(header.trim()) * 1000;
  const body = isRecord(error.error) ? error.error.error : undefined;
  const seconds = isRecord(body) ? body.retry_after : undefined;
  return typeof seconds === 'number' ? seconds * 1000 : undefined;
}

const NETWORK_CODES =
  /^(ECONNRESET|ECONNREFUSED|ECONNABORTED|EPIPE|ETIMEDOUT|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_\w+)$/;

/** fetch and socket failures: the request may or may not have reached Dropbox. */
function isNetworkError(error: unknown): boolean {
  if (!(error instanceof Error)) return false;
  if (error.name === 'TimeoutError') return true;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && NETWORK_CODES.test(code)) return true;
  if (error.name === 'TypeError' && /^(fetch failed|terminated)$/.test(error.message)) return true;
  return error.cause !== undefined && error.cause !== error && isNetworkError(error.cause);
}

export { abortReason } from '../../lib/errors.ts';

const isAuthKind = (error: unknown): boolean => isRecord(error) && error.kind === 'auth';

/** Classifies anything a Dropbox call threw. Errors already classified pass through unchanged. */
export function classifyError(error: unknown, what: string): DestinationError {
  if (error instanceof DestinationError) return error;
  const message = error instanceof Error ? error.message : String(error);
  if (isAuthKind(error)) {
    return new DropboxDestinationError(
      'auth',
      `Dropbox authorization is gone (${message}); reconnect Dropbox`,
      {
        cause: error,
      },
    );
  }
  if (isDropboxResponseError(error)) return fromResponse(error, what);
  if (isNetworkError(error)) {
    return new DropboxDestinationError('retry', `Network error during the ${what}: ${message}`, {
      transient: true,
      cause: error,
    });
  }
  return new DropboxDestinationError('retry', `Unexpected error during the ${what}: ${message}`, {
    cause: error,
  });
}

function fromResponse(error: DropboxResponseErrorLike, what: string): DropboxDestinationError {
  const { status } = error;
  const tags = responseTags(error);
  const text = typeof error.error === 'string' ? error.error.slice(0, 500) : '';
  const details = { status, retryAfterMs: retryAfterMs(error), cause: error };
  const summary = tags.join('/') || text || `HTTP ${status}`;
  if (status === 401 || (status === 400 && isRecord(error.error) && error.error.error === 'invalid_grant')) {
    return new DropboxDestinationError(
      'auth',
      `Dropbox no longer accepts this app's authorization (${summary}); reconnect Dropbox`,
      { ...details, summary },
    );
  }
  if (status === 409) return errorFromTags(tags, what, details);
  if (status === 429 || status === 408 || status >= 500) {
    return new DropboxDestinationError('retry', `Dropbox answered ${status} to the ${what}: ${summary}`, {
      ...details,
      summary,
      transient: true,
      // A 429 without a usable Retry-After still means "wait": Dropbox's default is 1 s.
      retryAfterMs: details.retryAfterMs ?? (status === 429 ? 1000 : undefined),
    });
  }
  if (status === 403 && tags[0] === 'invalid_account_type') {
    // The team's monthly data transport cap (every upload call counts): no retry helps until the
    // month turns, and the cap is the team's, so the whole company pauses.
    const userMessage =
      isRecord(error.error) && isRecord(error.error.user_message) ? error.error.user_message.text : null;
    return new DropboxDestinationError(
      'capped',
      `Dropbox refused the ${what}: ${summary}` +
        (typeof userMessage === 'string' ? ` (${userMessage.slice(0, 300)})` : ''),
      { ...details, summary },
    );
  }
  if (status === 400 || status === 403) {
    return new DropboxDestinationError('item', `Dropbox refused the ${what} (${status}): ${summary}`, {
      ...details,
      summary,
    });
  }
  return new DropboxDestinationError('retry', `Dropbox answered ${status} to the ${what}: ${summary}`, {
    ...details,
    summary,
  });
}
