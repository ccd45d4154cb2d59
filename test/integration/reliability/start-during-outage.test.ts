import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnNode, type Spawned } from '../../support/processes.ts';
import { productEnv } from '../../support/product-env.ts';
import { startStack, type TestStack } from '../../support/stack.ts';
import { TcpProxy } from '../../support/tcp-proxy.ts';

/**
 * A worker started while the database is unreachable (a deploy during a failover; the seeded chaos
 * run restarts workers in the middle of database outages) waits for it and starts once it is back,
 * instead of exiting; a database that does not exist still stops it at once.
 */
describe('starting while the database is unreachable', () => {
  let stack: TestStack;
  let proxy: TcpProxy;
  const started: Spawned[] = [];

  beforeAll(async () => {
    stack = await startStack();
    const database = new URL(stack.database.url);
    proxy = await TcpProxy.start({ host: database.hostname, port: Number(database.port || 5432) });
  }, 60_000);
  afterAll(async () => {
    for (const p of started) p.child.kill('SIGKILL');
    await Promise.all(started.map((p) => p.exited()));
    await proxy?.close();
    await stack?.close();
  });

  it('waits for the database, then starts', async () => {
    await proxy.cut();
    const worker = spawnNode(
      'src/main.ts',
      ['worker'],
      productEnv(stack, { DATABASE_URL: proxy.relayUrl(stack.database.url), LOG_LEVEL: 'info' }),
    );
    started.push(worker);
    await worker.waitFor(/database unreachable; waiting for it to start/, 30_000);
    await new Promise((r) => setTimeout(r, 1_500));
    expect(worker.child.exitCode, worker.output()).toBeNull();
    await proxy.restore();
    await worker.waitFor(/worker started/, 30_000);
    expect(worker.output()).not.toMatch(/Failed to start/);
  });

  it('still stops at once when the database is not there (a configuration error)', async () => {
    const url = new URL(stack.database.url);
    url.pathname = '/no_such_database_here';
    const worker = spawnNode('src/main.ts', ['worker'], productEnv(stack, { DATABASE_URL: url.toString() }));
    started.push(worker);
    const began = Date.now();
    expect(await worker.exited()).not.toBe(0);
    expect(Date.now() - began).toBeLessThan(15_000);
    expect(worker.output()).toMatch(/Failed to start/);
  });
});
