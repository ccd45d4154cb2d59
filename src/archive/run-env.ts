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

/** Everything a stage of one tenant's run works with. */
export interface RunEnv {
  tenant: Tenant;
  /** The tenant's settings, with its destination's name rules for the paths (archive/paths.ts). */
  settings: TenantSettings & Pick<PathSettings, 'names'>;
  company: string;
  store: Store;
  api: RingCentralApi;
  limiter: RateLimiter;
  destination: Destination;
  clock: Clock;
  logger: Logger;
  metrics: Metrics;
  ctx: RunContext;
  signal: AbortSignal;
  extensions: Map<string, Extension>;
  counters: RunCounters;
  /** Days whose report files must be rewritten at the end of the run. */
  daysTouched: Set<string>;
  /** The days owed their report files, kept in the store (see report-days.ts). */
  owedDays: OwedDays;
  /** Where the message export's ZIP files are downloaded. */
  workDir: string;
  /** Parallel transfers (RingCentral's rate limiter still paces the downloads). */
  concurrency: number;
  /** How long the run may work (the Light budget of mailbox polling is planned from it). */
  timeBoxMs: number;
}

/** The parts of a RunEnv that differ between the archive run and verification. */
type RunEnvInput = Pick<
  RunEnv,
  | 'ctx'
  | 'store'
  | 'api'
  | 'limiter'
  | 'destination'
  | 'clock'
  | 'logger'
  | 'metrics'
  | 'timeBoxMs'
  | 'concurrency'
> & { workDir?: string };

export function createRunEnv(input: RunEnvInput): RunEnv {
  const { tenant } = input.ctx;
  return {
    ...input,
    tenant,
    settings: { ...parseSettings(tenant.settings), names: input.destination.capabilities.names },
    company: tenant.companyName,
    signal: input.ctx.signal,
    extensions: new Map(),
    counters: newCounters(),
    daysTouched: new Set(),
    owedDays: owedDays(input.store, tenant.id),
    workDir: input.workDir ?? join(tmpdir(), 'call-archive'),
  };
}

function newCounters(): RunCounters {
  return { kinds: {}, updated: 0, skipped: 0, retryLater: 0, failed: 0, deletedByRingCentral: 0 };
}
