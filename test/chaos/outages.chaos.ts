import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allLedger, checkArchive, expectComplete } from '../support/archive-check.ts';
import { onboardTenant } from '../support/onboard.ts';
import { spawnNode, type Spawned } from '../support/processes.ts';
import { productEnv } from '../support/product-env.ts';
import { freePort, PrivateRedis } from '../support/redis-server.ts';
import { startStack, type TestStack } from '../support/stack.ts';
import { TcpProxy } from '../support/tcp-proxy.ts';

/**
 * Fault suite, case 3: the database unreachable for 30 s in the middle of a run, then Redis for
 * 30 s, under a real web process and a real worker process. Neither process exits or restarts,
 * /readyz answers 503 during each outage and 200 after it, the archive job resumes on its own,
 * and no job or run lease stays locked.
 */

const OUTAGE_MS = 30_000;
const EMAIL = 'archive@outage.example';

describe('fault suite 3: the database and Redis unreachable for 30 s each', () => {
  let stack: TestStack;
  let tenantId: string;
  let proxy: TcpProxy;
  let redis: PrivateRedis;
  let web: Spawned;
  let worker: Spawned;
  let webUrl: string;

  const readyz = async (): Promise<{ status: number; checks: Record<string, string> }> => {
    try {
      const res = await fetch(`${webUrl}/readyz`, { signal: AbortSignal.timeout(4_000) });
      return {
        status: res.status,
        checks: ((await res.json()) as { checks: Record<string, string> }).checks,
      };
    } catch {
      return { status: 0, checks: {} };
    }
  };
  const aliveThroughout = async (ms: number) => {
    const until = Date.now() + ms;
    const readiness: number[] = [];
    while (Date.now() < until) {
      expect(web.child.exitCode, web.output()).toBeNull();
      expect(worker.child.exitCode, worker.output()).toBeNull();
      readiness.push((await readyz()).status);
      await new Promise((r) => setTimeout(r, 1_000));
    }
    return readiness;
  };
  /** Locks in the jobs table and the tenant's run lease, read straight from the database. */
  const locks = async () => {
    const db = new pg.Client({ connectionString: stack.database.url });
    await db.connect();
    try {
      const jobs = await db.query<{ name: string; locked_at: Date | null }>(
        'SELECT name, locked_at FROM agenda_jobs WHERE locked_at IS NOT NULL',
      );
      const leases = await db.query<{ id: string; run_lease_until: Date | null }>(
        'SELECT id, run_lease_until FROM tenants WHERE run_lease_until > now()',
      );
      return { jobs: jobs.rows, leases: leases.rows };
    } finally {
      await db.end();
    }
  };
  const runs = async () => (await stack.services.store.listRuns(tenantId, { limit: 100 })).items;

  beforeAll(async () => {
    stack = await startStack({
      rc: {
        rateLimitWindowSeconds: 1,
        // Heavy paces the recordings, so the first run lasts well past the database outage's start.
        limits: { Heavy: 3, Medium: 400, Light: 500 },
        accounts: [
          {
            seed: 303,
            extensions: 6,
            days: 14,
            callsPerExtensionPerDay: 3,
            recordedShare: 0.5,
            messagesPerExtensionPerDay: 1,
            recordingSizeRange: [5_000, 30_000],
            voicemailSizeRange: [2_000, 8_000],
            lateRecordingShare: 0,
          },
        ],
      },
    });
    ({ tenantId } = await onboardTenant(stack, { email: EMAIL }));
    const database = new URL(stack.database.url);
    proxy = await TcpProxy.start({ host: database.hostname, port: Number(database.port || 5432) });
    redis = await PrivateRedis.start();
    const port = await freePort();
    webUrl = `http://127.0.0.1:${port}`;
    const env = { DATABASE_URL: proxy.relayUrl(stack.database.url), LOG_LEVEL: 'info' };
    web = spawnNode(
      'src/main.ts',
      ['web'],
      productEnv(stack, { ...env, PORT: String(port), REDIS_URL: redis.url }),
    );
    await web.waitFor(/web listening/, 30_000);
    worker = spawnNode('src/main.ts', ['worker'], productEnv(stack, env));
    await worker.waitFor(/worker started/, 30_000);
  }, 120_000);

  afterAll(async () => {
    for (const child of [web, worker]) child?.child.kill('SIGKILL');
    await Promise.all([web?.exited(), worker?.exited()]);
    await proxy?.close();
    await redis?.pause();
    await stack?.close();
  });

  it('rides out the database unreachable for 30 s mid-run: 503 then ready, the job resumes, nothing locked', async () => {
    expect((await readyz()).status).toBe(200);
    // Mid-run: the worker has archived some items and has many more to go.
    await expect
      .poll(async () => (await allLedger(stack, tenantId)).length, { timeout: 60_000, interval: 200 })
      .toBeGreaterThan(20);
    const before = await checkArchive(stack, tenantId, EMAIL);
    expect(before.missing.length).toBeGreaterThan(50);

    await proxy.cut();
    const cutAt = Date.now();
    const during = await aliveThroughout(OUTAGE_MS);
    await proxy.restore();
    const restoredAt = Date.now();
    // /readyz says so within seconds, for the rest of the outage.
    expect(
      during.slice(5).every((s) => s === 503),
      JSON.stringify(during),
    ).toBe(true);
    await expect.poll(async () => (await readyz()).status, { timeout: 15_000, interval: 250 }).toBe(200);
    const readyAfterMs = Date.now() - restoredAt;

    // The job comes back on its own and finishes the archive.
    await expect
      .poll(
        async () => (await runs()).some((r) => r.status === 'succeeded' && r.startedAt.getTime() > cutAt),
        {
          timeout: 120_000,
          interval: 500,
        },
      )
      .toBe(true);
    const resumedAfterMs =
      Math.min(
        ...(await runs()).filter((r) => r.startedAt.getTime() > restoredAt).map((r) => r.startedAt.getTime()),
      ) - restoredAt;
    // The failed run is recorded once the database is back; its job returns a minute later.
    expect(resumedAfterMs).toBeLessThan(90_000);
    expect(worker.child.exitCode).toBeNull();
    expect(web.child.exitCode).toBeNull();
    // The lost LISTEN connection is reported once, not at every reconnection attempt.
    expect(worker.output().match(/job notifications lost/g)).toHaveLength(1);
    // Every run is finished and recorded; no job and no run lease is left locked.
    await expect
      .poll(async () => (await runs()).filter((r) => r.finishedAt === null), { timeout: 10_000 })
      .toEqual([]);
    await expect.poll(locks, { timeout: 10_000 }).toEqual({ jobs: [], leases: [] });

    const check = expectComplete(await checkArchive(stack, tenantId, EMAIL));
    console.log(
      `database unreachable ${OUTAGE_MS / 1000} s mid-run (${before.expected - before.missing.length} of ` +
        `${before.expected} items archived at the cut): /readyz 503 throughout, 200 again ${readyAfterMs} ms ` +
        `after; the job resumed ${resumedAfterMs} ms after; ${check.expected} items checked (${check.binaries} ` +
        'binaries), none lost or duplicated; no crash, no lock left',
    );
  });

  it('rides out Redis unreachable for 30 s: 503 then ready, web stays up, archiving goes on', async () => {
    expect((await readyz()).status).toBe(200);
    stack.rc.addActivity({ accountId: tenantId, extensionNumber: '101', calls: 3, recordedCalls: 2, sms: 2 });
    await redis.pause();
    const during = await aliveThroughout(OUTAGE_MS / 2);
    // The worker does not need Redis: a backup runs and completes during the outage.
    await stack.services.scheduler.runNow(tenantId);
    const requestedAt = Date.now();
    await expect
      .poll(
        async () =>
          (await runs()).some(
            (r) => r.status === 'succeeded' && r.startedAt.getTime() >= requestedAt - 1_000,
          ),
        {
          timeout: OUTAGE_MS / 2,
          interval: 250,
        },
      )
      .toBe(true);
    during.push(...(await aliveThroughout(Math.max(0, OUTAGE_MS / 2 - (Date.now() - requestedAt)))));
    const sample = await readyz();
    expect(sample).toMatchObject({ status: 503, checks: { database: 'ok', redis: 'unreachable' } });
    await redis.resume();
    const resumedAt = Date.now();
    expect(
      during.slice(3).every((s) => s === 503),
      JSON.stringify(during),
    ).toBe(true);
    await expect.poll(async () => (await readyz()).status, { timeout: 15_000, interval: 250 }).toBe(200);
    expect(web.child.exitCode).toBeNull();
    expect(worker.child.exitCode).toBeNull();
    await expect.poll(locks, { timeout: 10_000 }).toEqual({ jobs: [], leases: [] });
    const check = expectComplete(await checkArchive(stack, tenantId, EMAIL));
    console.log(
      `Redis unreachable ${OUTAGE_MS / 1000} s: /readyz 503 throughout, 200 again ${Date.now() - resumedAt} ms after; ` +
        `a backup ran during the outage; ${check.expected} items checked, none lost or duplicated; no crash, no lock left`,
    );
  });
});
