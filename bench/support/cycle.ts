import { setTimeout as sleep } from 'node:timers/promises';
import pMap from 'p-map';
import pg from 'pg';
import { ARCHIVE_JOB } from '../../src/jobs/agenda.ts';
import { JOBS_TABLE } from '../../src/store/postgres/migrations.ts';
import type { TestStack } from '../../test/support/stack.ts';
import { startWorkerProcess, type WorkerProcess } from './worker-process.ts';

/**
 * One hourly cycle through real worker processes: every tenant's hourly job is made due at once
 * (the worst case of the schedule) with the scheduler's "run now", the workers work the Agenda
 * jobs, and the cycle ends when every tenant has a finished run. The figures come from the run
 * rows and from PostgreSQL's own transaction counter.
 */
export interface Cycle {
  /** From making the jobs due to the last run's end. */
  wallMs: number;
  runs: number;
  /** Runs that did not end 'succeeded'. */
  unsuccessful: number;
  /** Database transactions (each statement outside a transaction counts one), all processes. */
  transactions: number;
  /** Peak resident memory of each worker. */
  workerPeaksBytes: number[];
  /** CPU seconds each worker used during the cycle. */
  workerCpuSeconds: number[];
  /** Mean time from a run's start to its end. */
  meanRunMs: number;
  /** Sum of each run's figures: items per kind and RingCentral calls per group. */
  kinds: Record<string, number>;
  apiCalls: Record<string, number>;
}

async function transactionsOf(client: pg.Client, database: string): Promise<number> {
  const { rows } = await client.query<{ n: string }>(
    'SELECT (xact_commit + xact_rollback)::text AS n FROM pg_stat_database WHERE datname = $1',
    [database],
  );
  return Number(rows[0]?.n ?? 0);
}

/** Why a cycle did not finish: tenants without a finished run, and archive jobs still locked. */
async function stuck(probe: pg.Client, since: Date, tenants: number): Promise<string> {
  const done = await probe.query<{ n: string }>(
    'SELECT count(DISTINCT tenant_id)::text AS n FROM runs WHERE started_at >= $1 AND finished_at IS NOT NULL',
    [since],
  );
  const locked = await probe.query<{ worker: string; jobs: string }>(
    `SELECT last_modified_by AS worker, count(*)::text AS jobs FROM ${JOBS_TABLE}
      WHERE name = $1 AND locked_at IS NOT NULL GROUP BY 1`,
    [ARCHIVE_JOB],
  );
  return `${tenants - Number(done.rows[0]?.n ?? 0)} of ${tenants} tenants have no finished run; archive jobs locked: ${JSON.stringify(locked.rows)}`;
}

export async function runCycle(
  stack: TestStack,
  tenantIds: readonly string[],
  options: { workers: number; env?: Record<string, string>; timeoutMs?: number },
): Promise<Cycle> {
  const database = new URL(stack.database.url).pathname.slice(1);
  const probe = new pg.Client({ connectionString: stack.database.url });
  await probe.connect();
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < options.workers; i++) workers.push(await startWorkerProcess(stack, options.env));
    // Let the workers' start-up work (migrations check, deployment-wide jobs) settle first.
    await sleep(2_000);
    const before = await transactionsOf(probe, database);
    const cpuBefore = await Promise.all(workers.map((w) => w.cpuSeconds()));
    const since = new Date();
    await pMap(tenantIds, (id) => stack.services.scheduler.runNow(id), { concurrency: 16 });

    const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
    let probes = 0;
    for (;;) {
      await sleep(1_000);
      probes += 1;
      const { rows } = await probe.query<{ done: string; running: string }>(
        `SELECT count(DISTINCT tenant_id) FILTER (WHERE finished_at IS NOT NULL)::text AS done,
                count(*) FILTER (WHERE finished_at IS NULL)::text AS running
           FROM runs WHERE started_at >= $1`,
        [since],
      );
      if (Number(rows[0]!.done) >= tenantIds.length && Number(rows[0]!.running) === 0) break;
      if (Date.now() > deadline)
        throw new Error(`cycle not done: ${await stuck(probe, since, tenantIds.length)}`);
    }
    // PostgreSQL publishes a backend's counters when it goes idle, at most once a second.
    await sleep(1_500);
    const transactions = (await transactionsOf(probe, database)) - before - probes - 2;
    const { rows } = await probe.query<{
      status: string;
      started_at: Date;
      finished_at: Date;
      stats: { kinds?: Record<string, { items: number }>; apiCalls?: Record<string, number> };
    }>('SELECT status, started_at, finished_at, stats FROM runs WHERE started_at >= $1', [since]);
    const kinds: Record<string, number> = {};
    const apiCalls: Record<string, number> = {};
    for (const run of rows) {
      for (const [kind, tally] of Object.entries(run.stats.kinds ?? {}))
        kinds[kind] = (kinds[kind] ?? 0) + tally.items;
      for (const [group, n] of Object.entries(run.stats.apiCalls ?? {}))
        apiCalls[group] = (apiCalls[group] ?? 0) + n;
    }
    const lastEnd = Math.max(...rows.map((r) => r.finished_at.getTime()));
    const workerPeaksBytes = await Promise.all(workers.map((w) => w.peakRssBytes()));
    const workerCpuSeconds = await Promise.all(
      workers.map(async (w, i) => (await w.cpuSeconds()) - cpuBefore[i]!),
    );
    const runMs = rows.map((r) => r.finished_at.getTime() - r.started_at.getTime());
    return {
      wallMs: lastEnd - since.getTime(),
      runs: rows.length,
      unsuccessful: rows.filter((r) => r.status !== 'succeeded').length,
      transactions,
      workerPeaksBytes,
      workerCpuSeconds,
      meanRunMs: runMs.reduce((a, b) => a + b, 0) / runMs.length,
      kinds,
      apiCalls,
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await probe.end();
  }
}
