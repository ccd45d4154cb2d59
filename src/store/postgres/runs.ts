import type { Db } from './db.ts';
import { pageSize } from '../paging.ts';
import type { JsonObject, Run, RunStatus, Store } from '../types.ts';

interface RunRow {
  id: number;
  tenant_id: string;
  trigger: string;
  status: RunStatus;
  started_at: Date;
  finished_at: Date | null;
  stats: JsonObject;
  errors: JsonObject[];
  time_boxed: boolean;
}

const toRun = (r: RunRow): Run => ({
  id: String(r.id),
  tenantId: r.tenant_id,
  trigger: r.trigger,
  status: r.status,
  startedAt: r.started_at,
  finishedAt: r.finished_at,
  stats: r.stats,
  errors: r.errors,
  timeBoxed: r.time_boxed,
});

const isRunId = (id: string | null | undefined): id is string => !!id && /^\d{1,18}$/.test(id);

export function runMethods(
  db: Db,
): Pick<Store, 'startRun' | 'updateRun' | 'getRun' | 'listRuns' | 'interruptStaleRuns'> {
  return {
    async startRun(run) {
      const { rows } = await db.query<RunRow>(
        `INSERT INTO runs (tenant_id, trigger, status, started_at) VALUES ($1, $2, 'running', $3) RETURNING *`,
        [run.tenantId, run.trigger, run.startedAt ?? new Date()],
      );
      return toRun(rows[0]!);
    },

    async updateRun(id, patch) {
      if (!isRunId(id)) return;
      await db.query(
        `UPDATE runs SET status = COALESCE($2, status), finished_at = COALESCE($3, finished_at),
           stats = COALESCE($4, stats), errors = COALESCE($5, errors), time_boxed = COALESCE($6, time_boxed)
         WHERE id = $1`,
        [
          id,
          patch.status ?? null,
          patch.finishedAt ?? null,
          patch.stats ? JSON.stringify(patch.stats) : null,
          patch.errors ? JSON.stringify(patch.errors) : null,
          patch.timeBoxed ?? null,
        ],
      );
    },

    async getRun(tenantId, id) {
      if (!isRunId(id)) return null;
      const { rows } = await db.query<RunRow>('SELECT * FROM runs WHERE tenant_id = $1 AND id = $2', [
        tenantId,
        id,
      ]);
      return rows[0] ? toRun(rows[0]) : null;
    },

    async listRuns(tenantId, options = {}) {
      const limit = pageSize(options.limit);
      const { rows } = await db.query<RunRow>(
        `SELECT * FROM runs WHERE tenant_id = $1 AND ($2::bigint IS NULL OR id < $2) ORDER BY id DESC LIMIT $3`,
        [tenantId, isRunId(options.before) ? options.before : null, limit + 1],
      );
      const items = rows.slice(0, limit).map(toRun);
      const last = items[items.length - 1];
      return { items, next: rows.length > limit && last ? last.id : null };
    },

    async interruptStaleRuns(olderThan, options = {}) {
      const { rowCount } = await db.query(
        `UPDATE runs SET status = 'interrupted', finished_at = now()
          WHERE status = 'running' AND started_at < $1 AND ($2::text IS NULL OR tenant_id = $2)`,
        [olderThan, options.tenantId ?? null],
      );
      return rowCount ?? 0;
    },
  };
}
