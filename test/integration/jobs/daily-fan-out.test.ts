import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERIFY_TRIGGER } from '../../../src/archive/verify/verify-tenant.ts';
import { VERIFY_COMPANY_JOB, VERIFY_JOB } from '../../../src/jobs/agenda.ts';
import { buildServices, type Services } from '../../../src/runtime/services.ts';
import { activeCompanies } from '../../../src/runtime/verify/active-companies.ts';
import { testConfig } from '../../support/config.ts';
import { createTestDatabase, type TestDatabase } from '../../support/postgres.ts';
import { spawnNode, type Spawned } from '../../support/processes.ts';

/**
 * The deployment-wide daily jobs fan out: the daily verification and the token keep-alive each
 * queue one job per company, and two real worker processes share them. The companies have no
 * reachable provider here (RingCentral points at a closed port), so each company's job is quick
 * and ends in a logged failure: what is measured is who ran which company, read from each
 * worker's own log lines, and how often each company was verified from its run rows.
 */

const HARNESS = 'test/support/worker-harness.ts';
const COMPANIES = 24;
const DAY_MS = 86_400_000;

/**
 * The workers' clocks stand at noon UTC of the day after tomorrow: over 20 hours on, so every
 * connection is due its keep-alive, and hours from midnight, so every fan-out of this file falls on
 * the same UTC day (one daily round) whenever it runs.
 */
const workerClockOffset = () => {
  const now = Date.now();
  return now - (now % DAY_MS) + 2 * DAY_MS + DAY_MS / 2 - now;
};

/** The companies a worker's log says it handled with the given message. */
const handled = (worker: Spawned, msg: string) =>
  worker
    .output()
    .split('\n')
    .filter((line) => line.includes(`"msg":"${msg}"`))
    .map((line) => (JSON.parse(line) as { tenantId: string }).tenantId);

describe('daily jobs across two worker processes', () => {
  let database: TestDatabase;
  let services: Services;
  const workers: Spawned[] = [];
  const tenantIds = Array.from({ length: COMPANIES }, (_, i) => `fan-${100 + i}`);

  beforeAll(async () => {
    database = await createTestDatabase('fanout');
    services = await buildServices(testConfig({ DATABASE_URL: database.url }), { role: 'test' });
    for (const id of tenantIds) {
      await services.store.createTenant({
        id,
        companyName: id,
        installedBy: { extensionId: '1', name: 'A' },
        settings: {},
      });
      await services.store.updateTenant(id, { status: 'active' });
      await services.store.saveConnection({
        tenantId: id,
        provider: 'ringcentral',
        accountId: id,
        accountLabel: 'Ada',
        tokenCiphertext: 'sealed',
        keyId: 't1',
        accessExpiresAt: null,
        refreshExpiresAt: null,
      });
    }
  });

  afterAll(async () => {
    for (const worker of workers.splice(0)) {
      worker.child.kill('SIGKILL');
      await worker.exited();
    }
    await services?.close();
    await database?.drop();
  });

  it('queues one verification and one keep-alive per company, and both workers take a share', async () => {
    const env = {
      DATABASE_URL: database.url,
      LOG_LEVEL: 'info',
      RINGCENTRAL_SERVER: 'http://127.0.0.1:9',
      CLOCK_OFFSET_MS: String(workerClockOffset()),
    };
    workers.push(spawnNode(HARNESS, [], env), spawnNode(HARNESS, [], env));
    await Promise.all(workers.map((w) => w.waitFor(/ready/)));

    // The keep-alive's daily row runs as soon as it is first created (by the workers starting);
    // the verification's waits for 03:17 UTC, so it is asked for now.
    await services.agenda.now(VERIFY_JOB);

    for (const msg of ['daily verification done', 'token keep-alive done']) {
      await expect
        .poll(() => workers.flatMap((w) => handled(w, msg)).length, { timeout: 30_000, interval: 200 })
        .toBe(COMPANIES);
      const shares = workers.map((w) => handled(w, msg));
      // Every company exactly once, and each worker did some of them.
      expect(shares.flat().sort()).toEqual([...tenantIds].sort());
      for (const share of shares) expect(share.length).toBeGreaterThan(0);
      console.log(`${msg}: ${shares.map((s) => s.length).join(' + ')} companies`);
    }
    // The per-company jobs are gone once done; only the deployment-wide rows remain.
    const { jobs } = await services.agenda.queryJobs({ name: VERIFY_COMPANY_JOB });
    expect(jobs).toEqual([]);
  }, 60_000);

  // Goes on from the round above, with the same two workers.
  it("verifies each company once a day: the day's fan-out run again verifies none of them again", async () => {
    const fanOuts = () => workers.flatMap((w) => handled(w, 'daily verification queued per company')).length;
    expect(fanOuts()).toBe(1);
    // What a worker dying while it held the fan-out, or an operator, would bring: the same day's
    // fan-out again, after every company's job of the first is done and removed.
    await services.agenda.now(VERIFY_JOB);
    await expect.poll(fanOuts, { timeout: 30_000, interval: 200 }).toBe(2);
    await expect
      .poll(async () => (await services.agenda.queryJobs({ name: VERIFY_COMPANY_JOB })).jobs.length, {
        timeout: 30_000,
        interval: 200,
      })
      .toBe(0);

    // Every company was queued again and its job found the day's verification done.
    const skipped = workers.flatMap((w) => handled(w, 'daily verification already done this round'));
    expect(skipped.sort()).toEqual([...tenantIds].sort());
    expect(workers.flatMap((w) => handled(w, 'daily verification done'))).toHaveLength(COMPANIES);
    for (const id of tenantIds) {
      const runs = (await services.store.listRuns(id, { limit: 100 })).items;
      expect(runs.filter((r) => r.trigger === VERIFY_TRIGGER)).toHaveLength(1);
    }
  }, 60_000);

  it('reads the active companies a page at a time, each once', async () => {
    // A paused company is not verified; it sorts among the others.
    await services.store.createTenant({
      id: 'fan-105-paused',
      companyName: 'Paused',
      installedBy: { extensionId: '1', name: 'A' },
      settings: {},
    });
    await services.store.updateTenant('fan-105-paused', { status: 'paused' });
    const queries = services.store.queryCount();
    const pages: string[][] = [];
    for await (const page of activeCompanies(services.store, 5)) pages.push(page);
    expect(pages.map((p) => p.length)).toEqual([5, 5, 5, 5, 4]);
    expect(pages.flat()).toEqual([...tenantIds].sort());
    // One query a page, none for the whole list.
    expect(services.store.queryCount() - queries).toBe(pages.length);
  });
});
