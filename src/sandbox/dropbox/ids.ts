import { randomBytes, randomInt } from 'node:crypto';

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Random characters from the URL-safe base64 alphabet (what Dropbox's ids and tokens are made of). */
export function randomToken(length: number): string {
  const bytes = randomBytes(length);
  let out = '';
  for (const byte of bytes) out += ALPHABET[byte & 63];
  return out;
}

export function randomHex(length: number): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}

/** `dbid:` plus 35 characters: Dropbox account ids are exactly 40 characters long. */
export const newAccountId = (): string => `dbid:AA${randomToken(33)}`;
export const newUid = (): string => String(randomInt(100_000_000, 2_000_000_000));
export const newNamespaceId = (): string => String(randomInt(1_000_000_000, 9_000_000_000));
export const newItemId = (): string => `id:${randomToken(22)}`;
export const newSessionId = (): string => `pid_upload_session:${randomToken(50)}`;
export const newAsyncJobId = (): string => `dbjid:${randomToken(40)}`;
/** Short-lived access tokens carry the `sl.` prefix; the `u.` marks a user token as today's do. */
export const newAccessToken = (): string => `sl.u.${randomToken(140)}`;
export const newRefreshToken = (): string => randomToken(64);
export const newAuthCode = (): string => randomToken(43);
export const newRequestId = (): string => randomHex(32);
