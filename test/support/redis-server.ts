import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';

/** The shared Redis the suite uses (CI makes sure it runs). Tests use their own key prefixes. */
export const TEST_REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Free ports that differ from each other: each entry is how many consecutive ports it needs (2 for
 * the RingCentral simulator, whose media host listens on RC_SIM_PORT + 1). All are held open
 * until every one is found, then released; the first port of each run is returned.
 */
export async function freePortRuns(lengths: number[]): Promise<number[]> {
  const held: Array<ReturnType<typeof createServer>> = [];
  const hold = (port: number) =>
    new Promise<number | null>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(null));
      server.listen(port, '127.0.0.1', () => {
        held.push(server);
        resolve((server.address() as { port: number }).port);
      });
    });
  const firsts: number[] = [];
  try {
    for (const length of lengths) {
      for (let attempt = 0; ; attempt++) {
        if (attempt === 50) throw new Error(`no ${length} consecutive free ports found`);
        const first = await hold(0);
        if (first === null) continue;
        let ok = true;
        for (let next = 1; ok && next < length; next++) ok = (await hold(first + next)) !== null;
        if (ok) {
          firsts.push(first);
          break;
        }
      }
    }
  } finally {
    await Promise.all(held.map((server) => new Promise((resolve) => server.close(resolve))));
  }
  return firsts;
}

/**
 * A private redis-server for tests that stop and restart Redis, so the shared one stays up for
 * every other test running in parallel.
 */
export class PrivateRedis {
  readonly port: number;
  private child: ChildProcess | null = null;

  private constructor(port: number) {
    this.port = port;
  }

  static async start(): Promise<PrivateRedis> {
    const redis = new PrivateRedis(await freePort());
    await redis.resume();
    return redis;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async resume(): Promise<void> {
    this.child = spawn(
      'redis-server',
      ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      {
        stdio: 'ignore',
      },
    );
    for (let i = 0; i < 100; i += 1) {
      if (await canConnect(this.port)) return;
      await sleep(50);
    }
    throw new Error('redis-server did not start');
  }

  async pause(): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      child.once('exit', () => resolve());
      child.kill('SIGKILL');
    });
  }
}

async function canConnect(port: number): Promise<boolean> {
  const { connect } = await import('node:net');
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
