import { describe, expect, it } from 'vitest';
import { Faults, faultsInputSchema } from '../../../src/sandbox/dropbox/faults.ts';
import { NamespaceLocks } from '../../../src/sandbox/dropbox/namespace-lock.ts';

const apply = (faults: Faults, input: unknown) => faults.apply(faultsInputSchema.parse(input));

describe('Faults', () => {
  it('counts errorNext down before the rate applies, and only on the routes named', () => {
    const faults = new Faults();
    apply(faults, { errorNext: 2, errorStatus: 503, errorRoutes: ['files/upload'] });
    expect(faults.takeError('users/get_space_usage')).toBeNull();
    expect(faults.takeError('files/upload')).toBe(503);
    expect(faults.takeError('files/upload')).toBe(503);
    expect(faults.takeError('files/upload')).toBeNull();
  });

  it('reads a number for tooManyRequests as "the next N calls"', () => {
    const faults = new Faults();
    apply(faults, { tooManyRequests: 3 });
    expect(faults.tooManyRequests).toEqual({
      next: 3,
      limit: null,
      windowSeconds: 60,
      retryAfterSeconds: null,
      plainText: false,
    });
    apply(faults, { tooManyRequests: null });
    expect(faults.tooManyRequests).toBeNull();
  });

  it('merges partial updates and clears everything on reset', () => {
    const faults = new Faults();
    apply(faults, { latencyMs: 10, corruptUploads: 1 });
    apply(faults, { commitLatencyMs: 5 });
    expect(faults.current).toMatchObject({ latencyMs: 10, corruptUploads: 1, commitLatencyMs: 5 });
    apply(faults, { reset: true, errorRate: 0.5 });
    expect(faults.current).toMatchObject({
      latencyMs: 0,
      corruptUploads: 0,
      commitLatencyMs: 0,
      errorRate: 0.5,
    });
  });

  it('refuses unknown fields and out-of-range values', () => {
    expect(faultsInputSchema.safeParse({ errorRate: 1.5 }).success).toBe(false);
    expect(faultsInputSchema.safeParse({ latency: 5 }).success).toBe(false);
    expect(faultsInputSchema.safeParse({ errorStatus: 404 }).success).toBe(false);
  });

  it('uses up corruptUploads one upload at a time', () => {
    const faults = new Faults();
    apply(faults, { corruptUploads: 1 });
    expect(faults.takeCorruption()).toBe(true);
    expect(faults.takeCorruption()).toBe(false);
  });
});

describe('NamespaceLocks', () => {
  it('refuses a second holder until the first releases', () => {
    const locks = new NamespaceLocks();
    const release = locks.tryAcquire('dbid:a');
    expect(release).not.toBeNull();
    expect(locks.tryAcquire('dbid:a')).toBeNull();
    expect(locks.tryAcquire('dbid:b')).not.toBeNull();
    release!();
    release!();
    expect(locks.tryAcquire('dbid:a')).not.toBeNull();
  });
});
