import { parseConfig, type Config } from './config.ts';
import { ConfigError, errorMessage } from './lib/errors.ts';

/**
 * The one entry point: `node src/main.ts <command>`.
 *   web          the install pages, OAuth callbacks, dashboard and health endpoints
 *   worker       runs each tenant's archive job (hourly and on demand); run as many as you like
 *   demo         web + worker + both simulators + embedded database in one process
 *   sim          the RingCentral and Dropbox simulators, in the foreground
 *   verify       reconciles a tenant's Dropbox archive with the ledger and RingCentral
 *   rotate-keys  re-encrypts every stored token under the newest key in TOKEN_KEYS
 *
 * Each command loads only its own modules: a worker never loads the web stack (Express, sessions,
 * views, Redis), which keeps its memory down. The Procfile starts the worker with
 * `--max-semi-space-size=1`: a small young generation is collected often, so the network buffers
 * a streamed recording passes through are freed within a megabyte of allocation instead of piling
 * up to V8's external-memory limit (about 64 MB).
 */

const USAGE = 'Usage: node src/main.ts <web|worker|demo|sim|verify|rotate-keys>';

type Stop = () => Promise<void>;

async function runWeb(config: Config): Promise<Stop> {
  if (!config.REDIS_URL)
    throw new ConfigError(
      'Invalid configuration:\n  - REDIS_URL: is required for the web process (sessions and rate limits live in Redis); only `npm run demo` keeps sessions in memory',
    );
  const { buildServices } = await import('./runtime/services.ts');
  const { connectRedis } = await import('./lib/redis.ts');
  const { startWeb } = await import('./runtime/web.ts');
  const services = await buildServices(config, { role: 'web' });
  const redis = await connectRedis(config.REDIS_URL, services.logger, { verifyTls: config.REDIS_TLS_VERIFY });
  const web = await startWeb(services, redis);
  return async () => {
    await web.stop();
    await redis.close().catch(() => undefined);
    await services.close();
  };
}

async function runWorker(config: Config): Promise<Stop> {
  const { buildServices } = await import('./runtime/services.ts');
  const { archiveWork, startWorkerProcess } = await import('./runtime/worker.ts');
  const services = await buildServices(config, { role: 'worker' });
  const worker = await startWorkerProcess(services, archiveWork(services));
  return async () => {
    await worker.shutdown(config.SHUTDOWN_GRACE_SECONDS * 1000);
    await services.close();
  };
}

async function runRotateKeys(config: Config): Promise<Stop> {
  const { buildServices } = await import('./runtime/services.ts');
  const { rotateKeys } = await import('./connections/rotate-keys.ts');
  const services = await buildServices(config, { role: 'rotate-keys' });
  try {
    const { rotated, total } = await rotateKeys({ ...services, vault: services.connections.vault });
    process.stdout.write(
      `Re-encrypted ${rotated} of ${total} stored tokens under key "${services.connections.vault.currentKeyId}".\n`,
    );
  } finally {
    await services.close();
  }
  process.exit(0);
}

const commands: Record<string, () => Promise<Stop>> = {
  web: () => runWeb(parseConfig(process.env)),
  worker: () => runWorker(parseConfig(process.env)),
  'rotate-keys': () => runRotateKeys(parseConfig(process.env)),
  verify: async () => {
    const { runVerifyCommand } = await import('./runtime/verify/command.ts');
    process.exit(await runVerifyCommand(parseConfig(process.env), process.argv.slice(3)));
  },
  demo: async () => (await import('./runtime/demo.ts')).runDemo(process.env),
  sim: async () => (await import('./runtime/sim.ts')).runSimulators(process.env),
};

async function main(): Promise<void> {
  const command = process.argv[2] ?? '';
  const start = commands[command];
  if (!start) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const stop = await start();
  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stderr.write(`${signal} received: shutting down\n`);
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        process.stderr.write(`shutdown failed: ${errorMessage(error)}\n`);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', () => shutdown('SIGTERM'));
  process.once('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Configuration problems are the operator's to fix: print the message alone, no stack.
  process.stderr.write(
    error instanceof ConfigError ? `${error.message}\n` : `Failed to start: ${errorMessage(error)}\n`,
  );
  process.exit(1);
});
