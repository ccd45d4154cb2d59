import { join } from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { REPO_ROOT, spawnNode, type Spawned } from './processes.ts';
import { freePortRuns } from './redis-server.ts';

/** Where browser tests find Debian's Chromium (CHROMIUM_PATH overrides). */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Headless Chromium as the browser tests run it; without the networking flags it calls out. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
}

export interface RunningDemo {
  demo: Spawned;
  /** The demo's pages. */
  base: string;
  rcSim: string;
  dbxSim: string;
}

/** `npm run demo` as a user starts it, on free ports, with a small seeded company. */
export async function startDemo(company: { extensions: number; days: number }): Promise<RunningDemo> {
  // The RingCentral simulator takes two ports: its media host listens on RC_SIM_PORT + 1.
  const [port, rcPort, dbxPort] = await freePortRuns([1, 2, 1]);
  const demo = spawnNode('src/main.ts', ['demo'], {
    PORT: String(port),
    RC_SIM_PORT: String(rcPort),
    DROPBOX_SIM_PORT: String(dbxPort),
    DATA_DIR: join(REPO_ROOT, 'test-artifacts', `demo-data-${port}`),
    SIM_EXTENSIONS: String(company.extensions),
    SIM_DAYS: String(company.days),
    SIM_RATE_WINDOW_SECONDS: '1',
    LOG_LEVEL: 'warn',
  });
  await demo.waitFor(/Call Archive demo is running/, 60_000);
  return {
    demo,
    base: `http://localhost:${port}`,
    rcSim: `http://127.0.0.1:${rcPort}`,
    dbxSim: `http://127.0.0.1:${dbxPort}`,
  };
}
