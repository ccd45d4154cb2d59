import { describe, expect, it } from 'vitest';
import { SourceError, toSourceError } from '../../../src/archive/sources/source-error.ts';

const API = 'https://platform.example/restapi/v1.0/account/~/extension/62/message-store?dateFrom=x';
const TOKEN = 'https://platform.example/restapi/oauth/token';

/** An error shaped like the SDK's: a plain Error carrying the fetch Response and Request. */
function sdkError(status: number, body: unknown, headers: Record<string, string> = {}, url = API) {
  const response = new Response(JSON.stringify(body), { status, headers });
  return Object.assign(new Error('Response has unsuccessful status'), { response, request: { url } });
}

const rcBody = (code: string, message: string, extra: Record<string, string> = {}) => ({
  errorCode: code,
  message,
  errors: [{ errorCode: code, message, ...extra }],
});

const classify = (error: unknown, url = API) => toSourceError(error, { method: 'GET', url }, 0);

describe('toSourceError', () => {
  it('makes a 429 a retry with its Retry-After, or 30 s without one', async () => {
    const withHeader = await classify(
      sdkError(429, rcBody('CMN-301', 'Request rate exceeded'), { 'Retry-After': '60' }),
    );
    expect(withHeader).toMatchObject({
      kind: 'retry',
      status: 429,
      errorCode: 'CMN-301',
      retryAfterMs: 60_000,
    });
    const without = await classify(sdkError(429, rcBody('CMN-301', 'Request rate exceeded')));
    expect(without.retryAfterMs).toBe(30_000);
  });

  it('makes 5xx and 408 retries, keeping a Retry-After', async () => {
    const unavailable = await classify(
      sdkError(503, rcBody('CMN-201', 'Service Temporary Unavailable'), { 'Retry-After': '1' }),
    );
    expect(unavailable).toMatchObject({ kind: 'retry', retryAfterMs: 1_000 });
    expect((await classify(sdkError(500, rcBody('CMN-203', 'Internal')))).kind).toBe('retry');
    expect((await classify(sdkError(408, {}))).kind).toBe('retry');
  });

  it('makes a network failure (no answer) a retry', async () => {
    const error = await classify(new Error('request to https://x failed, reason: socket hang up'));
    expect(error).toMatchObject({ kind: 'retry', status: null });
  });

  it('keeps no token: not in the message, not through the SDK error and its request', async () => {
    const failed = new Error(
      'request to https://media.example/x?access_token=SECRET123 failed, reason: ECONNRESET',
    );
    const network = await classify(failed);
    expect(network.message).not.toContain('SECRET123');
    const http = await classify(sdkError(404, rcBody('CMN-102', 'not found')));
    expect(http.cause).toBeUndefined();
  });

  it('makes 404 gone', async () => {
    const error = await classify(
      sdkError(404, rcBody('CMN-102', 'Resource for parameter [messageId] is not found')),
    );
    expect(error).toMatchObject({ kind: 'gone', errorCode: 'CMN-102' });
  });

  it("keeps a 403's specific code and message and says what the admin can do", async () => {
    const message =
      'In order to call this API endpoint, user needs to have [ReadMessages] permission for requested resource.';
    const body = { ...rcBody('CMN-408', message), errorCode: 'InsufficientPermissions' };
    const error = await classify(sdkError(403, body));
    expect(error).toMatchObject({ kind: 'forbidden', status: 403, errorCode: 'CMN-408' });
    expect(error.message).toContain('GET /restapi/v1.0/account/~/extension/62/message-store');
    expect(error.message).toContain('[ReadMessages]');
    expect(error.message).toContain('give the role the permission');
    expect(error.message).not.toContain('dateFrom');
  });

  it('makes a 401 that survived the SDK refresh an auth failure', async () => {
    const error = await classify(sdkError(401, rcBody('OAU-213', 'Token not found')));
    expect(error).toMatchObject({ kind: 'auth', duringRefresh: false });
  });

  it('makes a refused token refresh an auth failure, keeping the OAuth error', async () => {
    const body = {
      error: 'invalid_grant',
      error_description: 'Token revoked',
      errors: [{ errorCode: 'OAU-211', message: 'Token revoked' }],
    };
    const error = await classify(sdkError(400, body, {}, TOKEN));
    expect(error).toMatchObject({ kind: 'auth', duringRefresh: true, errorCode: 'OAU-211' });
    expect(error.message).toContain('invalid_grant');
    expect(error.message).toContain('reconnect RingCentral');
  });

  it('retries a token refresh the server was too busy for', async () => {
    const error = await classify(
      sdkError(503, rcBody('CMN-201', 'Unavailable'), { 'Retry-After': '2' }, TOKEN),
    );
    expect(error).toMatchObject({ kind: 'retry', duringRefresh: true, retryAfterMs: 2_000 });
  });

  it("makes the SDK's own refusal to refresh (no request made) an auth failure", async () => {
    expect((await classify(new Error('Refresh token has expired'))).kind).toBe('auth');
    expect((await classify(new Error('Refresh token is missing'))).kind).toBe('auth');
  });

  it("takes the connections module's verdict that the grant is lost or was never given", async () => {
    const lost = Object.assign(
      new Error('RingCentral access is no longer valid (the refresh was refused).'),
      {
        name: 'ReconnectRequiredError',
        kind: 'auth',
      },
    );
    expect(await classify(lost)).toMatchObject({ kind: 'auth', message: lost.message, duringRefresh: true });
    const never = Object.assign(new Error('RingCentral is not connected for this company yet.'), {
      name: 'NotConnectedError',
    });
    expect((await classify(never)).kind).toBe('auth');
  });

  it('makes other 4xx bad requests, keeping the code and parameter (sync tokens)', async () => {
    const full = await classify(sdkError(400, rcBody('MSG-333', 'full synchronization is required')));
    expect(full).toMatchObject({ kind: 'bad-request', errorCode: 'MSG-333' });
    const token = await classify(
      sdkError(
        400,
        rcBody('CMN-101', 'Parameter [syncToken] value is invalid', { parameterName: 'syncToken' }),
      ),
    );
    expect(token).toMatchObject({ kind: 'bad-request', parameterName: 'syncToken' });
  });

  it('copes with a body that is not JSON', async () => {
    const response = new Response('<html>Bad gateway</html>', { status: 502 });
    const error = await classify(Object.assign(new Error('x'), { response }));
    expect(error).toMatchObject({ kind: 'retry', status: 502, errorCode: null });
  });

  it('passes a SourceError through unchanged', async () => {
    const original = new SourceError({ kind: 'gone', message: 'gone' });
    expect(await classify(original)).toBe(original);
  });
});
