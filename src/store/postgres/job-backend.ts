import { PostgresBackend } from '@agendajs/postgres-backend';
import type { AgendaBackend } from 'agenda';
import type pg from 'pg';
import { JOBS_TABLE } from './migrations.ts';

/**
 * The job library on our own pool. Its table is created by our migrations (under their lock), so
 * it must not create it again. LISTEN/NOTIFY starts jobs as soon as they are saved; the embedded
 * database multiplexes one session and gets polling only.
 */
export function postgresJobBackend(pool: pg.Pool, notifications: boolean): AgendaBackend {
  return new PostgresBackend({
    pool,
    tableName: JOBS_TABLE,
    ensureSchema: false,
    disableNotifications: !notifications,
  });
}
