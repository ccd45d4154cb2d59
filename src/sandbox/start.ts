import { startDropboxSimulator, type DropboxSim } from './dropbox/index.ts';
import { startRingCentralSimulator, type RcAccountSpec, type RcSim } from './ringcentral/index.ts';
import type { SimConfig } from './config.ts';

export interface Simulators {
  rc: RcSim;
  dbx: DropboxSim;
  close(): Promise<void>;
}

/** Both simulators, registered for the app's credentials and redirect URIs, with one seeded account. */
export async function startSimulators(
  config: SimConfig,
  account: Partial<RcAccountSpec> = {},
): Promise<Simulators> {
  const rc = await startRingCentralSimulator({
    port: config.RC_SIM_PORT,
    // The media host (media.ringcentral.com's stand-in) on the next port, as docs/simulators says;
    // RC_SIM_PORT=0 (any free port) leaves both to the system.
    mediaPort: config.RC_SIM_PORT === 0 ? 0 : config.RC_SIM_PORT + 1,
    host: config.SIM_HOST,
    clients: [
      {
        clientId: config.RINGCENTRAL_CLIENT_ID,
        clientSecret: config.RINGCENTRAL_CLIENT_SECRET,
        redirectUris: [`${config.BASE_URL}/connect/ringcentral/callback`],
      },
    ],
    accounts: [
      { seed: config.SIM_SEED, extensions: config.SIM_EXTENSIONS, days: config.SIM_DAYS, ...account },
    ],
    rateLimitWindowSeconds: config.SIM_RATE_WINDOW_SECONDS,
  });
  const dbx = await startDropboxSimulator({
    port: config.DROPBOX_SIM_PORT,
    host: config.SIM_HOST,
    apps: [
      {
        appKey: config.DROPBOX_APP_KEY,
        appSecret: config.DROPBOX_APP_SECRET,
        redirectUris: [`${config.BASE_URL}/connect/dropbox/callback`],
      },
    ],
  });
  return {
    rc,
    dbx,
    async close() {
      await Promise.all([rc.close(), dbx.close()]);
    },
  };
}
