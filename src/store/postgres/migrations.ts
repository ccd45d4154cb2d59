import {
  getCreateIndexesSQL,
  getCreateTableSQL,
  getUpdateTimestampTriggerSQL,
} from '@agendajs/postgres-backend';
import type { Db } from './db.ts';

/**
 * Versioned schema changes, applied in order at start. Never edit a shipped migration; add one.
 * Concurrent starts take turns (see runMigrations), so two processes starting at once end with one
 * schema and each migration applied once.
 */

export const JOBS_TABLE = 'agenda_jobs';
const MIGRATION_LOCK_KEY = 7_242_001; // arbitrary, unique to this product

interface Migration {
  id: number;
  name: string;
  statements: string[];
}

export const migrations: Migration[] = [
  {
    id: 1,
    name: 'core tables',
    statements: [
      `CREATE TABLE tenants (
        id text PRIMARY KEY,
        company_name text NOT NULL,
        installed_by jsonb NOT NULL,
        status text NOT NULL DEFAULT 'active',
        status_reason text,
        settings jsonb NOT NULL DEFAULT '{}',
        run_lease_owner text,
        run_lease_until timestamptz,
        run_lease_token bigint NOT NULL DEFAULT 0,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE connections (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        provider text NOT NULL,
        account_id text NOT NULL,
        account_label text NOT NULL DEFAULT '',
        token_ciphertext text NOT NULL,
        key_id text NOT NULL,
        access_expires_at timestamptz,
        refresh_expires_at timestamptz,
        version integer NOT NULL DEFAULT 1,
        refresh_lease_until timestamptz,
        last_refresh_error text,
        last_refreshed_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, provider)
      )`,
      `CREATE TABLE cursors (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        stream text NOT NULL,
        position jsonb NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, stream)
      )`,
      `CREATE TABLE ledger (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        kind text NOT NULL,
        source_id text NOT NULL,
        attachment_id text NOT NULL DEFAULT '',
        path text NOT NULL,
        size bigint NOT NULL,
        sha256 text NOT NULL,
        content_hash text NOT NULL,
        source_modified_at timestamptz,
        archived_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, kind, source_id, attachment_id)
      )`,
      `CREATE TABLE outstanding_items (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        kind text NOT NULL,
        source_id text NOT NULL,
        attachment_id text NOT NULL DEFAULT '',
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        last_error text,
        next_attempt_at timestamptz,
        descriptor jsonb NOT NULL DEFAULT '{}',
        first_seen_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, kind, source_id, attachment_id)
      )`,
      `CREATE INDEX outstanding_items_due ON outstanding_items (tenant_id, status, next_attempt_at)`,
      `CREATE TABLE runs (
        id bigserial PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        trigger text NOT NULL,
        status text NOT NULL,
        started_at timestamptz NOT NULL,
        finished_at timestamptz,
        stats jsonb NOT NULL DEFAULT '{}',
        errors jsonb NOT NULL DEFAULT '[]',
        time_boxed boolean NOT NULL DEFAULT false
      )`,
      `CREATE INDEX runs_by_tenant ON runs (tenant_id, id DESC)`,
      `CREATE INDEX runs_running ON runs (status, started_at) WHERE status = 'running'`,
      // No foreign key: the audit trail outlives an uninstall.
      `CREATE TABLE audit_log (
        tenant_id text NOT NULL,
        seq bigint NOT NULL,
        at timestamptz NOT NULL,
        actor text NOT NULL,
        action text NOT NULL,
        details jsonb NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (tenant_id, seq)
      )`,
      `CREATE TABLE key_fingerprints (
        key_id text PRIMARY KEY,
        fingerprint text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`,
    ],
  },
  {
    id: 2,
    name: 'job table with one archive job per tenant',
    statements: [
      // The job library's own DDL, run here so it happens under the migration lock.
      getCreateTableSQL(JOBS_TABLE),
      ...getCreateIndexesSQL(JOBS_TABLE),
      getUpdateTimestampTriggerSQL(JOBS_TABLE),
      // Agenda's unique() is a read-then-write: two processes scheduling the same tenant at once
      // could both insert. This index makes the second insert fail instead.
      `CREATE UNIQUE INDEX ${JOBS_TABLE}_one_per_tenant ON ${JOBS_TABLE} (name, (data->>'tenantId'))
        WHERE type = 'normal' AND data ? 'tenantId' AND repeat_interval IS NOT NULL`,
    ],
  },
  {
    id: 3,
    name: 'daily reports: ledger day and report rows',
    statements: [
      `ALTER TABLE ledger ADD COLUMN day text`,
      `CREATE INDEX ledger_by_day ON ledger (tenant_id, day) WHERE day IS NOT NULL`,
      `CREATE TABLE report_rows (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        day text NOT NULL,
        report text NOT NULL,
        row_key text NOT NULL,
        row jsonb NOT NULL,
        PRIMARY KEY (tenant_id, day, report, row_key)
      )`,
    ],
  },
  {
    id: 4,
    name: 'archive browser: search index, folder totals, files by folder',
    statements: [
      // One row per archived call or message; `terms` are store/search-terms.ts's integers.
      `CREATE TABLE search_items (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        kind text NOT NULL,
        source_id text NOT NULL,
        at timestamptz NOT NULL,
        direction text NOT NULL DEFAULT '',
        from_party text NOT NULL DEFAULT '',
        to_party text NOT NULL DEFAULT '',
        numbers text NOT NULL DEFAULT '',
        names text NOT NULL DEFAULT '',
        extension jsonb,
        has_recording boolean NOT NULL DEFAULT false,
        duration_seconds integer,
        result text NOT NULL DEFAULT '',
        summary text NOT NULL DEFAULT '',
        path text NOT NULL,
        files jsonb NOT NULL DEFAULT '[]',
        terms integer[] NOT NULL DEFAULT '{}',
        PRIMARY KEY (tenant_id, kind, source_id)
      )`,
      `CREATE INDEX search_items_newest ON search_items (tenant_id, at DESC, kind DESC, source_id DESC)`,
      `CREATE INDEX search_items_terms ON search_items USING gin (terms)`,
      // Every folder holding a file, with the files and bytes beneath it (store/folders.ts).
      `CREATE TABLE archive_folders (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        path text NOT NULL,
        parent text NOT NULL,
        files bigint NOT NULL,
        bytes bigint NOT NULL,
        PRIMARY KEY (tenant_id, path)
      )`,
      `CREATE INDEX archive_folders_children ON archive_folders (tenant_id, parent, path)`,
      // The totals of the archives that exist: each file counts in every folder above it.
      `INSERT INTO archive_folders (tenant_id, path, parent, files, bytes)
       SELECT l.tenant_id, array_to_string(p.parts[1:g.i], '/'), array_to_string(p.parts[1:g.i - 1], '/'),
              count(*), sum(l.size)
       FROM ledger l
       CROSS JOIN LATERAL (SELECT string_to_array(l.path, '/') AS parts) p
       CROSS JOIN LATERAL generate_series(2, array_length(p.parts, 1) - 1) AS g(i)
       GROUP BY 1, 2, 3`,
      // Files directly in a folder: the path up to its last slash (store/folders.ts parentFolder).
      `CREATE INDEX ledger_by_folder ON ledger
        (tenant_id, (left(path, length(path) - strpos(reverse(path), '/'))), path)`,
    ],
  },
  {
    id: 5,
    name: 'ledger: the remote hash names its algorithm',
    statements: [
      // Every row so far was written to Dropbox, so its hash is Dropbox's content_hash.
      `ALTER TABLE ledger RENAME COLUMN content_hash TO remote_hash`,
      `ALTER TABLE ledger ADD COLUMN remote_hash_algorithm text NOT NULL DEFAULT 'dropbox-content-hash'`,
      `ALTER TABLE ledger ALTER COLUMN remote_hash_algorithm DROP DEFAULT`,
    ],
  },
  {
    id: 6,
    name: 'tenant state apart from stream cursors',
    statements: [
      `CREATE TABLE tenant_state (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        key text NOT NULL,
        value jsonb NOT NULL,
        version integer NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (tenant_id, key)
      )`,
      // Rows of the cursor table that were never stream positions move to their own keys.
      `INSERT INTO tenant_state (tenant_id, key, value, version, updated_at)
        SELECT tenant_id,
          CASE stream WHEN 'messages:access' THEN 'mailbox-access'
            WHEN 'messages:rotation' THEN 'mailbox-rotation'
            WHEN 'reports:owed' THEN 'report-days'
            WHEN 'capacity:inflow' THEN 'capacity-inflow'
            ELSE 'alerts' END,
          position, version, updated_at
        FROM cursors
        WHERE stream IN ('messages:access', 'messages:rotation', 'reports:owed', 'capacity:inflow', 'notifications')`,
      // A mailbox cursor also carried how the mailbox was last read; the problems among those
      // (refused directly, unreadable either way) become one record per tenant.
      `INSERT INTO tenant_state (tenant_id, key, value, version)
        SELECT tenant_id, 'mailbox-problems',
          jsonb_build_object('mailboxes', jsonb_object_agg(substr(stream, 9), jsonb_build_object(
            'status', position->>'status',
            'errorCode', coalesce(position->>'errorCode', ''),
            'error', coalesce(position->>'error', ''),
            'at', coalesce(position->>'checkedAt', to_char(updated_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'))))),
          1
        FROM cursors
        WHERE stream LIKE 'mailbox:%' AND position->>'status' IN ('refused', 'unreadable')
        GROUP BY tenant_id`,
      `DELETE FROM cursors
        WHERE stream IN ('messages:access', 'messages:rotation', 'reports:owed', 'capacity:inflow', 'notifications')`,
      `UPDATE cursors SET position = position - 'status' - 'errorCode' - 'error' - 'checkedAt'
        WHERE stream LIKE 'mailbox:%' AND position ?| array['status', 'errorCode', 'error', 'checkedAt']`,
    ],
  },
  {
    id: 7,
    name: 'push notifications: subscriptions, seen notifications, dirty streams',
    statements: [
      `CREATE TABLE push_subscriptions (
        id text PRIMARY KEY,
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        verification_hash text NOT NULL,
        event_filters jsonb NOT NULL DEFAULT '[]',
        disabled_filters jsonb NOT NULL DEFAULT '[]',
        status text NOT NULL,
        expires_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        checked_at timestamptz NOT NULL,
        last_event_at timestamptz
      )`,
      `CREATE INDEX push_subscriptions_by_tenant ON push_subscriptions (tenant_id)`,
      `CREATE TABLE push_events (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        uuid text NOT NULL,
        received_at timestamptz NOT NULL,
        PRIMARY KEY (tenant_id, uuid)
      )`,
      `CREATE INDEX push_events_by_age ON push_events (tenant_id, received_at)`,
      `CREATE TABLE dirty_streams (
        tenant_id text NOT NULL REFERENCES tenants(id) ON DELETE CASCADE,
        stream text NOT NULL,
        changed_at timestamptz NOT NULL,
        due_at timestamptz NOT NULL,
        since timestamptz,
        attempts integer NOT NULL DEFAULT 0,
        awaiting jsonb NOT NULL DEFAULT '[]',
        version integer NOT NULL DEFAULT 1,
        PRIMARY KEY (tenant_id, stream)
      )`,
    ],
  },
];

/** `through`: apply the migrations up to that id only (tests of a data migration start there). */
export async function runMigrations(db: Db, options: { through?: number } = {}): Promise<void> {
  // Each step takes a transaction-scoped advisory lock and re-checks what is applied inside it, so
  // concurrent starts take turns (and PGlite, whose connections share one session, pins the
  // transaction to one connection and gets the same effect).
  await db.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
    await tx.query(`CREATE TABLE IF NOT EXISTS schema_migrations (
      id integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
  });
  for (const migration of migrations) {
    if (options.through !== undefined && migration.id > options.through) break;
    await db.transaction(async (tx) => {
      await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
      const applied = await tx.query('SELECT 1 FROM schema_migrations WHERE id = $1', [migration.id]);
      if (applied.rowCount) return;
      try {
        for (const statement of migration.statements) await tx.query(statement);
      } catch (error) {
        throw new Error(`Migration ${migration.id} (${migration.name}) failed: ${(error as Error).message}`, {
          cause: error,
        });
      }
      await tx.query('INSERT INTO schema_migrations (id, name) VALUES ($1, $2)', [
        migration.id,
        migration.name,
      ]);
    });
  }
}
