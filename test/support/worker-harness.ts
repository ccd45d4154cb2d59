/**
 * A real worker process for the job tests: the product's own services, Agenda wiring, worker and
 * archiveTenant, with a work function that only takes time (WORK_MS), so the tests can watch
 * scheduling, locking and shutdown without providers. Started with the project's Node 24.
 *
 * env: DATABASE_URL, TENANT_IDS (comma list to schedule at start), WORK_MS, IGNORE_ABORT=1,
 *      LEASE_TTL_MS, GRACE_MS, LOG_LEVEL (silent by default), RINGCENTRAL_SERVER,
 *      CLOCK_OFFSET_MS (the process's clock runs this far ahead)
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { buildServices } from '../../src/runtime/services.ts';
import { startWorkerProcess } from '../../src/runtime/worker.ts';
import { testConfig } from './config.ts';

const env = process.env;
const offset = Number(env.CLOCK_OFFSET_MS ?? 0);
const services = await buildServices(
  testConfig({
    DATABASE_URL: env.DATABASE_URL,
    WORKER_CONCURRENCY: '10',
    JOB_POLL_SECONDS: '0.5',
    LOG_LEVEL: env.LOG_LEVEL ?? 'silent',
    ...(env.RINGCENTRAL_SERVER ? { RINGCENTRAL_SERVER: env.RINGCENTRAL_SERVER } : {}),
  }),
  { role: `harness-${process.pid}`, clock: { now: () => Date.now() + offset } },
);
const workMs = Number(env.WORK_MS ?? 200);
const ignoreAbort = env.IGNORE_ABORT === '1';

const tenantIds = (env.TENANT_IDS ?? '').split(',').filter(Boolean);
// Every harness schedules every tenant at the same moment, as two web processes might.
await Promise.all(tenantIds.map((id) => services.scheduler.scheduleTenant(id)));

const worker = await startWorkerProcess(
  services,
  async (ctx) => {
    await sleep(workMs, undefined, ignoreAbort ? {} : { signal: ctx.signal }).catch(() => undefined);
    return { status: 'succeeded', moreWork: false };
  },
  { leaseTtlMs: Number(env.LEASE_TTL_MS ?? 120_000) },
);
process.stdout.write('ready\n');

process.once('SIGTERM', () => {
  void (async () => {
    const result = await worker.shutdown(Number(env.GRACE_MS ?? 5_000));
    process.stdout.write(`drained timedOut=${result.timedOut}\n`);
    await services.close();
    process.exit(0);
  })();
});
