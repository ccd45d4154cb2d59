import type { ActivityResult } from '../../src/sandbox/ringcentral/index.ts';
import type { TestStack } from '../../test/support/stack.ts';
import { startBenchStack } from './bench-stack.ts';
import { runCycle, type Cycle } from './cycle.ts';
import { onboardMany, type Onboarded } from './onboard.ts';
import { REAL_TIME } from './scale.ts';
import type { SharedFixtures } from './scenario.ts';

/**
 * A deployment of many small tenants, shared by the many-tenants and scale-out scenarios: 1,000
 * RingCentral accounts of 5 extensions with a day of history, each installed through the product's
 * OAuth flows and archived once (the first runs), so what follows is the hourly steady state.
 * RingCentral's real 60-second windows: a small tenant's hourly run never waits for its budget.
 */
export const FLEET_TENANTS = Number(process.env.BENCH_FLEET_TENANTS ?? 1_000);
export const FLEET_LATENCY_MS = 50;

export interface Fleet {
  stack: TestStack;
  tenants: Onboarded[];
  /** The first runs of every tenant (two workers), for the record. */
  firstCycle: Cycle;
  onboardingMs: number;
}

async function buildFleet(): Promise<Fleet> {
  const stack = await startBenchStack({ scale: REAL_TIME });
  try {
    const accounts = Array.from({ length: FLEET_TENANTS }, (_, i) =>
      stack.rc.createAccount({
        seed: 10_000 + i,
        extensions: 5,
        days: 1,
        callsPerExtensionPerDay: 2,
        recordedShare: 0.2,
        messagesPerExtensionPerDay: 1,
        recordingSizeRange: [8_000, 32_000],
        voicemailSizeRange: [8_000, 24_000],
      }),
    );
    const started = performance.now();
    // The backfill starts with the generated history (a day), as an admin installing the archiver
    // for recent data would set it; the first runs then read one call-log window, not a year's.
    const backfillFrom = new Date(Date.now() - 2 * 86_400_000).toISOString().slice(0, 10);
    const tenants = await onboardMany(stack, accounts, { settings: { backfillFrom } });
    const onboardingMs = performance.now() - started;
    // Latency from here on: the first runs and every measured cycle pay it.
    stack.rc.setFaults({ latencyMs: FLEET_LATENCY_MS });
    await stack.dbx.setFaults({ latencyMs: FLEET_LATENCY_MS });
    // Setting up, not measured: a faster poll than the default.
    const firstCycle = await runCycle(
      stack,
      tenants.map((t) => t.tenantId),
      { workers: 2, env: { JOB_POLL_SECONDS: '1' } },
    );
    return { stack, tenants, firstCycle, onboardingMs };
  } catch (error) {
    await stack.close();
    throw error;
  }
}

export function fleet(shared: SharedFixtures): Promise<Fleet> {
  return shared.get('fleet', buildFleet, (f) => f.stack.close());
}

/** A small hourly delta on every tenant: two calls (one recorded), a voicemail and an SMS. */
export function addHourlyDelta(f: Fleet, tenantIds?: readonly string[]): ActivityResult[] {
  return (tenantIds ?? f.tenants.map((t) => t.tenantId)).map((accountId) =>
    f.stack.rc.addActivity({
      accountId,
      extensionNumber: '102',
      calls: 1,
      recordedCalls: 1,
      recordingSize: 16_000,
      voicemails: 1,
      sms: 1,
    }),
  );
}

/** The hourly cycle of the whole fleet with one worker process, measured once per benchmark. */
export function oneWorkerCycle(shared: SharedFixtures): Promise<Cycle> {
  return shared.get('fleet:one-worker', async () => {
    const f = await fleet(shared);
    addHourlyDelta(f);
    return runCycle(
      f.stack,
      f.tenants.map((t) => t.tenantId),
      { workers: 1 },
    );
  });
}
