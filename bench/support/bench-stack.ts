import type { RcSimOptions } from '../../src/sandbox/ringcentral/index.ts';
import { startStack, type TestStack } from '../../test/support/stack.ts';
import type { TimeScale } from './scale.ts';

/**
 * The whole product as the integration tests start it (both simulators, a throwaway database,
 * the real service graph), with the simulator's rate-limit window and the run time box set for a
 * time scale, and simulated network latency on both providers.
 */
export interface BenchStackOptions {
  scale: TimeScale;
  /** Added before every RingCentral and Dropbox API answer. */
  latencyMs?: number;
  rc?: Partial<RcSimOptions>;
  /** Extra configuration, e.g. RUN_TIME_BOX_MINUTES when the run may not be cut. */
  env?: Record<string, string>;
}

export async function startBenchStack(options: BenchStackOptions): Promise<TestStack> {
  const { scale } = options;
  const stack = await startStack({
    rc: {
      rateLimitWindowSeconds: scale.windowSeconds,
      accounts: [],
      onInternalError: (error) => console.error('RingCentral simulator internal error', error),
      ...options.rc,
    },
    // The product's default worker concurrency (the test configuration uses a smaller one).
    env: { RUN_TIME_BOX_MINUTES: String(scale.timeBoxMinutes), WORKER_CONCURRENCY: '20', ...options.env },
  });
  if (options.latencyMs) {
    stack.rc.setFaults({ latencyMs: options.latencyMs });
    await stack.dbx.setFaults({ latencyMs: options.latencyMs });
  }
  return stack;
}
