import { pino, type Logger, type LoggerOptions } from 'pino';

export type { Logger };

/**
 * Every path a token, code or secret could travel through a log line. pino replaces them with
 * "[redacted]" before anything is written, so a careless `log.info({ conn })` cannot leak.
 */
const REDACTED_PATHS = [
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

/**
 * Query parameters that carry credentials (OAuth callbacks, tokens in links, a password typed into
 * a GET form), judged by name after decoding: `co%64e=`, `CODE=`, `code[]=` and `user[password]=`
 * are all caught. A name counts when any of its bracketed parts is one of these or ends in
 * token, secret or password.
 */
const SECRET_KEYS = new Set([
  'code',
  'state',
  'code_verifier',
  'key',
  'api_key',
  'apikey',
  'auth',
  'authorization',
  'signature',
  'sig',
  'session',
  'sessionid',
]);
const SECRET_KEY_ENDING = /(?:token|secret|password|passwd|pwd)$/;

/** One `name=value` pair of a query string, wherever it appears in the text (URLs inside messages too). */
const QUERY_PAIR = /([?&;])([^=&#;\s?]+)=([^&#;\s]*)/g;

function isSecretQueryKey(rawKey: string): boolean {
  let key = rawKey.replaceAll('+', ' ');
  // Decoded until stable, so double encoding (co%2564e) hides nothing; undecodable text is judged as is.
  for (let i = 0; i < 3; i++) {
    let decoded: string;
    try {
      decoded = decodeURIComponent(key);
    } catch {
      break;
    }
    if (decoded === key) break;
    key = decoded;
  }
  return key
    .toLowerCase()
    .split(/[[\].\s]+/)
    .some((part) => part !== '' && (SECRET_KEYS.has(part) || SECRET_KEY_ENDING.test(part)));
}

/** The text with the value of every secret query parameter replaced by "[redacted]". */
export function redactUrl(url: string): string {
  return url.replace(QUERY_PAIR, (pair: string, start: string, key: string) =>
    isSecretQueryKey(key) ? `${start}${key}=[redacted]` : pair,
  );
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
