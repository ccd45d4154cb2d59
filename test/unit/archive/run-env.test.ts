import { describe, expect, it } from 'vitest';
import { createRunEnv } from '../../../src/archive/run-env.ts';
import type { RunContext } from '../../../src/archive/run.ts';
import type { Destination } from '../../../src/destinations/types.ts';
import type { Store, Tenant } from '../../../src/store/types.ts';
import { tenantSettings } from '../../support/builders/settings.ts';

/** The parts of a run's context and dependencies that building its RunEnv reads. */
const tenant = (id: string) =>
  ({
    id,
    companyName: `Company ${id}`,
    settings: tenantSettings({ lookbackHours: 24 }),
  }) as unknown as Tenant;
const ctx = (id: string) =>
  ({ tenant: tenant(id), signal: new AbortController().signal }) as unknown as RunContext;
const names = { maxLength: 255, unit: 'utf16', caseInsensitive: true, refused: [] };
const deps = {
  store: {} as Store,
  api: {} as never,
  limiter: {} as never,
  destination: { capabilities: { names } } as unknown as Destination,
  clock: { now: () => 0 },
  logger: {} as never,
  metrics: {} as never,
  timeBoxMs: 60_000,
  concurrency: 4,
};

describe("a run's environment", () => {
  it('shares the dependencies between runs but gives each run a state of its own', () => {
    const a = createRunEnv(ctx('a'), deps);
    const b = createRunEnv(ctx('b'), deps);
    expect(a.deps.store).toBe(b.deps.store);
    expect(a.deps.destination).toBe(b.deps.destination);
    a.state.counters.skipped += 1;
    a.state.daysTouched.add('2026-11-26');
    a.state.extensions.set('101', {} as never);
    expect(b.state.counters).toEqual({
      kinds: {},
      updated: 0,
      skipped: 0,
      retryLater: 0,
      failed: 0,
      deletedByRingCentral: 0,
    });
    expect(b.state.daysTouched.size).toBe(0);
    expect(b.state.extensions.size).toBe(0);
    expect(a.state.owedDays).not.toBe(b.state.owedDays);
  });

  it("holds the company's settings with its destination's name rules, and a download folder", () => {
    const env = createRunEnv(ctx('a'), deps);
    expect(env.state.company).toBe('Company a');
    expect(env.state.settings.lookbackHours).toBe(24);
    expect(env.state.settings.names).toBe(names);
    expect(env.deps.workDir).toMatch(/call-archive$/);
    expect(createRunEnv(ctx('a'), { ...deps, workDir: '/srv/work' }).deps.workDir).toBe('/srv/work');
  });
});
