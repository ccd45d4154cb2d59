import { describe, expect, it } from 'vitest';
import {
  authError,
  badInput,
  errorSummary,
  routeError,
  summaryTags,
  tooManyRequests,
  tooManyWriteOperations,
  type Reply,
} from '../../../src/sandbox/dropbox/errors.ts';

const bodyText = (reply: Reply): string => (typeof reply.body === 'string' ? reply.body : '');

describe('error summaries', () => {
  it('follow nested union members and inlined structs', () => {
    expect(
      summaryTags({ '.tag': 'path', path: { '.tag': 'conflict', conflict: { '.tag': 'file' } } }),
    ).toEqual(['path', 'conflict', 'file']);
    // files/upload inlines UploadWriteFailed: the WriteError sits under `reason`.
    expect(
      summaryTags({
        '.tag': 'path',
        reason: { '.tag': 'insufficient_space' },
        upload_session_id: 'pid_upload_session:x',
      }),
    ).toEqual(['path', 'insufficient_space']);
    expect(summaryTags({ '.tag': 'incorrect_offset', correct_offset: 10 })).toEqual(['incorrect_offset']);
    expect(summaryTags({ reason: { '.tag': 'too_many_write_operations' } })).toEqual([
      'too_many_write_operations',
    ]);
    expect(summaryTags({ '.tag': 'malformed_path', malformed_path: null })).toEqual(['malformed_path']);
  });

  it('end with a slash and 0 to 3 random dots, each count showing up', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 400; i += 1) seen.add(errorSummary({ '.tag': 'not_found' }));
    expect([...seen].sort()).toEqual(['not_found/', 'not_found/.', 'not_found/..', 'not_found/...']);
  });
});

describe('replies', () => {
  it('409: JSON with the summary as reason phrase', () => {
    const reply = routeError({ '.tag': 'closed' });
    expect(reply.status).toBe(409);
    expect(reply.headers).toEqual({ 'Content-Type': 'application/json' });
    const body = JSON.parse(bodyText(reply));
    expect(body.error).toEqual({ '.tag': 'closed' });
    expect(reply.statusMessage).toBe(body.error_summary);
  });

  it('400: plain text naming the route', () => {
    expect(badInput('files/upload', 'boom')).toEqual({
      status: 400,
      headers: { 'Content-Type': 'text/plain; charset=utf-8' },
      body: 'Error in call to API function "files/upload": boom',
    });
  });

  it('401: JSON AuthError with Www-Authenticate', () => {
    const reply = authError('missing_scope', { required_scope: 'files.content.write' });
    expect(reply.status).toBe(401);
    expect(reply.headers?.['Www-Authenticate']).toBe('Bearer realm="Dropbox-API"');
    expect(JSON.parse(bodyText(reply)).error).toEqual({
      '.tag': 'missing_scope',
      required_scope: 'files.content.write',
    });
  });

  it('429: both reasons, with integer Retry-After', () => {
    const lock = tooManyWriteOperations();
    expect(lock.status).toBe(429);
    expect(lock.headers?.['Retry-After']).toBe('1');
    expect(JSON.parse(bodyText(lock)).error).toEqual({ reason: { '.tag': 'too_many_write_operations' } });
    const rate = tooManyRequests(15);
    expect(rate.headers?.['Retry-After']).toBe('15');
    expect(JSON.parse(bodyText(rate)).error).toEqual({
      reason: { '.tag': 'too_many_requests' },
      retry_after: 15,
    });
    expect(tooManyRequests(3, true).headers?.['Content-Type']).toBe('text/plain; charset=utf-8');
  });
});
