import { createCipheriv, createDecipheriv, createHmac, randomBytes } from 'node:crypto';
import type { TokenKey } from '../config.ts';
import { ConfigError } from '../lib/errors.ts';
import type { Store } from '../store/types.ts';

/**
 * Tokens at rest: AES-256-GCM with a fresh 12-byte IV per write, the tenant id and provider bound
 * in as associated data (a ciphertext copied to another tenant's row does not decrypt), and the
 * key id in the sealed text so keys can rotate: TOKEN_KEYS lists keys newest first; new writes use
 * the first, reads use whichever key sealed the value.
 *
 * Sealed format: v1.<keyId>.<iv>.<ciphertext>.<tag> (base64url parts).
 */

const VERSION = 'v1';

export class VaultError extends Error {
  override name = 'VaultError';
}

export interface Vault {
  readonly currentKeyId: string;
  seal(tenantId: string, provider: string, value: object): { sealed: string; keyId: string };
  open<T = Record<string, unknown>>(tenantId: string, provider: string, sealed: string): T;
  keyIdOf(sealed: string): string;
}

const aad = (tenantId: string, provider: string) => Buffer.from(`${tenantId}\u0000${provider}`, 'utf8');

export function createVault(keys: TokenKey[]): Vault {
  const [current] = keys;
  if (!current) throw new ConfigError('Invalid configuration:\n  - TOKEN_KEYS: must hold at least one key');
  const byId = new Map(keys.map((k) => [k.id, k.key]));

  return {
    currentKeyId: current.id,

    seal(tenantId, provider, value) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', current.key, iv);
      cipher.setAAD(aad(tenantId, provider));
      const ciphertext = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
      const parts = [VERSION, current.id, iv, ciphertext, cipher.getAuthTag()];
      return {
        keyId: current.id,
        sealed: parts.map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.'),
      };
    },

    open<T>(tenantId: string, provider: string, sealed: string): T {
      const [version, keyId, iv, ciphertext, tag] = sealed.split('.');
      if (version !== VERSION || !keyId || !iv || !ciphertext || !tag)
        throw new VaultError('Stored token is not in a known format');
      const key = byId.get(keyId);
      if (!key)
        throw new VaultError(`Stored token was sealed with key "${keyId}", which is not in TOKEN_KEYS`);
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAAD(aad(tenantId, provider));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const plain = Buffer.concat([
          decipher.update(Buffer.from(ciphertext, 'base64url')),
          decipher.final(),
        ]);
        return JSON.parse(plain.toString('utf8')) as T;
      } catch {
        // Wrong key, tampered bytes, or a value that belongs to another tenant/provider.
        throw new VaultError(`Stored ${provider} token of tenant ${tenantId} could not be decrypted`);
      }
    },

    keyIdOf(sealed) {
      return sealed.split('.')[1] ?? '';
    },
  };
}

/** A value derived from the key that reveals nothing about it, to recognise a key across starts. */
function keyFingerprint(key: Buffer): string {
  return createHmac('sha256', key).update('token-key-fingerprint/v1').digest('hex').slice(0, 32);
}

/**
 * At start: every configured key must match the fingerprint this database remembers for its id,
 * and every key id that sealed a stored token must still be configured. A wrong key stops start-up
 * here, with a message that says what to do, instead of failing token by token later.
 */
export async function checkTokenKeys(store: Store, keys: TokenKey[]): Promise<void> {
  const known = await store.getKeyFingerprints();
  const problems: string[] = [];
  for (const { id, key } of keys) {
    const fingerprint = keyFingerprint(key);
    if (known[id] && known[id] !== fingerprint)
      problems.push(
        `key "${id}" is not the key this database was encrypted with (fingerprint mismatch); restore the original value of "${id}" or give the new key a new id`,
      );
    else if (!known[id]) await store.saveKeyFingerprint(id, fingerprint);
  }
  const configured = new Set(keys.map((k) => k.id));
  const inUse = new Set((await store.listConnections()).map((c) => c.keyId));
  for (const id of inUse)
    if (!configured.has(id))
      problems.push(
        `stored tokens are sealed with key "${id}", which is missing; add it back (after the newest key) or run rotate-keys first`,
      );
  if (problems.length)
    throw new ConfigError(
      `Invalid configuration:\n${problems.map((p) => `  - TOKEN_KEYS: ${p}`).join('\n')}`,
    );
}
