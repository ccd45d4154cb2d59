import type { Db } from './db.ts';
import { decodeTupleToken, encodeTupleToken, pageSize } from '../paging.ts';
import type { Connection, ConnectionPatch, Provider, Store } from '../types.ts';

interface ConnectionRow {
  tenant_id: string;
  provider: Provider;
  account_id: string;
  account_label: string;
  token_ciphertext: string;
  key_id: string;
  access_expires_at: Date | null;
  refresh_expires_at: Date | null;
  version: number;
  refresh_lease_until: Date | null;
  last_refresh_error: string | null;
  last_refreshed_at: Date | null;
  created_at: Date;
  updated_at: Date;
}

const toConnection = (r: ConnectionRow): Connection => ({
  tenantId: r.tenant_id,
  provider: r.provider,
  accountId: r.account_id,
  accountLabel: r.account_label,
  tokenCiphertext: r.token_ciphertext,
  keyId: r.key_id,
  accessExpiresAt: r.access_expires_at,
  refreshExpiresAt: r.refresh_expires_at,
  version: r.version,
  refreshLeaseUntil: r.refresh_lease_until,
  lastRefreshError: r.last_refresh_error,
  lastRefreshedAt: r.last_refreshed_at,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

/** Patch keys and their columns; only keys present in a patch are written. */
const PATCH_COLUMNS: Record<keyof ConnectionPatch, string> = {
  tokenCiphertext: 'token_ciphertext',
  keyId: 'key_id',
  accessExpiresAt: 'access_expires_at',
  refreshExpiresAt: 'refresh_expires_at',
  refreshLeaseUntil: 'refresh_lease_until',
  lastRefreshError: 'last_refresh_error',
  lastRefreshedAt: 'last_refreshed_at',
  accountLabel: 'account_label',
};

type ConnectionMethods = Pick<
  Store,
  | 'getConnection'
  | 'listConnections'
  | 'pageConnections'
  | 'saveConnection'
  | 'updateConnection'
  | 'deleteConnection'
>;

export function connectionMethods(db: Db): ConnectionMethods {
  return {
    async getConnection(tenantId, provider) {
      const { rows } = await db.query<ConnectionRow>(
        'SELECT * FROM connections WHERE tenant_id = $1 AND provider = $2',
        [tenantId, provider],
      );
      return rows[0] ? toConnection(rows[0]) : null;
    },

    async listConnections(filter = {}) {
      const { rows } = await db.query<ConnectionRow>(
        `SELECT * FROM connections WHERE ($1::text IS NULL OR provider = $1) AND ($2::text IS NULL OR tenant_id = $2)
         ORDER BY tenant_id, provider`,
        [filter.provider ?? null, filter.tenantId ?? null],
      );
      return rows.map(toConnection);
    },

    async pageConnections(options = {}) {
      const limit = pageSize(options.limit);
      const after = decodeTupleToken(options.after, 2);
      const { rows } = await db.query<ConnectionRow>(
        `SELECT * FROM connections
         WHERE ($1::timestamptz IS NULL OR COALESCE(last_refreshed_at, created_at) < $1)
           AND ($2::text IS NULL OR (tenant_id, provider) > ($2, $3))
         ORDER BY tenant_id, provider LIMIT $4`,
        [options.refreshedBefore ?? null, after?.[0] ?? null, after?.[1] ?? null, limit + 1],
      );
      const items = rows.slice(0, limit).map(toConnection);
      const last = items[items.length - 1];
      return {
        items,
        next: rows.length > limit && last ? encodeTupleToken([last.tenantId, last.provider]) : null,
      };
    },

    async saveConnection(c) {
      const { rows } = await db.query<ConnectionRow>(
        `INSERT INTO connections (tenant_id, provider, account_id, account_label, token_ciphertext, key_id,
           access_expires_at, refresh_expires_at, last_refreshed_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, now())
         ON CONFLICT (tenant_id, provider) DO UPDATE SET
           account_id = EXCLUDED.account_id, account_label = EXCLUDED.account_label,
           token_ciphertext = EXCLUDED.token_ciphertext, key_id = EXCLUDED.key_id,
           access_expires_at = EXCLUDED.access_expires_at, refresh_expires_at = EXCLUDED.refresh_expires_at,
           version = connections.version + 1, refresh_lease_until = NULL, last_refresh_error = NULL,
           last_refreshed_at = now(), updated_at = now()
         RETURNING *`,
        [
          c.tenantId,
          c.provider,
          c.accountId,
          c.accountLabel,
          c.tokenCiphertext,
          c.keyId,
          c.accessExpiresAt,
          c.refreshExpiresAt,
        ],
      );
      return toConnection(rows[0]!);
    },

    async updateConnection(tenantId, provider, expectedVersion, patch) {
      const keys = Object.keys(patch) as Array<keyof ConnectionPatch>;
      const sets = keys.map((key, i) => `${PATCH_COLUMNS[key]} = $${i + 4}`);
      const { rows } = await db.query<ConnectionRow>(
        `UPDATE connections SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')}
         WHERE tenant_id = $1 AND provider = $2 AND version = $3 RETURNING *`,
        [tenantId, provider, expectedVersion, ...keys.map((key) => patch[key])],
      );
      return rows[0] ? toConnection(rows[0]) : null;
    },

    async deleteConnection(tenantId, provider) {
      await db.query('DELETE FROM connections WHERE tenant_id = $1 AND provider = $2', [tenantId, provider]);
    },
  };
}
