import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { REPO_ROOT, spawnNode, type Spawned } from '../../support/processes.ts';
import { freePortRuns } from '../../support/redis-server.ts';

/**
 * The two commands a newcomer starts by hand, as they start them (`node src/main.ts sim` is
 * `npm run sim`, `… demo` is `npm run demo`): the ports and pages their banners and the docs
 * promise are the ones they serve.
 */
const started: Spawned[] = [];
afterAll(async () => {
  for (const process of started) process.child.kill('SIGTERM');
  await Promise.all(started.map((p) => p.exited()));
});

const start = (command: string, env: Record<string, string>) => {
  const spawned = spawnNode('src/main.ts', [command], { SIM_EXTENSIONS: '2', SIM_DAYS: '1', ...env });
  started.push(spawned);
  return spawned;
};

describe('npm run sim', () => {
  it('puts the RingCentral media host on RC_SIM_PORT + 1 and says so in its banner', async () => {
    const [rcPort, dbxPort] = (await freePortRuns([2, 1])) as [number, number];
    const sim = start('sim', { RC_SIM_PORT: String(rcPort), DROPBOX_SIM_PORT: String(dbxPort) });
    const banner = await sim.waitFor(/RingCentral simulator: .*/, 30_000);
    expect(banner).toBe(
      `RingCentral simulator: http://127.0.0.1:${rcPort} (media http://127.0.0.1:${rcPort + 1})`,
    );
    // The media host answers there (a recording without a token: RingCentral's 401).
    const media = await fetch(`http://127.0.0.1:${rcPort + 1}/restapi/v1.0/account/~/recording/1/content`);
    expect(media.status).toBe(401);
    const platform = await fetch(`http://127.0.0.1:${rcPort}/__sim/stats`);
    expect(platform.status).toBe(200);
  });
});

describe('npm run demo', () => {
  const OPERATOR_PASSWORD = 'demo-operator-password';
  const basic = (password: string) => `Basic ${Buffer.from(`operator:${password}`).toString('base64')}`;

  it('honours OPERATOR_PASSWORD: /admin and /admin/jobs/ open with it, and only with it', async () => {
    const [port, rcPort, dbxPort] = await freePortRuns([1, 2, 1]);
    const demo = start('demo', {
      PORT: String(port),
      RC_SIM_PORT: String(rcPort),
      DROPBOX_SIM_PORT: String(dbxPort),
      DATA_DIR: join(REPO_ROOT, 'test-artifacts', `demo-data-${port}`),
      LOG_LEVEL: 'warn',
      OPERATOR_PASSWORD,
    });
    await demo.waitFor(/Operator pages: .*/, 60_000);
    const base = `http://127.0.0.1:${port}`;
    expect((await fetch(`${base}/admin`)).status).toBe(401);
    expect((await fetch(`${base}/admin`, { headers: { Authorization: basic('wrong') } })).status).toBe(401);
    const admin = await fetch(`${base}/admin`, { headers: { Authorization: basic(OPERATOR_PASSWORD) } });
    expect(admin.status).toBe(200);
    expect(await admin.text()).toContain('No company has installed the archive yet.');
    const jobs = await fetch(`${base}/admin/jobs/`, { headers: { Authorization: basic(OPERATOR_PASSWORD) } });
    expect(jobs.status).toBe(200);
    expect(jobs.headers.get('content-type')).toMatch(/text\/html/);
    expect(demo.output()).toContain(`Operator pages: http://localhost:${port}/admin`);
  });
});
