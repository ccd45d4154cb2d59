import { z } from 'zod';
import { ConfigError } from './lib/errors.ts';

/**
 * Every environment variable the product reads, validated once at start and passed in from there.
 * Each rule carries the sentence an operator needs to fix it; `parseConfig` joins all failures
 * into one message so a bad deployment is fixed in one round, not one variable at a time.
 */

const GENERATE_SECRET = 'generate one with: openssl rand -hex 32';
const GENERATE_KEY = 'generate one with: echo "k1:$(openssl rand -base64 32)"';

/** Values from documentation and examples that must never protect a production deployment. */
const KNOWN_INSECURE = new Set(['changeme', 'secret', 'development', 'test', 'keyboard cat']);

const optionalUrl = (hint: string) =>
  z
    .string()
    .trim()
    .transform((v) => (v === '' ? undefined : v))
    .pipe(z.url({ message: `must be an absolute URL (${hint})` }).optional())
    .optional();

const tokenKeys = z
  .string({ message: `is required: one or more "id:base64key" pairs separated by commas; ${GENERATE_KEY}` })
  .transform((raw, ctx) => {
    const keys: TokenKey[] = [];
    for (const part of raw
      .split(',')
      .map((p) => p.trim())
      .filter(Boolean)) {
      // "id:key" or a bare key (id "k1", e.g. from a platform's secret generator); the key is
      // 64 hex characters or base64, and must be 32 bytes either way.
      const [id, encoded] = part.includes(':') ? part.split(/:(.*)/s, 2) : ['k1', part];
      const key = !encoded
        ? Buffer.alloc(0)
        : /^[0-9a-f]{64}$/i.test(encoded)
          ? Buffer.from(encoded, 'hex')
          : Buffer.from(encoded, 'base64');
      if (!id || !/^[A-Za-z0-9_-]{1,32}$/.test(id) || key.length !== 32) {
        ctx.addIssue({
          code: 'custom',
          message: `each entry must be "id:base64key" with a 32-byte key (got an invalid entry); ${GENERATE_KEY}`,
        });
        return z.NEVER;
      }
      keys.push({ id, key });
    }
    if (keys.length === 0) {
      ctx.addIssue({ code: 'custom', message: `must hold at least one key; ${GENERATE_KEY}` });
      return z.NEVER;
    }
    if (new Set(keys.map((k) => k.id)).size !== keys.length) {
      ctx.addIssue({ code: 'custom', message: 'key ids must be unique' });
      return z.NEVER;
    }
    return keys;
  });

export interface TokenKey {
  id: string;
  key: Buffer;
}

const databaseUrl = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .pipe(
    z
      .string()
      .regex(/^(postgres(ql)?|mongodb(\+srv)?):\/\//, {
        message: 'must start with postgres://, postgresql://, mongodb:// or mongodb+srv://',
      })
      .optional(),
  )
  .optional();

/** Empty means unset, so a platform's blank variable turns a feature off instead of failing. */
const optionalText = z
  .string()
  .trim()
  .transform((v) => (v === '' ? undefined : v))
  .optional();

/** "archive@example.com" or "Call Archive <archive@example.com>". */
const MAIL_ADDRESS = /^(?:[^<>]*<\s*)?([^\s<>@]+@[^\s<>@]+\.[^\s<>@]+)\s*>?$/;

const configSchema = z
  .object({
    NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
    PORT: z.coerce
      .number({ message: 'must be a port number, e.g. 3000' })
      .int()
      .min(0)
      .max(65535, { message: 'must be a port number between 0 and 65535' })
      .default(3000),
    BASE_URL: optionalUrl('the public address of this server, e.g. https://archiver.example.com'),
    DATABASE_URL: databaseUrl,
    /** TLS to PostgreSQL: off, require (verify the server), or no-verify (managed hosts with their own CA, e.g. Heroku). */
    DATABASE_SSL: z.enum(['off', 'require', 'no-verify']).default('off'),
    DATA_DIR: z.string().default('./data'),
    REDIS_URL: z
      .string()
      .trim()
      .transform((v) => (v === '' ? undefined : v))
      .pipe(
        z
          .string()
          .regex(/^rediss?:\/\//, { message: 'must start with redis:// or rediss://' })
          .optional(),
      )
      .optional(),
    /** Set to false for managed Redis with self-signed certificates (Heroku Redis). */
    REDIS_TLS_VERIFY: z
      .enum(['true', 'false'], { message: 'must be true or false' })
      .default('true')
      .transform((v) => v === 'true'),
    SESSION_SECRET: z
      .string({ message: `is required; ${GENERATE_SECRET}` })
      .min(32, { message: `must be at least 32 characters; ${GENERATE_SECRET}` }),
    TOKEN_KEYS: tokenKeys,
    RINGCENTRAL_SERVER: z
      .url({ message: 'must be an absolute URL' })
      .default('https://platform.ringcentral.com'),
    RINGCENTRAL_CLIENT_ID: z
      .string({ message: 'is required: the Client ID of your RingCentral app (developers.ringcentral.com)' })
      .min(1, { message: 'is required: the Client ID of your RingCentral app' }),
    RINGCENTRAL_CLIENT_SECRET: z
      .string({ message: 'is required: the Client Secret of your RingCentral app' })
      .min(1, { message: 'is required: the Client Secret of your RingCentral app' }),
    DROPBOX_APP_KEY: z
      .string({ message: 'is required: the App key of your Dropbox app (dropbox.com/developers/apps)' })
      .min(1, { message: 'is required: the App key of your Dropbox app' }),
    DROPBOX_APP_SECRET: z
      .string({ message: 'is required: the App secret of your Dropbox app' })
      .min(1, { message: 'is required: the App secret of your Dropbox app' }),
    DROPBOX_SIMULATOR_URL: optionalUrl('the Dropbox simulator, e.g. http://127.0.0.1:4020'),
    /** The Dropbox app's folder name (under Apps/), for the pages' "Open in Dropbox" links. */
    DROPBOX_APP_FOLDER: z.string().max(200).optional(),
    LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
    SESSION_PREFIX: z.string().default('sess:'),
    /** Sign-in and OAuth requests allowed per client IP per minute, across all web processes. */
    AUTH_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(20),
    /** Minutes a run may work before it stops itself and resumes from its cursor next time. */
    RUN_TIME_BOX_MINUTES: z.coerce.number().positive().default(45),
    /**
     * Recordings RingCentral keeps per account before the oldest go (100,000 by its retention
     * policy): the risk forecast's second rule. The benchmark scales it with its company.
     */
    RINGCENTRAL_RECORDING_CAP: z.coerce.number().int().min(1).default(100_000),
    /** Tenants one worker process archives at the same time. */
    WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(500).default(20),
    /** Seconds between a worker's looks for due jobs (new jobs also start at once via LISTEN/NOTIFY). */
    JOB_POLL_SECONDS: z.coerce.number().positive().default(5),
    /** Seconds SIGTERM waits for running jobs before releasing them to another worker. */
    SHUTDOWN_GRACE_SECONDS: z.coerce.number().positive().default(25),
    /** Outgoing mail for alerts; unset turns e-mail off (alerts are logged, the settings page says so). */
    SMTP_URL: optionalText.pipe(
      z
        .string()
        .regex(/^smtps?:\/\/[^/\s]+/, {
          message:
            'must start with smtp:// or smtps://, e.g. smtps://user:password@smtp.example.com:465; leave it unset to turn e-mail alerts off',
        })
        .optional(),
    ),
    MAIL_FROM: optionalText.pipe(
      z
        .string()
        .regex(MAIL_ADDRESS, {
          message:
            'must be a sender address, e.g. archive@example.com or "Call Archive <archive@example.com>"',
        })
        .optional(),
    ),
    /**
     * RingCentral push notifications (WebHook subscriptions delivered to BASE_URL/webhooks/ringcentral):
     * `on` archives new messages and calls within minutes, `off` keeps the hourly rhythm alone.
     */
    RINGCENTRAL_WEBHOOKS: z.enum(['on', 'off'], { message: 'must be on or off' }).default('on'),
    /** Seconds a message notification waits before its early run, so a burst becomes one run. */
    EARLY_RUN_DELAY_SECONDS: z.coerce.number().min(0).default(10),
    /**
     * Seconds after a call ends before its early run reads the call log (RingCentral lists a call
     * 15-30 s after it ends); a recording not attached yet is looked for again after 2, 4, 8 and
     * 16 times this.
     */
    EARLY_RUN_CALL_DELAY_SECONDS: z.coerce.number().min(0).default(45),
    /** Notifications one company may send per minute; beyond it they are answered 429. */
    WEBHOOK_RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).default(600),
    /** HTTP Basic password for /admin (the operator page and the job dashboard); unset: /admin is 404. */
    OPERATOR_PASSWORD: optionalText,
    /**
     * Bearer token a Prometheus scraper sends for /metrics in production (open in development).
     * Unset: only the operator password opens it; neither: /metrics is a 404 in production.
     */
    METRICS_TOKEN: optionalText,
  })
  .superRefine((env, ctx) => {
    const fail = (path: string, message: string) => ctx.addIssue({ code: 'custom', path: [path], message });
    if (env.SMTP_URL && !env.MAIL_FROM)
      fail(
        'MAIL_FROM',
        'is required when SMTP_URL is set: the address alerts come from, e.g. "Call Archive <archive@example.com>" (one your SMTP server may send as)',
      );
    if (env.NODE_ENV !== 'production') return;
    if (
      env.OPERATOR_PASSWORD !== undefined &&
      (env.OPERATOR_PASSWORD.length < 16 || KNOWN_INSECURE.has(env.OPERATOR_PASSWORD))
    )
      fail(
        'OPERATOR_PASSWORD',
        `must be at least 16 characters and not a known value in production (or unset to turn /admin off); ${GENERATE_SECRET}`,
      );
    if (
      env.METRICS_TOKEN !== undefined &&
      (env.METRICS_TOKEN.length < 32 || KNOWN_INSECURE.has(env.METRICS_TOKEN) || /\s/.test(env.METRICS_TOKEN))
    )
      fail(
        'METRICS_TOKEN',
        `must be at least 32 characters without spaces in production (or unset); ${GENERATE_SECRET}`,
      );
    if (!env.DATABASE_URL)
      fail(
        'DATABASE_URL',
        'is required in production; the embedded database is for the demo and development only',
      );
    if (!env.REDIS_URL)
      fail('REDIS_URL', 'is required in production: sessions and rate limits live in Redis');
    if (!env.BASE_URL) fail('BASE_URL', 'is required in production: OAuth redirect URIs are built from it');
    else if (!env.BASE_URL.startsWith('https://')) fail('BASE_URL', 'must use https:// in production');
    if (KNOWN_INSECURE.has(env.SESSION_SECRET) || /^(.)\1+$/.test(env.SESSION_SECRET))
      fail('SESSION_SECRET', `is a known or trivial value; ${GENERATE_SECRET}`);
  });

type ParsedEnv = z.output<typeof configSchema>;

export interface Config extends Omit<ParsedEnv, 'BASE_URL'> {
  BASE_URL: string;
  /** True when DATABASE_URL is unset and PGlite under DATA_DIR serves the Postgres adapter. */
  embeddedDatabase: boolean;
}

/** Parses the environment or throws one ConfigError naming every bad variable and its fix. */
export function parseConfig(env: Record<string, string | undefined>): Config {
  const result = configSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((issue) => {
      const name = issue.path.join('.') || 'configuration';
      const message =
        issue.code === 'invalid_type' && env[name] === undefined ? issueForMissing(issue) : issue.message;
      return `  - ${name}: ${message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const parsed = result.data;
  return {
    ...parsed,
    BASE_URL: (parsed.BASE_URL ?? `http://localhost:${parsed.PORT}`).replace(/\/+$/, ''),
    embeddedDatabase: !parsed.DATABASE_URL,
  };
}

function issueForMissing(issue: z.core.$ZodIssue): string {
  return issue.message.startsWith('is required') ? issue.message : `is required (${issue.message})`;
}
