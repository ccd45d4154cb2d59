import type { RcSimOptions } from '../../src/sandbox/ringcentral/index.ts';
import { DEFAULT_WEBHOOK_OPTIONS } from '../../src/sandbox/ringcentral/subscriptions/hub.ts';
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
  /**
   * Push notifications on: the app listens on a local port (RingCentral's WebHooks reach it), the
   * RingCentral app holds Call Control (call notifications), and every wait of the notification
   * path is compressed like the hour (see notificationEnv).
   */
  notifications?: boolean;
}

/** The app permissions of a RingCentral app that may also receive call notifications. */
const WITH_CALL_CONTROL = ['ReadAccounts', 'ReadCallLog', 'ReadCallRecording', 'ReadMessages', 'CallControl'];

/**
 * The product's notification settings at their defaults, divided by the compression factor: the
 * early run's waits after a message (10 s) and a call (45 s), the job poll (5 s), and the
 * per-company notification limit (600 a minute, so 60 times as many per compressed minute).
 */
export function notificationEnv(scale: TimeScale): Record<string, string> {
  return {
    RINGCENTRAL_WEBHOOKS: 'on',
    EARLY_RUN_DELAY_SECONDS: String(10 / scale.factor),
    EARLY_RUN_CALL_DELAY_SECONDS: String(45 / scale.factor),
    JOB_POLL_SECONDS: String(5 / scale.factor),
    WEBHOOK_RATE_LIMIT_PER_MINUTE: String(600 * scale.factor),
  };
}

export async function startBenchStack(options: BenchStackOptions): Promise<TestStack> {
  const { scale } = options;
  const webhooks = DEFAULT_WEBHOOK_OPTIONS;
  const stack = await startStack({
    rc: {
      rateLimitWindowSeconds: scale.windowSeconds,
      accounts: [],
      onInternalError: (error) => console.error('RingCentral simulator internal error', error),
      // RingCentral's retry delays and blacklisting on the same compressed clock as everything else.
      webhooks: {
        retryDelaysMs: webhooks.retryDelaysMs.map((ms) => ms / scale.factor),
        blacklistAfterMs: webhooks.blacklistAfterMs / scale.factor,
      },
      ...options.rc,
    },
    listen: options.notifications,
    rcPermissions: options.notifications ? WITH_CALL_CONTROL : undefined,
    // The product's default worker concurrency (the test configuration uses a smaller one).
    env: {
      RUN_TIME_BOX_MINUTES: String(scale.timeBoxMinutes),
      WORKER_CONCURRENCY: '20',
      ...(options.notifications ? notificationEnv(scale) : {}),
      ...options.env,
    },
  });
  if (options.latencyMs) {
    stack.rc.setFaults({ latencyMs: options.latencyMs });
    await stack.dbx.setFaults({ latencyMs: options.latencyMs });
  }
  return stack;
}
