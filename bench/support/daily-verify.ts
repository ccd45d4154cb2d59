import { setTimeout as sleep } from 'node:timers/promises';
import pg from 'pg';
import { VERIFY_TRIGGER } from '../../src/archive/verify/verify-tenant.ts';
import { VERIFY_JOB } from '../../src/jobs/agenda.ts';
import type { TestStack } from '../../test/support/stack.ts';
import { startWorkerProcess, type WorkerProcess } from './worker-process.ts';

/**
 * The daily verification of a deployment through real worker processes: the deployment-wide job is
 * made due now, it queues one verification job per company, and the workers take them. Ends when
 * every active company has a finished verification run; who verified which company is read from
 * each worker's own log ("daily verification done" lines).
 */
export interface DailyVerification {
  wallMs: number;
  runs: number;
  /** Runs that did not end 'succeeded'. */
  unsuccessful: number;
  /** Companies each worker verified. */
  perWorker: number[];
}

const verifiedBy = (worker: WorkerProcess) =>
  worker
    .output()
    .split('\n')
    .filter((line) => line.includes('"msg":"daily verification done"')).length;

export async function runDailyVerification(
  stack: TestStack,
  companies: number,
  options: { workers: number; env?: Record<string, string>; timeoutMs?: number },
): Promise<DailyVerification> {
  const probe = new pg.Client({ connectionString: stack.database.url });
  await probe.connect();
  const workers: WorkerProcess[] = [];
  try {
    for (let i = 0; i < options.workers; i++) workers.push(await startWorkerProcess(stack, options.env));
    await sleep(2_000);
    const since = new Date();
    await stack.services.agenda.now(VERIFY_JOB);
    const deadline = Date.now() + (options.timeoutMs ?? 10 * 60_000);
    for (;;) {
      await sleep(1_000);
      const { rows } = await probe.query<{ done: string; running: string }>(
        `SELECT count(DISTINCT tenant_id) FILTER (WHERE finished_at IS NOT NULL)::text AS done,
                count(*) FILTER (WHERE finished_at IS NULL)::text AS running
           FROM runs WHERE trigger = $2 AND started_at >= $1`,
        [since, VERIFY_TRIGGER],
      );
      if (Number(rows[0]!.done) >= companies && Number(rows[0]!.running) === 0) break;
      if (Date.now() > deadline)
        throw new Error(`daily verification not done: ${rows[0]!.done} of ${companies} companies verified`);
    }
    const { rows } = await probe.query<{ status: string; finished_at: Date }>(
      'SELECT status, finished_at FROM runs WHERE trigger = $2 AND started_at >= $1',
      [since, VERIFY_TRIGGER],
    );
    // The last log lines may trail the run rows by a moment.
    await sleep(500);
    return {
      wallMs: Math.max(...rows.map((r) => r.finished_at.getTime())) - since.getTime(),
      runs: rows.length,
      unsuccessful: rows.filter((r) => r.status !== 'succeeded').length,
      perWorker: workers.map(verifiedBy),
    };
  } finally {
    await Promise.all(workers.map((w) => w.stop()));
    await probe.end();
  }
}
