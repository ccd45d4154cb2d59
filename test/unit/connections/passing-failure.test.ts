import { describe, expect, it } from 'vitest';
import { passingFailure } from '../../../src/connections/errors.ts';

/** The sign-in pages' choice between "try again in a minute" and "start again". */
describe('passingFailure', () => {
  const rcError = (status: number, retryAfter: string | null) =>
    Object.assign(new Error('RingCentral said no'), {
      response: { status, headers: new Headers(retryAfter === null ? {} : { 'Retry-After': retryAfter }) },
    });

  it('calls a RingCentral 429 or 5xx passing, with its Retry-After', () => {
    expect(passingFailure(rcError(429, '7'))).toEqual({ retryAfterSeconds: 7 });
    expect(passingFailure(rcError(503, null))).toEqual({ retryAfterSeconds: null });
    expect(passingFailure(rcError(500, 'soon'))).toEqual({ retryAfterSeconds: null });
  });

  it('calls a Dropbox 429 passing, reading its plain header object', () => {
    const dbx = Object.assign(new Error('too_many_requests'), {
      status: 429,
      headers: { 'retry-after': '3' },
    });
    expect(passingFailure(dbx)).toEqual({ retryAfterSeconds: 3 });
  });

  it('calls a lost connection passing', () => {
    const reset = new TypeError('fetch failed', {
      cause: Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }),
    });
    expect(passingFailure(reset)).toEqual({ retryAfterSeconds: null });
    expect(passingFailure(Object.assign(new Error('connect refused'), { code: 'ECONNREFUSED' }))).toEqual({
      retryAfterSeconds: null,
    });
  });

  it('does not call a refusal passing: 400, 401, 403, or an error without a status', () => {
    for (const status of [400, 401, 403, 404]) expect(passingFailure(rcError(status, '5'))).toBeNull();
    expect(passingFailure(new Error('invalid_grant'))).toBeNull();
    expect(passingFailure(undefined)).toBeNull();
  });
});
