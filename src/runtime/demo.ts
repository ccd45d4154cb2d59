import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { parseConfig } from '../config.ts';
import { createLogger } from '../lib/logger.ts';
import { connectRedis, type RedisClient } from '../lib/redis.ts';
import { parseSimConfig } from '../sandbox/config.ts';
import { startSimulators } from '../sandbox/start.ts';
import { buildServices } from './services.ts';
import { startWeb } from './web.ts';
import { archiveWork, startWorkerProcess } from './worker.ts';

/**
 * `npm run demo`: the whole product in one process for a first look — both simulators (a seeded
 * company), the embedded database, the web pages and a worker. Nothing to install or configure.
 * It starts fresh every time: the simulators keep their state in memory, so the database does too
 * (a folder under DATA_DIR that is emptied at start). Sessions live in memory unless REDIS_URL is
 * set. Rate-limit windows are shortened (SIM_RATE_WINDOW_SECONDS, 6 s by default) so the first
 * backup fills the simulated Dropbox in a minute or two instead of an hour.
 */
export async function runDemo(env: Record<string, string | undefined>): Promise<() => Promise<void>> {
  const port = env.PORT ?? '3000';
  const baseUrl = env.BASE_URL ?? `http://localhost:${port}`;
  const sim = parseSimConfig({
    SIM_RATE_WINDOW_SECONDS: '6',
    SIM_EXTENSIONS: '8',
    SIM_DAYS: '14',
    ...env,
    BASE_URL: baseUrl,
  });
  const sims = await startSimulators(sim, {
    recordingSizeRange: [20_000, 400_000],
    voicemailSizeRange: [10_000, 120_000],
  });

  const dataDir = join(env.DATA_DIR ?? './data', 'demo');
  await rm(dataDir, { recursive: true, force: true });
  const config = parseConfig({
    NODE_ENV: 'development',
    LOG_LEVEL: env.LOG_LEVEL ?? 'info',
    PORT: port,
    BASE_URL: baseUrl,
    DATA_DIR: dataDir,
    REDIS_URL: env.REDIS_URL,
    // Fresh secrets per start are fine: the demo's database starts fresh too.
    SESSION_SECRET: randomBytes(32).toString('hex'),
    TOKEN_KEYS: `demo:${randomBytes(32).toString('base64')}`,
    RINGCENTRAL_SERVER: sims.rc.url,
    RINGCENTRAL_CLIENT_ID: sim.RINGCENTRAL_CLIENT_ID,
    RINGCENTRAL_CLIENT_SECRET: sim.RINGCENTRAL_CLIENT_SECRET,
    DROPBOX_APP_KEY: sim.DROPBOX_APP_KEY,
    DROPBOX_APP_SECRET: sim.DROPBOX_APP_SECRET,
    DROPBOX_SIMULATOR_URL: sims.dbx.url,
    JOB_POLL_SECONDS: '2',
    WORKER_CONCURRENCY: '4',
    // Set it to see the operator pages (/admin, /admin/jobs) in the demo too.
    OPERATOR_PASSWORD: env.OPERATOR_PASSWORD,
  });
  const logger = createLogger(config.LOG_LEVEL, { name: 'demo' });
  let redis: RedisClient | null = null;
  if (config.REDIS_URL) redis = await connectRedis(config.REDIS_URL, logger);
  else logger.warn('REDIS_URL is not set: the demo keeps sessions in memory (never do this in production)');

  const services = await buildServices(config, { role: 'demo', logger });
  const web = await startWeb(services, redis);
  const worker = await startWorkerProcess(services, archiveWork(services));
  const account = sims.rc.accounts()[0];
  process.stdout.write(
    [
      '',
      `Call Archive demo is running: open ${baseUrl}`,
      `  1. Click "Connect RingCentral" and sign in on the simulated consent page as extension ${account?.adminExtensionNumber ?? '101'} (an admin of "${account?.companyName}").`,
      '  2. Connect Dropbox with any e-mail address (the simulated Dropbox creates the account).',
      '  3. Watch the first backup fill the simulated Dropbox: Dashboard → Browse folders, Search.',
      `Simulators: RingCentral ${sims.rc.url} (media ${sims.rc.mediaUrl}), Dropbox ${sims.dbx.url} (their /__sim APIs are documented in docs/simulators/).`,
      config.OPERATOR_PASSWORD
        ? `Operator pages: ${baseUrl}/admin and ${baseUrl}/admin/jobs/ (any user name, the OPERATOR_PASSWORD you set).`
        : 'Operator pages: start with OPERATOR_PASSWORD=… to see /admin and /admin/jobs/.',
      '',
    ].join('\n'),
  );
  return async () => {
    await worker.shutdown(5_000);
    await web.stop();
    await redis?.close().catch(() => undefined);
    await services.close();
    await sims.close();
  };
}
