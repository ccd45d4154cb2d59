import { PostgresBackend } from '@agendajs/postgres-backend';
import type { AgendaBackend } from 'agenda';
import type pg from 'pg';
import type { Logger } from '../../lib/logger.ts';
import { JOBS_TABLE } from './migrations.ts';

/**
 * The job library on our own pool. Its table is created by our migrations (under their lock), so
 * it must not create it again. LISTEN/NOTIFY starts jobs as soon as they are saved; the embedded
 * database multiplexes one session and gets polling only.
 */
export function postgresJobBackend(pool: pg.Pool, notifications: boolean, logger: Logger): AgendaBackend {
  const backend = new PostgresBackend({
    pool,
    tableName: JOBS_TABLE,
    ensureSchema: false,
    disableNotifications: !notifications,
  });
  // The LISTEN connection re-emits its errors (a database restart, a network cut) and reconnects on
  // its own, every 100 ms: an 'error' event nobody listened to would kill the whole worker. Said
  // once per outage.
  let lost = false;
  backend.notificationChannel?.on('error', (error) => {
    if (!lost) logger.warn({ err: { message: error.message } }, 'job notifications lost; reconnecting');
    lost = true;
  });
  backend.notificationChannel?.on('stateChange', (state) => {
    if (state === 'connected' && lost) logger.info('job notifications back');
    if (state === 'connected') lost = false;
  });
  return backend;
}
