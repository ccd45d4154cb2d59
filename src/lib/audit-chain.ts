import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json.ts';

/**
 * The audit log is a hash chain per tenant: each entry's hash covers its content and the hash of
 * the entry before it, so editing or deleting any row breaks every hash after it.
 */

export const GENESIS_HASH = '0'.repeat(64);

interface ChainedFields {
  tenantId: string;
  seq: number;
  at: Date;
  actor: string;
  action: string;
  details: unknown;
}

export function auditHash(prevHash: string, entry: ChainedFields): string {
  const body = canonicalJson({
    tenantId: entry.tenantId,
    seq: entry.seq,
    at: entry.at.toISOString(),
    actor: entry.actor,
    action: entry.action,
    details: entry.details,
  });
  return createHash('sha256').update(prevHash).update('\n').update(body).digest('hex');
}

export type ChainCheck =
  { ok: true; entries: number } | { ok: false; entries: number; brokenAtSeq: number; reason: string };

/** Checks a tenant's whole chain, oldest first. */
export function verifyAuditChain(
  entries: Array<ChainedFields & { prevHash: string; hash: string }>,
): ChainCheck {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (const entry of entries) {
    if (entry.seq !== expectedSeq)
      return {
        ok: false,
        entries: entries.length,
        brokenAtSeq: entry.seq,
        reason: `expected entry ${expectedSeq}, found ${entry.seq}`,
      };
    if (entry.prevHash !== prev)
      return {
        ok: false,
        entries: entries.length,
        brokenAtSeq: entry.seq,
        reason: 'does not link to the entry before it',
      };
    if (auditHash(prev, entry) !== entry.hash)
      return {
        ok: false,
        entries: entries.length,
        brokenAtSeq: entry.seq,
        reason: 'content does not match its hash',
      };
    prev = entry.hash;
    expectedSeq += 1;
  }
  return { ok: true, entries: entries.length };
}
