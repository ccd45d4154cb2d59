import { parseSimConfig } from '../sandbox/config.ts';
import { startSimulators } from '../sandbox/start.ts';

/** `npm run sim`: both simulators in the foreground, configured from the environment. */
export async function runSimulators(env: Record<string, string | undefined>): Promise<() => Promise<void>> {
  const config = parseSimConfig(env);
  const sims = await startSimulators(config);
  const account = sims.rc.accounts()[0];
  process.stdout.write(
    [
      `RingCentral simulator: ${sims.rc.url} (media ${sims.rc.mediaUrl})`,
      `Dropbox simulator:     ${sims.dbx.url}`,
      `Seeded account ${account?.accountId} "${account?.companyName}": ${config.SIM_EXTENSIONS} extensions, ${config.SIM_DAYS} days; admin login ${account?.adminExtensionNumber}`,
      `Point the app at them: RINGCENTRAL_SERVER=${sims.rc.url} DROPBOX_SIMULATOR_URL=${sims.dbx.url}`,
      '',
    ].join('\n'),
  );
  return () => sims.close();
}
