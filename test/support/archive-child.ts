/**
 * A real process that archives one tenant until it has nothing left to do, as the worker's job
 * would, but without the job system: the reliability suite kills it with `kill -9` (or a crash
 * point) and starts another, and Agenda would keep a killed worker's job locked for its whole lock
 * lifetime. Configured exactly like the worker, from the environment (parseConfig), plus:
 *
 * env: TENANT_ID, LEASE_TTL_MS (the run lease: a killed run's tenant is free again after it),
 *      MAX_RUNS (default 10), ARCHIVER_CRASH_AT (see src/lib/crash-points.ts),
 *      CLOCK_OFFSET_MS (the process's clock runs this far ahead, as the simulator's was moved)
 *
 * Prints one `run <json>` line per run and `done` at the end.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { parseConfig } from '../../src/config.ts';
import { archiveTenant } from '../../src/archive/run.ts';
import { buildServices } from '../../src/runtime/services.ts';
import { archiveDeps, archiveWork } from '../../src/runtime/worker.ts';

const env = process.env;
const tenantId = env.TENANT_ID ?? '';
const leaseTtlMs = Number(env.LEASE_TTL_MS ?? 3_000);
const maxRuns = Number(env.MAX_RUNS ?? 10);

const offset = Number(env.CLOCK_OFFSET_MS ?? 0);
const services = await buildServices(parseConfig(env), {
  role: 'archive-child',
  clock: { now: () => Date.now() + offset },
});
const deps = archiveDeps(services, archiveWork(services), { leaseTtlMs });

for (let runs = 0; runs < maxRuns;) {
  const outcome = await archiveTenant(tenantId, deps, { trigger: 'test', workerId: services.processId });
  process.stdout.write(`run ${JSON.stringify(outcome)}\n`);
  // A killed predecessor's lease: wait for it to lapse, as the worker's job does.
  if (outcome.outcome === 'busy') {
    await sleep(Math.min(outcome.retryAfterMs, 1_000));
    continue;
  }
  runs += 1;
  if (outcome.outcome !== 'finished' || !outcome.moreWork) break;
}
process.stdout.write('done\n');
await services.close();
process.exit(0);
