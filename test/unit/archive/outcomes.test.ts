import { describe, expect, it } from 'vitest';
import {
  classifyItemError,
  destinationFull,
  nextAttemptDelay,
  RETRY_DELAYS_MS,
  StopRun,
} from '../../../src/archive/outcomes.ts';
import { SourceError } from '../../../src/archive/sources/source-error.ts';
import { ReconnectRequiredError } from '../../../src/connections/errors.ts';
import { DestinationError } from '../../../src/destinations/types.ts';
import { LeaseLostError } from '../../../src/store/errors.ts';

const running = new AbortController().signal;
const SFTP = { id: 'sftp', displayName: 'SFTP server' };
const DROPBOX = { id: 'dropbox', displayName: 'Dropbox' };

describe('what happens to an item that could not be archived', () => {
  it('is retried when the destination or RingCentral failed for now, with the reason kept', () => {
    expect(classifyItemError(new DestinationError('retry', 'server said 503', SFTP), running)).toEqual({
      action: 'retry',
      reason: 'server said 503',
    });
    expect(classifyItemError(new DestinationError('item', 'name too long', DROPBOX), running)).toEqual({
      action: 'retry',
      reason: 'name too long',
    });
    expect(classifyItemError(new SourceError({ kind: 'retry', message: '429' }), running)).toEqual({
      action: 'retry',
      reason: '429',
    });
    expect(classifyItemError(new Error('socket hang up'), running)).toEqual({
      action: 'retry',
      reason: 'socket hang up',
    });
  });

  it('is skipped, saying why, when RingCentral deleted it before it could be archived', () => {
    expect(classifyItemError(new SourceError({ kind: 'gone', message: '404' }), running)).toEqual({
      action: 'skip',
      reason: 'Deleted by RingCentral before it could be archived.',
    });
  });

  it('stops the run when an authorization is gone, naming the destination by its own name', () => {
    const sftp = classifyItemError(new DestinationError('auth', 'denied', SFTP), running);
    expect(sftp).toMatchObject({ action: 'stop' });
    const stop = (sftp as { error: StopRun }).error;
    expect(stop).toMatchObject({ reason: 'reconnect', provider: 'sftp' });
    expect(stop.message).toBe('SFTP server refused our access; reconnect SFTP server.');
    expect(stop.message).not.toContain('Dropbox');

    const hostKey = new DestinationError('auth', 'key mismatch', SFTP, { forAdmin: 'The host key changed.' });
    expect((classifyItemError(hostKey, running) as { error: StopRun }).error.message).toBe(
      'The host key changed.',
    );

    const rc = classifyItemError(new SourceError({ kind: 'auth', message: 'invalid_grant' }), running);
    expect((rc as { error: StopRun }).error).toMatchObject({ reason: 'reconnect', provider: 'ringcentral' });

    const lost = classifyItemError(new ReconnectRequiredError('dropbox', 'refresh refused'), running);
    expect((lost as { error: StopRun }).error).toMatchObject({ reason: 'reconnect', provider: 'dropbox' });
  });

  it('stops the run when the destination is full or capped, in its own name', () => {
    const full = classifyItemError(new DestinationError('full', 'insufficient_space', SFTP), running);
    expect((full as { error: StopRun }).error).toMatchObject({ reason: 'full' });
    expect((full as { error: StopRun }).error.message).toMatch(/^SFTP server is full\./);
    const capped = classifyItemError(new DestinationError('capped', 'transport cap', DROPBOX), running);
    expect((capped as { error: StopRun }).error).toMatchObject({ reason: 'capped' });
    expect(destinationFull(DROPBOX).message).toMatch(/^Dropbox is full\./);
  });

  it('passes a StopRun through, and abandons whatever failed once the run is stopping', () => {
    const stop = new StopRun('full', 'full');
    expect(classifyItemError(stop, running)).toEqual({ action: 'stop', error: stop });
    const stopping = new AbortController();
    stopping.abort();
    expect(classifyItemError(new DestinationError('auth', 'x', SFTP), stopping.signal)).toEqual({
      action: 'abandon',
    });
  });

  it('is retried after 5 min, 20 min, 1 h, 3 h and a day, then given up (Failed)', () => {
    expect([1, 2, 3, 4, 5].map(nextAttemptDelay)).toEqual(RETRY_DELAYS_MS);
    expect(RETRY_DELAYS_MS).toEqual([300_000, 1_200_000, 3_600_000, 10_800_000, 86_400_000]);
    expect(nextAttemptDelay(6)).toBeNull();
  });
});

describe('classifyItemError', () => {
  const running = new AbortController().signal;

  it('stops the run when the store refuses a write of a lease another run holds now', () => {
    const verdict = classifyItemError(new LeaseLostError('acme', 3), running);
    expect(verdict.action).toBe('stop');
    const stop = (verdict as { error: StopRun }).error;
    expect(stop).toBeInstanceOf(StopRun);
    expect(stop.reason).toBe('lease-lost');
    expect(stop.provider).toBeNull();
  });

  it('retries an unknown error and abandons anything once the run is stopping', () => {
    expect(classifyItemError(new Error('socket hang up'), running)).toEqual({
      action: 'retry',
      reason: 'socket hang up',
    });
    const stopping = new AbortController();
    stopping.abort();
    expect(classifyItemError(new LeaseLostError('acme', 3), stopping.signal)).toEqual({ action: 'abandon' });
  });
});
