import { describe, expect, it } from 'vitest';
import { classifyItemError, StopRun } from '../../../src/archive/outcomes.ts';
import { LeaseLostError } from '../../../src/store/errors.ts';

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
