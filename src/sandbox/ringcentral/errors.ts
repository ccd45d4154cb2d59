/**
 * RingCentral error bodies. Every body carries a top-level `message` (and OAuth bodies an
 * `error_description`), because the SDK builds `error.message` from those fields; without them
 * its errors degrade to "404 Not Found".
 */
import type { Response } from 'express';

interface RcErrorBody {
  errorCode?: string;
  message: string;
  errors: Array<{ errorCode: string; message: string; [key: string]: unknown }>;
  [key: string]: unknown;
}

export class RcHttpError extends Error {
  readonly status: number;
  readonly body: RcErrorBody;
  readonly headers: Record<string, string>;

  constructor(status: number, body: RcErrorBody, headers: Record<string, string> = {}) {
    super(body.message);
    this.status = status;
    this.body = body;
    this.headers = headers;
  }
}

function errorBody(
  code: string,
  message: string,
  details: Record<string, string> = {},
  topCode: string = code,
): RcErrorBody {
  return { errorCode: topCode, message, errors: [{ errorCode: code, message, ...details }], ...details };
}

export function sendRcError(res: Response, err: RcHttpError): void {
  for (const [name, value] of Object.entries(err.headers)) res.setHeader(name, value);
  res.status(err.status).json(err.body);
}

export const rcErrors = {
  invalidParameter(name: string, value?: string, detail?: string): RcHttpError {
    const message = `Parameter [${name}] value is invalid${detail ? ` [${detail}]` : ''}`;
    const extra: Record<string, string> = { parameterName: name };
    if (value !== undefined) extra.parameterValue = value;
    return new RcHttpError(400, {
      errorCode: 'CMN-101',
      message,
      errors: [{ errorCode: 'CMN-101', message, ...extra }],
    });
  },
  notFound(name: string, value?: string): RcHttpError {
    const message = `Resource for parameter [${name}] is not found`;
    const extra: Record<string, string> = { parameterName: name };
    if (value !== undefined) extra.parameterValue = value;
    return new RcHttpError(404, {
      errorCode: 'CMN-102',
      message,
      errors: [{ errorCode: 'CMN-102', message, ...extra }],
    });
  },
  invalidUri(): RcHttpError {
    return new RcHttpError(404, errorBody('CMN-120', 'Invalid URI'));
  },
  /** Missing app permission: the exact shape of a real 403 (RingCentral's error JSON: errorCode, message, errors[] with permissionName). */
  appPermission(permission: string): RcHttpError {
    const message = `In order to call this API endpoint, application needs to have [${permission}] permission`;
    return new RcHttpError(
      403,
      errorBody('CMN-401', message, { permissionName: permission }, 'InsufficientPermissions'),
    );
  },
  /** Missing user permission (e.g. a non-admin reading the company call log). */
  userPermission(permission: string): RcHttpError {
    const message = `In order to call this API endpoint, user needs to have [${permission}] permission for requested resource.`;
    return new RcHttpError(
      403,
      errorBody('CMN-408', message, { permissionName: permission }, 'InsufficientPermissions'),
    );
  },
  anotherExtension(): RcHttpError {
    return new RcHttpError(403, errorBody('CMN-404', 'Attempt to access another extension'));
  },
  featureForExtensionType(): RcHttpError {
    return new RcHttpError(403, errorBody('CMN-403', 'The feature is not available for this extension type'));
  },
  rangeNotSatisfiable(size: number): RcHttpError {
    return new RcHttpError(416, errorBody('CMN-107', 'Requested Range Not Satisfiable'), {
      'Content-Range': `bytes */${size}`,
    });
  },
  rateExceeded(retryAfterSeconds: number | null): RcHttpError {
    return new RcHttpError(
      429,
      errorBody('CMN-301', 'Request rate exceeded'),
      retryAfterSeconds === null ? {} : { 'Retry-After': String(retryAfterSeconds) },
    );
  },
  unavailable(): RcHttpError {
    return new RcHttpError(503, errorBody('CMN-201', 'Service Temporary Unavailable'), {
      'Retry-After': '1',
    });
  },
  internal(): RcHttpError {
    return new RcHttpError(500, errorBody('CMN-203', 'Internal Server Error'));
  },
  unauthorized(code: string, message: string, topCode = 'TokenInvalid'): RcHttpError {
    return new RcHttpError(401, errorBody(code, message, {}, topCode));
  },
  badRequest(code: string, message: string, details: Record<string, string> = {}): RcHttpError {
    return new RcHttpError(400, errorBody(code, message, details));
  },
};

type OAuthErrorCode =
  | 'invalid_request'
  | 'invalid_client'
  | 'invalid_grant'
  | 'unauthorized_client'
  | 'unsupported_grant_type'
  | 'access_denied';

/** OAuth endpoint errors: RFC 6749 `error` plus RingCentral's OAU code and a readable description. */
export function oauthError(
  status: number,
  error: OAuthErrorCode,
  code: string,
  message: string,
): RcHttpError {
  return new RcHttpError(status, {
    error,
    error_description: message,
    errorCode: code,
    message,
    errors: [{ errorCode: code, message }],
  });
}
