import { z } from 'zod';
import { ConfigError } from '../lib/errors.ts';

/**
 * What `npm run sim` (and the demo) read: the simulators' ports and seed, and the app's own client
 * credentials and BASE_URL, so the app and the simulators started with the same environment work
 * together. Credentials default to obvious demo values when unset.
 */
const port = (fallback: number) =>
  z.coerce.number().int().min(0).max(65535, { message: 'must be a port number' }).default(fallback);

export const simConfigSchema = z.object({
  /** The RingCentral simulator's platform; its media host listens on the next port. */
  RC_SIM_PORT: port(4010).refine((p) => p < 65535, {
    message: 'must leave room for the media host on the next port',
  }),
  DROPBOX_SIM_PORT: port(4020),
  SIM_HOST: z.string().default('127.0.0.1'),
  SIM_SEED: z.coerce.number().int().default(1),
  SIM_EXTENSIONS: z.coerce.number().int().min(1).max(5000).default(10),
  SIM_DAYS: z.coerce.number().int().min(0).max(400).default(14),
  /** Seconds RingCentral's 60-second rate-limit window lasts in the simulator. */
  SIM_RATE_WINDOW_SECONDS: z.coerce.number().positive().default(60),
  BASE_URL: z
    .url({ message: 'must be an absolute URL, e.g. http://localhost:3000' })
    .default('http://localhost:3000'),
  RINGCENTRAL_CLIENT_ID: z.string().min(1).default('demo-ringcentral-client'),
  RINGCENTRAL_CLIENT_SECRET: z.string().min(1).default('demo-ringcentral-secret'),
  DROPBOX_APP_KEY: z.string().min(1).default('demo-dropbox-app'),
  DROPBOX_APP_SECRET: z.string().min(1).default('demo-dropbox-secret'),
});

export type SimConfig = z.output<typeof simConfigSchema>;

export function parseSimConfig(env: Record<string, string | undefined>): SimConfig {
  const result = simConfigSchema.safeParse(env);
  if (result.success) return { ...result.data, BASE_URL: result.data.BASE_URL.replace(/\/+$/, '') };
  const lines = result.error.issues.map((i) => `  - ${i.path.join('.')}: ${i.message}`);
  throw new ConfigError(`Invalid simulator configuration:\n${lines.join('\n')}`);
}
