import type { Db } from './db.ts';
import type { JsonObject } from '../types.ts';

/**
 * A table of versioned JSON documents, one per (tenant, name), written by compare-and-swap on the
 * version: the cursor table (name = stream, json = position) and the tenant state (key, value).
 */
export interface VersionedDoc {
  tenantId: string;
  name: string;
  json: JsonObject;
  version: number;
  updatedAt: Date;
}

/** The table and its name and JSON columns (constants of this adapter, never user input). */
interface VersionedTable {
  table: string;
  name: string;
  json: string;
}

/** A LIKE pattern matching names that start with `prefix` (its own % and _ taken literally). */
const startsWith = (prefix: string) => `${prefix.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;

export function versionedDocs(db: Db, { table, name, json }: VersionedTable) {
  const columns = `tenant_id AS "tenantId", ${name} AS name, ${json} AS json, version, updated_at AS "updatedAt"`;
  return {
    async get(tenantId: string, key: string): Promise<VersionedDoc | null> {
      const { rows } = await db.query<VersionedDoc>(
        `SELECT ${columns} FROM ${table} WHERE tenant_id = $1 AND ${name} = $2`,
        [tenantId, key],
      );
      return rows[0] ?? null;
    },

    async list(tenantId: string, prefix = ''): Promise<VersionedDoc[]> {
      const { rows } = await db.query<VersionedDoc>(
        `SELECT ${columns} FROM ${table} WHERE tenant_id = $1 AND ${name} LIKE $2 ORDER BY ${name}`,
        [tenantId, startsWith(prefix)],
      );
      return rows;
    },

    /** expectedVersion null: create (null if it exists); else only from that version (null if moved). */
    async save(
      tenantId: string,
      key: string,
      value: JsonObject,
      expectedVersion: number | null,
    ): Promise<VersionedDoc | null> {
      const { rows } =
        expectedVersion === null
          ? await db.query<VersionedDoc>(
              `INSERT INTO ${table} (tenant_id, ${name}, ${json}, version) VALUES ($1, $2, $3, 1)
               ON CONFLICT (tenant_id, ${name}) DO NOTHING RETURNING ${columns}`,
              [tenantId, key, JSON.stringify(value)],
            )
          : await db.query<VersionedDoc>(
              `UPDATE ${table} SET ${json} = $3, version = version + 1, updated_at = now()
               WHERE tenant_id = $1 AND ${name} = $2 AND version = $4 RETURNING ${columns}`,
              [tenantId, key, JSON.stringify(value), expectedVersion],
            );
      return rows[0] ?? null;
    },
  };
}
