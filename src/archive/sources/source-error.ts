/**
 * Every failure of a RingCentral request, classified once into what the pipeline does about it:
 *
 * - `retry`: 429 (after its penalty), 5xx, 408, network errors, bodies cut short — retried inside
 *   the API client with backoff, and by the pipeline on a later run if retries run out;
 * - `gone`: 404/410 (CMN-102 …) — the item was deleted at RingCentral or is past retention; the
 *   pipeline records it as skipped with the reason;
 * - `forbidden`: 403 — RingCentral's errorCode (CMN-401/402/403/404/408) and message are kept so
 *   the dashboard can say which extension, which error and what the admin can do;
 * - `auth`: the token is dead (the SDK's own refresh failed, or a 401 survived it) — the tenant
 *   must reconnect;
 * - `bad-request`: other 4xx, e.g. a sync token RingCentral no longer accepts (MSG-333, CLG-10x).
 *
 * Messages name the method and path (never the query, never a token) and say what to do. The
 * SDK's error is not kept as `cause`: it carries the request, Authorization header included, and
 * everything useful has been read from it.
 */
import { redactUrl } from '../../lib/logger.ts';
import { DEFAULT_PENALTY_MS, retryAfterMs } from '../../lib/rate-limiter.ts';
import { pathOf } from './rate-groups.ts';

type SourceErrorKind = 'retry' | 'gone' | 'forbidden' | 'auth' | 'bad-request';

interface SourceErrorInit {
  kind: SourceErrorKind;
  message: string;
  status?: number | null;
  errorCode?: string | null;
  parameterName?: string | null;
  retryAfterMs?: number | null;
  /** The failure came from the SDK's token refresh, not from the request itself. */
  duringRefresh?: boolean;
  cause?: unknown;
}

export class SourceError extends Error {
  override name = 'SourceError';
  readonly kind: SourceErrorKind;
  readonly status: number | null;
  /** RingCentral's specific code (`errors[0].errorCode`, e.g. CMN-408), else the top-level one. */
  readonly errorCode: string | null;
  readonly parameterName: string | null;
  readonly retryAfterMs: number | null;
  readonly duringRefresh: boolean;

  constructor(init: SourceErrorInit) {
    super(init.message, init.cause === undefined ? undefined : { cause: init.cause });
    this.kind = init.kind;
    this.status = init.status ?? null;
    this.errorCode = init.errorCode ?? null;
    this.parameterName = init.parameterName ?? null;
    this.retryAfterMs = init.retryAfterMs ?? null;
    this.duringRefresh = init.duringRefresh ?? false;
  }
}

/** The parts of a fetch Response (the SDK's or the platform's) that classification reads. */
export interface ErrorResponse {
  status: number;
  headers: { get(name: string): string | null };
  bodyUsed: boolean;
  text(): Promise<string>;
}

interface RcErrorJson {
  errorCode?: string;
  message?: string;
  error?: string;
  error_description?: string;
  errors?: Array<{ errorCode?: string; message?: string; parameterName?: string }>;
}

const TOKEN_PATH = /^\/restapi\/oauth\/(token|revoke)$/;

/** The SDK's own refresh refusals, thrown before any request is made. */
const LOCAL_REFRESH_FAILURE = /^Refresh token (is missing|has expired)$/;

export async function toSourceError(
  error: unknown,
  request: { method: string; url: string },
  now: number,
): Promise<SourceError> {
  if (error instanceof SourceError) return error;
  const failed = error as { response?: ErrorResponse | null; request?: { url?: string } | null };
  const response = failed?.response ?? null;
  const failedPath = pathOf(failed?.request?.url ?? request.url);
  const duringRefresh = TOKEN_PATH.test(failedPath);
  const what = duringRefresh
    ? 'the access token refresh'
    : `${request.method.toUpperCase()} ${pathOf(request.url)}`;

  // The connections module's own verdicts (it owns refresh): the grant is gone, or was never there.
  const verdict = error as { kind?: unknown; name?: unknown; message?: unknown } | null;
  if (verdict?.kind === 'auth' || verdict?.name === 'NotConnectedError') {
    return new SourceError({ kind: 'auth', message: String(verdict.message), duringRefresh: true });
  }

  if (!response) {
    const reason = redactUrl(error instanceof Error ? error.message : String(error));
    if (LOCAL_REFRESH_FAILURE.test(reason)) {
      return new SourceError({
        kind: 'auth',
        message: `RingCentral cannot be called: ${reason}. ${ADVICE.auth}`,
        duringRefresh: true,
      });
    }
    return new SourceError({
      kind: 'retry',
      message: `${what} did not reach RingCentral (${reason}). ${ADVICE.retry}`,
    });
  }

  const status = response.status;
  const body = await readErrorJson(response);
  const first = body?.errors?.[0];
  const errorCode = first?.errorCode ?? body?.errorCode ?? null;
  const rcMessage = first?.message ?? body?.message ?? body?.error_description ?? null;
  const kind = kindOf(status, duringRefresh);
  const retryAfter = retryAfterMs(response.headers.get('retry-after'), now);
  const codes = [errorCode, duringRefresh ? body?.error : undefined].filter(Boolean).join(' ');
  const detail = `${status}${codes ? ` ${codes}` : ''}${rcMessage ? `: ${rcMessage}` : ''}`;
  return new SourceError({
    kind,
    status,
    errorCode,
    parameterName: first?.parameterName ?? null,
    retryAfterMs: status === 429 ? (retryAfter ?? DEFAULT_PENALTY_MS) : retryAfter,
    duringRefresh,
    message: `RingCentral answered ${what} with ${detail}. ${adviceFor(kind, errorCode)}`,
  });
}

function kindOf(status: number, duringRefresh: boolean): SourceErrorKind {
  if (status === 429 || status === 408 || status >= 500) return 'retry';
  if (duringRefresh || status === 401) return 'auth';
  if (status === 403) return 'forbidden';
  if (status === 404 || status === 410) return 'gone';
  return 'bad-request';
}

const ADVICE: Record<SourceErrorKind, string> = {
  retry: 'It is temporary: the request is retried with backoff, and the item on a later run.',
  gone: 'The item no longer exists at RingCentral (deleted or past retention); it is skipped.',
  forbidden:
    'The connected RingCentral user or app is not allowed to read this: check its role and the app permissions.',
  auth: 'The RingCentral connection is no longer valid: an admin must reconnect RingCentral.',
  'bad-request': 'RingCentral rejected the request as sent.',
};

const FORBIDDEN_ADVICE: Record<string, string> = {
  'CMN-401':
    'The RingCentral app lacks a permission it needs: add it to the app in the RingCentral developer console.',
  'CMN-402': 'This needs a RingCentral administrator: reconnect with an admin user.',
  'CMN-403':
    'This extension type does not have this feature (for example no mailbox); nothing to archive there.',
  'CMN-404': 'The connected user is not an admin and cannot read other extensions: reconnect with an admin.',
  'CMN-408':
    "The connected user's role lacks this permission for this resource: give the role the permission named above, or rely on the message-store export.",
};

function adviceFor(kind: SourceErrorKind, errorCode: string | null): string {
  if (kind === 'forbidden' && errorCode && FORBIDDEN_ADVICE[errorCode]) return FORBIDDEN_ADVICE[errorCode];
  return ADVICE[kind];
}

/**
 * Reads the original body rather than a clone: the SDK has already read its clone, and a clone of
 * a large body would stall behind an original nobody drains.
 */
async function readErrorJson(response: ErrorResponse): Promise<RcErrorJson | null> {
  if (response.bodyUsed) return null;
  try {
    const parsed: unknown = JSON.parse(await response.text());
    return typeof parsed === 'object' && parsed !== null ? parsed : null;
  } catch {
    return null;
  }
}
