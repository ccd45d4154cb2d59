import { setTimeout as sleep } from 'node:timers/promises';
import type { Clock } from '../lib/clock.ts';
import type { Store } from '../store/types.ts';
import type { Vault } from './vault.ts';

/**
 * Re-encrypts every stored token under the newest key (the first in TOKEN_KEYS), while the service
 * runs: each row is rewritten by compare-and-swap, and a row being refreshed right now (leased) is
 * waited for, so a rotation never overwrites a freshly rotated RingCentral refresh token.
 * Deploy TOKEN_KEYS="new:...,old:..." everywhere first, run this, then drop the old key.
 */
export async function rotateKeys(deps: {
  store: Store;
  vault: Vault;
  clock: Clock;
}): Promise<{ rotated: number; total: number }> {
  const { store, vault, clock } = deps;
  const connections = await store.listConnections();
  let rotated = 0;
  for (const initial of connections) {
    for (let attempt = 0; ; attempt += 1) {
      const conn = await store.getConnection(initial.tenantId, initial.provider);
      if (!conn || conn.keyId === vault.currentKeyId) break;
      if (conn.refreshLeaseUntil && conn.refreshLeaseUntil.getTime() > clock.now()) {
        await sleep(100);
        continue;
      }
      const value = vault.open<object>(conn.tenantId, conn.provider, conn.tokenCiphertext);
      const { sealed, keyId } = vault.seal(conn.tenantId, conn.provider, value);
      const done = await store.updateConnection(conn.tenantId, conn.provider, conn.version, {
        tokenCiphertext: sealed,
        keyId,
      });
      if (done) {
        rotated += 1;
        break;
      }
      if (attempt > 1000)
        throw new Error(
          `Could not rotate the ${conn.provider} token of tenant ${conn.tenantId}: it keeps changing`,
        );
    }
  }
  return { rotated, total: connections.length };
}
