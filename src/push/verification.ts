/**
 * The Verification-Token RingCentral sends with every notification: a random secret chosen per
 * subscription when it is created. Only its SHA-256 is stored; a notification's header is hashed
 * and compared in constant time, so neither a database read nor a timing measurement gives the
 * token away.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export function newVerificationToken(): string {
  return randomBytes(32).toString('base64url');
}

export function verificationHash(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export function verificationMatches(storedHash: string, header: string | undefined): boolean {
  if (header === undefined || header === '') return false;
  const expected = Buffer.from(storedHash, 'hex');
  const given = createHash('sha256').update(header, 'utf8').digest();
  return expected.length === given.length && timingSafeEqual(expected, given);
}
