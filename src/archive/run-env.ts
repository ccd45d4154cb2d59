import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Destination } from '../destinations/types.ts';
import type { Clock } from '../lib/clock.ts';
import type { Logger } from '../lib/logger.ts';
import type { Metrics } from '../lib/metrics.ts';
import type { RateLimiter } from '../lib/rate-limiter.ts';
import type { Store, Tenant } from '../store/types.ts';
import { parseSettings, type TenantSettings } from './settings.ts';
import type { PathSettings } from './paths.ts';
import { owedDays, type OwedDays } from './report-days.ts';
import type { RunContext } from './run.ts';
import type { RingCentralApi } from './sources/api.ts';
import type { Extension } from './sources/records.ts';

/** Figures of one run, reported on the run row and the dashboard. */
interface RunCounters {
  kinds: Record<string, { items: number; bytes: number }>;
  updated: number;
  skipped: number;
  retryLater: number;
  failed: number;
  /** Recordings RingCentral deleted (its 90 days, its cap) before the archive could copy them. */
  deletedByRingCentral: number;
}

/**
 * What a run works with: the clients and services it is given, the same from its first stage to
 * its last. Nothing in here changes because of what the run does.
 */
interface RunDeps {
  store: Store;
  api: RingCentralApi;
  limiter: RateLimiter;
  destination: Destination;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  /** Where the message export's ZIP files are downloaded. */
  workDir: string;
  /** Parallel transfers (RingCentral's rate limiter still paces the downloads). */
  concurrency: number;
  /** How long the run may work (the Light budget of mailbox polling is planned from it). */
  timeBoxMs: number;
}

/** Which company's run this is and what it has found and done so far: one per run, never shared. */
interface RunState {
  tenant: Tenant;
  /** The tenant's settings, with its destination's name rules for the paths (archive/paths.ts). */
  settings: TenantSettings & Pick<PathSettings, 'names'>;
  company: string;
  ctx: RunContext;
  signal: AbortSignal;
  /** The company's extensions, as listed at the start of the run. */
  extensions: Map<string, Extension>;
  counters: RunCounters;
  /** Days whose report files must be rewritten at the end of the run. */
  daysTouched: Set<string>;
  /** The days owed their report files, kept in the store (see report-days.ts). */
  owedDays: OwedDays;
}

/** Everything a stage of one tenant's run works with: its dependencies, and the run's own state. */
export interface RunEnv {
  deps: RunDeps;
  state: RunState;
}

/** The dependencies that differ between the archive run and verification (workDir defaults). */
type RunDepsInput = Omit<RunDeps, 'workDir'> & { workDir?: string | undefined };

export function createRunEnv(ctx: RunContext, input: RunDepsInput): RunEnv {
  const { tenant } = ctx;
  const deps: RunDeps = { ...input, workDir: input.workDir ?? join(tmpdir(), 'call-archive') };
  return {
    deps,
    state: {
      tenant,
      settings: { ...parseSettings(tenant.settings), names: input.destination.capabilities.names },
      company: tenant.companyName,
      ctx,
      signal: ctx.signal,
      extensions: new Map(),
      counters: newCounters(),
      daysTouched: new Set(),
      owedDays: owedDays(input.store, tenant.id),
    },
  };
}

function newCounters(): RunCounters {
  return { kinds: {}, updated: 0, skipped: 0, retryLater: 0, failed: 0, deletedByRingCentral: 0 };
}
