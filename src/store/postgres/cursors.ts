import type { Db } from './db.ts';
import type { Cursor, JsonObject, Store } from '../types.ts';

interface CursorRow {
  tenant_id: string;
  stream: string;
  position: JsonObject;
  version: number;
  updated_at: Date;
}

const toCursor = (r: CursorRow): Cursor => ({
  tenantId: r.tenant_id,
  stream: r.stream,
  position: r.position,
  version: r.version,
  updatedAt: r.updated_at,
});

export function cursorMethods(db: Db): Pick<Store, 'getCursor' | 'listCursors' | 'saveCursor'> {
  return {
    async getCursor(tenantId, stream) {
      const { rows } = await db.query<CursorRow>(
        'SELECT * FROM cursors WHERE tenant_id = $1 AND stream = $2',
        [tenantId, stream],
      );
      return rows[0] ? toCursor(rows[0]) : null;
    },

    async listCursors(tenantId) {
      const { rows } = await db.query<CursorRow>(
        'SELECT * FROM cursors WHERE tenant_id = $1 ORDER BY stream',
        [tenantId],
      );
      return rows.map(toCursor);
    },

    async saveCursor(tenantId, stream, position, expectedVersion) {
      const { rows } =
        expectedVersion === null
          ? await db.query<CursorRow>(
              `INSERT INTO cursors (tenant_id, stream, position, version) VALUES ($1, $2, $3, 1)
               ON CONFLICT (tenant_id, stream) DO NOTHING RETURNING *`,
              [tenantId, stream, JSON.stringify(position)],
            )
          : await db.query<CursorRow>(
              `UPDATE cursors SET position = $3, version = version + 1, updated_at = now()
               WHERE tenant_id = $1 AND stream = $2 AND version = $4 RETURNING *`,
              [tenantId, stream, JSON.stringify(position), expectedVersion],
            );
      return rows[0] ? toCursor(rows[0]) : null;
    },
  };
}
