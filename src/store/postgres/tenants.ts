import type { Db } from './db.ts';
import { decodeTupleToken, encodeTupleToken, pageSize } from '../paging.ts';
import type { Installer, JsonObject, NewTenant, RunLease, Store, Tenant, TenantStatus } from '../types.ts';

interface TenantRow {
  id: string;
  company_name: string;
  installed_by: Installer;
  status: TenantStatus;
  status_reason: string | null;
  settings: JsonObject;
  created_at: Date;
  updated_at: Date;
}

const COLUMNS = 'id, company_name, installed_by, status, status_reason, settings, created_at, updated_at';

const toTenant = (r: TenantRow): Tenant => ({
  id: r.id,
  companyName: r.company_name,
  installedBy: r.installed_by,
  status: r.status,
  statusReason: r.status_reason,
  settings: r.settings,
  createdAt: r.created_at,
  updatedAt: r.updated_at,
});

type TenantMethods = Pick<
  Store,
  | 'createTenant'
  | 'getTenant'
  | 'listTenants'
  | 'pageTenants'
  | 'updateTenant'
  | 'deleteTenant'
  | 'acquireRunLease'
  | 'renewRunLease'
  | 'releaseRunLease'
>;

export function tenantMethods(db: Db): TenantMethods {
  return {
    async createTenant(t: NewTenant) {
      const { rows } = await db.query<TenantRow>(
        `INSERT INTO tenants (id, company_name, installed_by, settings) VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [t.id, t.companyName, JSON.stringify(t.installedBy), JSON.stringify(t.settings)],
      );
      return toTenant(rows[0]!);
    },

    async getTenant(id) {
      const { rows } = await db.query<TenantRow>(`SELECT ${COLUMNS} FROM tenants WHERE id = $1`, [id]);
      return rows[0] ? toTenant(rows[0]) : null;
    },

    async listTenants(filter = {}) {
      const { rows } = filter.status
        ? await db.query<TenantRow>(`SELECT ${COLUMNS} FROM tenants WHERE status = ANY($1) ORDER BY id`, [
            filter.status,
          ])
        : await db.query<TenantRow>(`SELECT ${COLUMNS} FROM tenants ORDER BY id`);
      return rows.map(toTenant);
    },

    async pageTenants(options = {}) {
      const limit = pageSize(options.limit);
      const after = decodeTupleToken(options.after, 1)?.[0] ?? null;
      const { rows } = await db.query<TenantRow>(
        `SELECT ${COLUMNS} FROM tenants
         WHERE ($1::text[] IS NULL OR status = ANY($1)) AND ($2::text IS NULL OR id > $2)
         ORDER BY id LIMIT $3`,
        [options.status ?? null, after, limit + 1],
      );
      const items = rows.slice(0, limit).map(toTenant);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? encodeTupleToken([last.id]) : null };
    },

    async updateTenant(id, patch) {
      const { rows } = await db.query<TenantRow>(
        `UPDATE tenants SET
           company_name = COALESCE($2, company_name),
           installed_by = COALESCE($3, installed_by),
           status = COALESCE($4, status),
           status_reason = CASE WHEN $5 THEN $6 ELSE status_reason END,
           settings = COALESCE($7, settings),
           updated_at = now()
         WHERE id = $1 RETURNING ${COLUMNS}`,
        [
          id,
          patch.companyName ?? null,
          patch.installedBy ? JSON.stringify(patch.installedBy) : null,
          patch.status ?? null,
          'statusReason' in patch,
          patch.statusReason ?? null,
          patch.settings ? JSON.stringify(patch.settings) : null,
        ],
      );
      return rows[0] ? toTenant(rows[0]) : null;
    },

    async deleteTenant(id) {
      await db.query('DELETE FROM tenants WHERE id = $1', [id]);
    },

    async acquireRunLease(tenantId, owner, ttlMs): Promise<RunLease | null> {
      const { rows } = await db.query<{ run_lease_token: number; run_lease_until: Date }>(
        `UPDATE tenants SET run_lease_owner = $2, run_lease_until = now() + ($3 * interval '1 millisecond'),
           run_lease_token = run_lease_token + 1
         WHERE id = $1 AND (run_lease_until IS NULL OR run_lease_until < now())
         RETURNING run_lease_token, run_lease_until`,
        [tenantId, owner, ttlMs],
      );
      return rows[0] ? { token: rows[0].run_lease_token, until: rows[0].run_lease_until } : null;
    },

    async renewRunLease(tenantId, token, ttlMs) {
      const { rowCount } = await db.query(
        `UPDATE tenants SET run_lease_until = now() + ($3 * interval '1 millisecond')
         WHERE id = $1 AND run_lease_token = $2 AND run_lease_until IS NOT NULL`,
        [tenantId, token, ttlMs],
      );
      return rowCount === 1;
    },

    async releaseRunLease(tenantId, token) {
      await db.query(
        `UPDATE tenants SET run_lease_owner = NULL, run_lease_until = NULL WHERE id = $1 AND run_lease_token = $2`,
        [tenantId, token],
      );
    },
  };
}
