import { describe, expect, it } from 'vitest';
import { patiently } from '../../src/lib/patiently.ts';

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
