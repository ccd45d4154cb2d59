import { onboardMany } from './onboard.ts';
import { startBenchStack } from './bench-stack.ts';
import { runCycle, type Cycle } from './cycle.ts';
import { REAL_TIME } from './scale.ts';

/**
 * Ten thousand companies on two workers: small RingCentral accounts (2 extensions, no history),
 * each installed through the product's OAuth flows (cheaper than seeding tokens by hand, and the
 * tokens are real to the simulators), each given an hour's delta, then one cycle of every
 * company's run through two real worker processes. Being every company's first run (its extension
 * list, its weekly mailbox check and the delta), it costs at least an hourly run: the cycle bounds
 * the hourly one from above.
 */
export const BIG_FLEET_COMPANIES = Number(process.env.BENCH_BIG_FLEET_COMPANIES ?? 10_000);
export const BIG_FLEET_LATENCY_MS = 50;
/** Job polling a deployment of this size is given (the default is 5 s). */
export const BIG_FLEET_POLL_SECONDS = 1;

export interface BigFleetCycle {
  cycle: Cycle;
  onboardingMs: number;
}

export async function bigFleetCycle(): Promise<BigFleetCycle> {
  const stack = await startBenchStack({ scale: REAL_TIME });
  try {
    const accounts = Array.from({ length: BIG_FLEET_COMPANIES }, (_, i) =>
      stack.rc.createAccount({
        seed: 50_000 + i,
        extensions: 2,
        days: 0,
        callsPerExtensionPerDay: 0,
        messagesPerExtensionPerDay: 0,
      }),
    );
    const started = performance.now();
    const backfillFrom = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
    const tenants = await onboardMany(stack, accounts, { settings: { backfillFrom }, concurrency: 16 });
    const onboardingMs = performance.now() - started;
    // The hour's delta: a recorded call and an SMS per company.
    for (const t of tenants)
      stack.rc.addActivity({
        accountId: t.tenantId,
        calls: 0,
        recordedCalls: 1,
        recordingSize: 4_000,
        sms: 1,
      });
    stack.rc.setFaults({ latencyMs: BIG_FLEET_LATENCY_MS });
    await stack.dbx.setFaults({ latencyMs: BIG_FLEET_LATENCY_MS });
    const cycle = await runCycle(
      stack,
      tenants.map((t) => t.tenantId),
      { workers: 2, env: { JOB_POLL_SECONDS: String(BIG_FLEET_POLL_SECONDS) }, timeoutMs: 45 * 60_000 },
    );
    return { cycle, onboardingMs };
  } finally {
    await stack.close();
  }
}
