import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Every path a token, code or secret could travel through a log line. pino replaces them with
 * "[redacted]" before anything is written, so a careless `log.info({ conn })` cannot leak.
 */
export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers.cookie',
  'res.headers["set-cookie"]',
  '*.access_token',
  '*.refresh_token',
  '*.accessToken',
  '*.refreshToken',
  '*.code',
  '*.code_verifier',
  '*.codeVerifier',
  '*.client_secret',
  '*.clientSecret',
  '*.token',
  '*.tokens',
  '*.password',
  '*.secret',
  'access_token',
  'refresh_token',
  'token',
];

/** Query parameters that carry credentials in OAuth callbacks; stripped from logged URLs. */
const SECRET_QUERY_PARAMS = /([?&](?:code|state|access_token|refresh_token|token)=)[^&#]*/gi;

export function redactUrl(url: string): string {
  return url.replace(SECRET_QUERY_PARAMS, '$1[redacted]');
}

export function createLogger(
  level: string,
  options: { destination?: NodeJS.WritableStream; name?: string } = {},
): Logger {
  const config: LoggerOptions = {
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: options.name ? { name: options.name } : undefined,
  };
  return options.destination ? pino(config, options.destination) : pino(config);
}
