import { createHash } from 'node:crypto';

/**
 * What a company's SFTP connection holds, sealed in the vault like OAuth tokens: where the server
 * is, who logs in and how, the folder the archive goes into, and the fingerprint of the host key
 * the admin confirmed at setup. Every connection checks the server's key against it before a
 * single byte is sent.
 */
export interface SftpCredentials {
  host: string;
  port: number;
  username: string;
  /** One of password or privateKey (OpenSSH or PEM text); passphrase unlocks an encrypted key. */
  password?: string;
  privateKey?: string;
  passphrase?: string;
  /** The archive's root on the server: absolute, or relative to the login's home folder. */
  folder: string;
  /** "SHA256:<base64>", as `ssh-keygen -lf` prints it. */
  hostKeyFingerprint: string;
}

/** The fingerprint OpenSSH shows for a host key blob: SHA256:<unpadded base64 of its SHA-256>. */
export function fingerprintOf(hostKey: Buffer): string {
  return `SHA256:${createHash('sha256').update(hostKey).digest('base64').replace(/=+$/, '')}`;
}

/** The key's type from its blob (an SSH string first: "ssh-ed25519", "ecdsa-sha2-nistp256", ...). */
export function keyTypeOf(hostKey: Buffer): string {
  if (hostKey.length < 4) return 'unknown';
  const length = hostKey.readUInt32BE(0);
  return length > 0 && length < 64 && hostKey.length >= 4 + length
    ? hostKey.subarray(4, 4 + length).toString('latin1')
    : 'unknown';
}

/** A fingerprint as typed or pasted: "SHA256:abc", "abc", with or without padding and spaces. */
export function normalizeFingerprint(text: string): string {
  const bare = text
    .trim()
    .replace(/^SHA256:/i, '')
    .replace(/=+$/, '')
    .trim();
  return `SHA256:${bare}`;
}
