import { describe, expect, it } from 'vitest';
import { isUnreachable, patiently } from '../../src/lib/patiently.ts';

describe('patiently', () => {
  it('retries a failing write until it succeeds, saying so at each retry', async () => {
    let calls = 0;
    const retries: string[] = [];
    const result = await patiently(
      () => {
        calls += 1;
        return calls < 3 ? Promise.reject(new Error(`down ${calls}`)) : Promise.resolve('stored');
      },
      { maxMs: 10_000, onRetry: (error) => retries.push((error as Error).message) },
    );
    expect(result).toBe('stored');
    expect(retries).toEqual(['down 1', 'down 2']);
  });

  it('gives up with the last error once the next wait would pass maxMs', async () => {
    let calls = 0;
    const started = Date.now();
    await expect(
      patiently(() => Promise.reject(new Error(`down ${++calls}`)), { maxMs: 1_000 }),
    ).rejects.toThrow('down 2');
    expect(Date.now() - started).toBeLessThan(1_000);
  });
});

describe('patiently with retryIf', () => {
  it('gives up at once on an error it should not wait out', async () => {
    let calls = 0;
    await expect(
      patiently(
        () => {
          calls += 1;
          return Promise.reject(new Error('database "x" does not exist'));
        },
        { maxMs: 10_000, retryIf: isUnreachable },
      ),
    ).rejects.toThrow(/does not exist/);
    expect(calls).toBe(1);
  });

  it('knows an unreachable server from its error code, or from its cause', () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    expect(isUnreachable(refused)).toBe(true);
    expect(isUnreachable(new Error('wrapped', { cause: refused }))).toBe(true);
    expect(isUnreachable(Object.assign(new Error('starting up'), { code: '57P03' }))).toBe(true);
    expect(isUnreachable(Object.assign(new Error('bad password'), { code: '28P01' }))).toBe(false);
  });
});
