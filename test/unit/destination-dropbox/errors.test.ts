import { DropboxResponseError } from 'dropbox';
import { describe, expect, it } from 'vitest';
import {
  classifyError,
  findNumber,
  unionTags,
  type DropboxDestinationError,
} from '../../../src/destinations/dropbox/errors.ts';

// Error shapes as Dropbox's API documentation gives them, classified into the port's kinds.

const responseError = (status: number, error: unknown, headers: Record<string, string> = {}) =>
  new DropboxResponseError(status, new Headers(headers), error);

describe('unionTags', () => {
  it.each([
    [
      'files/upload path error (inlined struct under reason)',
      {
        '.tag': 'path',
        reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } },
        upload_session_id: 'x',
      },
      ['path', 'conflict', 'file'],
    ],
    [
      'finish lookup_failed (union under its own key)',
      { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 12556930 } },
      ['lookup_failed', 'incorrect_offset'],
    ],
    [
      '429 body without a top tag',
      { reason: { '.tag': 'too_many_write_operations' } },
      ['too_many_write_operations'],
    ],
    [
      'shorthand string member',
      { '.tag': 'path', path: { '.tag': 'conflict', conflict: 'file_ancestor' } },
      ['path', 'conflict', 'file_ancestor'],
    ],
    [
      'null member',
      { '.tag': 'path', reason: { '.tag': 'malformed_path', malformed_path: null } },
      ['path', 'malformed_path'],
    ],
  ])('reads %s', (_, value, tags) => {
    expect(unionTags(value)).toEqual(tags);
  });

  it('finds correct_offset wherever it is nested', () => {
    const body = {
      error: { '.tag': 'lookup_failed', lookup_failed: { '.tag': 'incorrect_offset', correct_offset: 42 } },
    };
    expect(findNumber(body, 'correct_offset')).toBe(42);
  });
});

describe('classifyError', () => {
  const kindOf = (error: unknown) => classifyError(error, 'upload of /a.mp3');

  it.each([
    [
      '401 invalid_access_token',
      responseError(401, {
        error_summary: 'invalid_access_token/.',
        error: { '.tag': 'invalid_access_token' },
      }),
      'auth',
    ],
    [
      '400 invalid_grant from the token endpoint',
      responseError(400, {
        error: 'invalid_grant',
        error_description: 'refresh token is invalid or revoked',
      }),
      'auth',
    ],
    [
      '409 path/insufficient_space',
      responseError(409, {
        error_summary: 'path/insufficient_space/..',
        error: { '.tag': 'path', reason: { '.tag': 'insufficient_space' } },
      }),
      'full',
    ],
    [
      '409 path/disallowed_name',
      responseError(409, {
        error_summary: 'path/disallowed_name/',
        error: { '.tag': 'path', reason: { '.tag': 'disallowed_name' } },
      }),
      'item',
    ],
    [
      '409 path/malformed_path',
      responseError(409, {
        error: { '.tag': 'path', reason: { '.tag': 'malformed_path', malformed_path: null } },
      }),
      'item',
    ],
    [
      '409 content_hash_mismatch',
      responseError(409, { error: { '.tag': 'content_hash_mismatch' } }),
      'retry',
    ],
    ['409 session not_found', responseError(409, { error: { '.tag': 'not_found' } }), 'retry'],
    ['400 plain text', responseError(400, 'Error in call to API function "files/upload": path: bad'), 'item'],
    ['503', responseError(503, 'Service Unavailable'), 'retry'],
    [
      'network',
      new TypeError('fetch failed', {
        cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }),
      }),
      'retry',
    ],
    [
      'an auth error from the connections module',
      Object.assign(new Error('reconnect'), { kind: 'auth' }),
      'auth',
    ],
  ])('%s → %s', (_, error, kind) => {
    expect(kindOf(error).kind).toBe(kind);
  });

  it('takes Retry-After (integer seconds) from a 429, and marks it worth retrying now', () => {
    const error = kindOf(
      responseError(
        429,
        {
          error_summary: 'too_many_requests/..',
          error: { reason: { '.tag': 'too_many_requests' }, retry_after: 300 },
        },
        { 'retry-after': '7' },
      ),
    ) as DropboxDestinationError;
    expect(error).toMatchObject({ kind: 'retry', transient: true, retryAfterMs: 7000, status: 429 });
  });

  it("falls back to the body's retry_after, then to Dropbox's default of 1 s", () => {
    const fromBody = kindOf(
      responseError(429, { error: { reason: { '.tag': 'too_many_requests' }, retry_after: 3 } }),
    );
    expect((fromBody as DropboxDestinationError).retryAfterMs).toBe(3000);
    const plain = kindOf(responseError(429, 'Too many requests'));
    expect((plain as DropboxDestinationError).retryAfterMs).toBe(1000);
  });

  it('names the file and quotes the tags, never the padded error_summary', () => {
    const error = kindOf(
      responseError(409, {
        error_summary: 'path/conflict/file/...',
        error: { '.tag': 'path', reason: { '.tag': 'conflict', conflict: { '.tag': 'file' } } },
      }),
    );
    expect(error.message).toContain('upload of /a.mp3');
    expect(error.message).toContain('path/conflict/file');
    expect(error.message).not.toContain('file/...');
  });
});
