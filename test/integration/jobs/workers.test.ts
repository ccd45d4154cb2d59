import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { Run } from '../../../src/store/types.ts';
import { buildServices, type Services } from '../../../src/runtime/services.ts';
import { testConfig } from '../../support/config.ts';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.ts';
import { spawnNode, type Spawned } from '../../support/processes.ts';

const HARNESS = 'test/support/worker-harness.ts';

async function allRuns(services: Services, tenantIds: string[]): Promise<Map<string, Run[]>> {
  const result = new Map<string, Run[]>();
  for (const id of tenantIds) result.set(id, (await services.store.listRuns(id, { limit: 1000 })).items);
  return result;
}

function expectNoOverlap(runs: Run[]): void {
  const sorted = [...runs].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime());
  for (let i = 1; i < sorted.length; i += 1) {
    const previousEnd = sorted[i - 1]!.finishedAt?.getTime() ?? Infinity;
    expect(sorted[i]!.startedAt.getTime()).toBeGreaterThanOrEqual(previousEnd);
  }
}

describe('archive jobs across two worker processes', () => {
  let database: TestDatabase;
  let services: Services;
  const workers: Spawned[] = [];
  const tenantIds = Array.from({ length: 50 }, (_, i) => `acct-${1000 + i}`);

  beforeAll(async () => {
    database = await createTestDatabase('jobs');
    services = await buildServices(testConfig({ DATABASE_URL: database.url }), { role: 'test' });
    for (const id of tenantIds)
      await services.store.createTenant({
        id,
        companyName: id,
        installedBy: { extensionId: '1', name: 'A' },
        settings: {},
      });
  });

  afterEach(async () => {
    for (const worker of workers.splice(0)) {
      worker.child.kill('SIGKILL');
      await worker.exited();
    }
  });

  afterAll(async () => {
    await services?.close();
    await database?.drop();
  });

  it('schedules 50 tenants from two processes at once into exactly 50 jobs, runs each on demand once, never two at a time', async () => {
    const env = { DATABASE_URL: database.url, TENANT_IDS: tenantIds.join(','), WORK_MS: '300' };
    workers.push(spawnNode(HARNESS, [], env), spawnNode(HARNESS, [], env));
    await Promise.all(workers.map((w) => w.waitFor(/ready/)));

    const db = new pg.Client({ connectionString: database.url });
    await db.connect();
    const { rows } = await db.query<{ jobs: number; tenants: number }>(
      `SELECT count(*)::int AS jobs, count(DISTINCT data->>'tenantId')::int AS tenants
       FROM agenda_jobs WHERE name = 'archive-tenant'`,
    );
    await db.end();
    expect(rows[0]).toEqual({ jobs: 50, tenants: 50 });

    // The first run of every tenant starts right away.
    const finishedRuns = async () =>
      [...(await allRuns(services, tenantIds)).values()].map(
        (runs) => runs.filter((r) => r.finishedAt).length,
      );
    await expect
      .poll(async () => Math.min(...(await finishedRuns())), { timeout: 30_000, interval: 250 })
      .toBe(1);

    // "Back up now" for everyone: each tenant runs exactly once more.
    await Promise.all(tenantIds.map((id) => services.scheduler.runNow(id)));
    await expect
      .poll(async () => Math.min(...(await finishedRuns())), { timeout: 30_000, interval: 250 })
      .toBe(2);
    await new Promise((r) => setTimeout(r, 2_000));
    const runs = await allRuns(services, tenantIds);
    for (const [, tenantRuns] of runs) {
      expect(tenantRuns).toHaveLength(2);
      expect(tenantRuns.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
      expect(tenantRuns.map((r) => r.trigger).sort()).toEqual(['manual', 'schedule']);
      expectNoOverlap(tenantRuns);
    }
    // Both processes are still up: scheduling, running and being asked again crashed neither.
    for (const w of workers) expect(w.child.exitCode, w.output()).toBeNull();
  });

  it('on SIGTERM a run that stops at its next item is recorded and taken over by the peer soon after', async () => {
    const tenant = tenantIds[0]!;
    await services.scheduler.runNow(tenant);
    const before = (await services.store.listRuns(tenant, { limit: 1000 })).items.length;
    const env = { DATABASE_URL: database.url, WORK_MS: '6000', GRACE_MS: '3000', LEASE_TTL_MS: '3000' };
    const first = spawnNode(HARNESS, [], env);
    workers.push(first);
    await first.waitFor(/ready/);
    await expect
      .poll(async () => (await services.store.listRuns(tenant, { limit: 1 })).items[0]?.status, {
        timeout: 15_000,
      })
      .toBe('running');

    const second = spawnNode(HARNESS, [], env);
    workers.push(second);
    await second.waitFor(/ready/);
    first.child.kill('SIGTERM');
    await first.waitFor(/drained timedOut=false/, 3_000);
    expect(await first.exited()).toBe(0);

    // The interrupted run is on record, and the peer completes the tenant's work after it.
    const interrupted = (await services.store.listRuns(tenant, { limit: 1000 })).items.find(
      (r) => r.status === 'interrupted',
    );
    expect(interrupted?.finishedAt).toBeInstanceOf(Date);
    await expect
      .poll(
        async () =>
          (await services.store.listRuns(tenant, { limit: 1000 })).items.some(
            (r) => r.status === 'succeeded' && r.startedAt >= interrupted!.finishedAt!,
          ),
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);
    const runs = (await services.store.listRuns(tenant, { limit: 1000 })).items;
    expect(runs.length).toBeGreaterThan(before + 1);
    expectNoOverlap(runs.filter((r) => r.finishedAt));
  });

  it('on SIGTERM a run that outlasts the grace period is released and run again later, never lost', async () => {
    const tenant = tenantIds[1]!;
    const env = {
      DATABASE_URL: database.url,
      WORK_MS: '8000',
      GRACE_MS: '1000',
      LEASE_TTL_MS: '3000',
      IGNORE_ABORT: '1',
    };
    const first = spawnNode(HARNESS, [], env);
    workers.push(first);
    await first.waitFor(/ready/);
    const startedBefore = Date.now();
    await services.scheduler.runNow(tenant);
    await expect
      .poll(
        async () => {
          const latest = (await services.store.listRuns(tenant, { limit: 1 })).items[0];
          return latest && latest.startedAt.getTime() >= startedBefore - 1000 ? latest.status : null;
        },
        { timeout: 15_000 },
      )
      .toBe('running');

    first.child.kill('SIGTERM');
    await first.waitFor(/drained timedOut=true/, 5_000);
    expect(await first.exited()).toBe(0);

    const second = spawnNode(HARNESS, [], { ...env, WORK_MS: '200', IGNORE_ABORT: '0' });
    workers.push(second);
    await second.waitFor(/ready/);
    // The released job comes back within seconds (not after the hour or the lock lifetime) and
    // completes once the dead worker's lease has expired.
    await expect
      .poll(
        async () =>
          (await services.store.listRuns(tenant, { limit: 10 })).items.some(
            (r) => r.status === 'succeeded' && r.startedAt.getTime() > startedBefore,
          ),
        { timeout: 30_000, interval: 250 },
      )
      .toBe(true);
  });
});
