/**
 * One of the seeded run's two workers: the product's own services, archive job body and run lease
 * (archiveTenant with archiveDeps and archiveWork, as the worker's job calls them), looping over one
 * company as the hourly schedule does, compressed: a run that leaves work is continued at once, an
 * idle company is looked at again a second later. Agenda is left out on purpose: a kill -9 would
 * keep its job locked for the whole lock lifetime (the rolling SIGTERM case covers Agenda); the run
 * lease is what keeps two runs of one company apart, and it is what this run exercises.
 *
 * Like the worker it starts by marking the runs of dead workers interrupted, and on SIGTERM it asks
 * the run to stop at its next item, waits for it, and exits 0.
 *
 * env: the worker's own (parseConfig), plus TENANT_ID, LEASE_TTL_MS, CLOCK_OFFSET_FILE (this
 * process's clock runs that many ms ahead, re-read as the driver moves the simulators' clocks).
 */
import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { archiveTenant } from '../../../src/archive/run.ts';
import { parseConfig } from '../../../src/config.ts';
import { errorMessage } from '../../../src/lib/errors.ts';
import { isUnreachable, OUTAGE_PATIENCE_MS, patiently } from '../../../src/lib/patiently.ts';
import { buildServices } from '../../../src/runtime/services.ts';
import { archiveDeps, archiveWork } from '../../../src/runtime/worker.ts';

const env = process.env;
const tenantId = env.TENANT_ID ?? '';
const offsetFile = env.CLOCK_OFFSET_FILE;
let offset = 0;
const readOffset = () => {
  if (!offsetFile) return;
  try {
    offset = Number(readFileSync(offsetFile, 'utf8')) || 0;
  } catch {
    // Not written yet: no offset.
  }
};
readOffset();
setInterval(readOffset, 200).unref();

const services = await buildServices(parseConfig(env), {
  role: 'chaos-worker',
  clock: { now: () => Date.now() + offset },
});
const { store, clock, logger } = services;
// As the worker does (runtime/worker.ts): a database still unreachable at start is waited for.
const interrupted = await patiently(
  () => store.interruptStaleRuns(new Date(clock.now() - services.lockLifetimeMs)),
  { maxMs: OUTAGE_PATIENCE_MS, retryIf: isUnreachable },
);
if (interrupted > 0) logger.warn({ interrupted }, 'marked runs of a stopped worker as interrupted');
const deps = archiveDeps(services, archiveWork(services), { leaseTtlMs: Number(env.LEASE_TTL_MS ?? 3_000) });

const shutdown = new AbortController();
process.once('SIGTERM', () => shutdown.abort(new Error('SIGTERM')));
process.stdout.write('worker ready\n');

while (!shutdown.signal.aborted) {
  const outcome = await archiveTenant(tenantId, deps, {
    trigger: 'chaos',
    workerId: services.processId,
    signal: shutdown.signal,
  }).catch((error: unknown) => {
    // What the job system would do with a job that threw: log it and try again later.
    process.stdout.write(`run error: ${errorMessage(error)}\n`);
    return null;
  });
  if (outcome) process.stdout.write(`run ${JSON.stringify(outcome)}\n`);
  const wait =
    outcome === null
      ? 1_000
      : outcome.outcome === 'busy'
        ? Math.min(outcome.retryAfterMs, 500)
        : outcome.outcome === 'finished' && outcome.moreWork && outcome.status !== 'failed'
          ? 0
          : 1_000;
  if (wait > 0) await sleep(wait, undefined, { signal: shutdown.signal }).catch(() => undefined);
}
await services.close().catch(() => undefined);
process.stdout.write('worker stopped\n');
process.exit(0);
