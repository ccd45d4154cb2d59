import type { Db } from './db.ts';
import { auditHash, GENESIS_HASH } from '../../lib/audit-chain.ts';
import type { AuditEntry, JsonObject, Store } from '../types.ts';

interface AuditRow {
  tenant_id: string;
  seq: number;
  at: Date;
  actor: string;
  action: string;
  details: JsonObject;
  prev_hash: string;
  hash: string;
}

const toEntry = (r: AuditRow): AuditEntry => ({
  tenantId: r.tenant_id,
  seq: r.seq,
  at: r.at,
  actor: r.actor,
  action: r.action,
  details: r.details,
  prevHash: r.prev_hash,
  hash: r.hash,
});

export function auditMethods(
  db: Db,
): Pick<Store, 'appendAudit' | 'listAudit' | 'getKeyFingerprints' | 'saveKeyFingerprint'> {
  return {
    async appendAudit(tenantId, input) {
      // A transaction-scoped advisory lock per tenant serialises appends, so the chain never forks.
      return db.transaction(async (tx) => {
        await tx.query(`SELECT pg_advisory_xact_lock(hashtext('audit:' || $1))`, [tenantId]);
        const { rows: last } = await tx.query<{ seq: number; hash: string }>(
          'SELECT seq, hash FROM audit_log WHERE tenant_id = $1 ORDER BY seq DESC LIMIT 1',
          [tenantId],
        );
        const prevHash = last[0]?.hash ?? GENESIS_HASH;
        const seq = (last[0]?.seq ?? 0) + 1;
        // Millisecond precision so the hashed timestamp survives the round trip unchanged.
        const at = new Date(Math.floor((input.at ?? new Date()).getTime()));
        const hash = auditHash(prevHash, {
          tenantId,
          seq,
          at,
          actor: input.actor,
          action: input.action,
          details: input.details,
        });
        const { rows } = await tx.query<AuditRow>(
          `INSERT INTO audit_log (tenant_id, seq, at, actor, action, details, prev_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
          [tenantId, seq, at, input.actor, input.action, JSON.stringify(input.details), prevHash, hash],
        );
        return toEntry(rows[0]!);
      });
    },

    async listAudit(tenantId, options = {}) {
      const newest = options.newestFirst === true;
      const { rows } = await db.query<AuditRow>(
        `SELECT * FROM audit_log WHERE tenant_id = $1 AND seq > $2 AND seq < $3
           AND ($4::text[] IS NULL OR action = ANY($4))
         ORDER BY seq ${newest ? 'DESC' : 'ASC'} LIMIT $5`,
        [
          tenantId,
          options.afterSeq ?? 0,
          options.beforeSeq ?? Number.MAX_SAFE_INTEGER,
          options.actions ?? null,
          options.limit ?? 10_000,
        ],
      );
      return rows.map(toEntry);
    },

    async getKeyFingerprints() {
      const { rows } = await db.query<{ key_id: string; fingerprint: string }>(
        'SELECT key_id, fingerprint FROM key_fingerprints',
      );
      return Object.fromEntries(rows.map((r) => [r.key_id, r.fingerprint]));
    },

    async saveKeyFingerprint(keyId, fingerprint) {
      await db.query(
        'INSERT INTO key_fingerprints (key_id, fingerprint) VALUES ($1, $2) ON CONFLICT DO NOTHING',
        [keyId, fingerprint],
      );
    },
  };
}
