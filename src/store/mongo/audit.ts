import { setTimeout as sleep } from 'node:timers/promises';
import { COLLECTIONS, type Database } from './db.ts';
import { isDuplicateKeyError, retryOnDuplicateKey, toNumber, toStoredJson } from './mapping.ts';
import { auditHash, GENESIS_HASH } from '../../lib/audit-chain.ts';
import type { AuditEntry, Store } from '../types.ts';

/** One audit entry, unique on (tenantId, seq); _id is an ObjectId. Never deleted with the tenant. */
type AuditDoc = AuditEntry;

export const toAuditEntry = (d: AuditDoc): AuditEntry => ({
  tenantId: d.tenantId,
  seq: toNumber(d.seq),
  at: d.at,
  actor: d.actor,
  action: d.action,
  details: d.details ?? {},
  prevHash: d.prevHash,
  hash: d.hash,
});

/** A key id and the fingerprint first seen for it; _id is the key id. */
interface KeyFingerprintDoc {
  _id: string;
  fingerprint: string;
  createdAt: Date;
}

/** Concurrent appends to one tenant's chain each win one slot per round; this bounds the rounds. */
const MAX_APPEND_ATTEMPTS = 100;

export function auditMethods(
  db: Database,
): Pick<Store, 'appendAudit' | 'listAudit' | 'getKeyFingerprints' | 'saveKeyFingerprint'> {
  const audit = db.collection<AuditDoc>(COLLECTIONS.audit);
  const fingerprints = db.collection<KeyFingerprintDoc>(COLLECTIONS.keyFingerprints);
  return {
    async appendAudit(tenantId, input) {
      // Optimistic serialisation: read the chain's head, insert the next seq linked to it, and let
      // the unique (tenantId, seq) index refuse the loser of a race, which then reads the new head
      // and tries again. Two entries can never share a seq, so the chain never forks.
      const details = toStoredJson(input.details);
      for (let attempt = 1; ; attempt += 1) {
        const head = await db.run(() =>
          audit.findOne({ tenantId }, { sort: { seq: -1 }, projection: { seq: 1, hash: 1 } }),
        );
        const seq = (head ? toNumber(head.seq) : 0) + 1;
        const prevHash = head?.hash ?? GENESIS_HASH;
        // Taken per attempt, so an entry that waited under contention is stamped when it joins the
        // chain. BSON dates hold milliseconds, so the hashed timestamp survives the round trip.
        const at = new Date(Math.floor((input.at ?? new Date()).getTime()));
        const fields = { tenantId, seq, at, actor: input.actor, action: input.action, details };
        const entry: AuditDoc = { ...fields, prevHash, hash: auditHash(prevHash, fields) };
        try {
          await db.run(() => audit.insertOne({ ...entry }));
          return entry;
        } catch (error) {
          if (!isDuplicateKeyError(error) || attempt >= MAX_APPEND_ATTEMPTS) throw error;
          // A short random pause spreads out the appenders that lost this round.
          await sleep(Math.random() * Math.min(50, attempt * 2));
        }
      }
    },

    async listAudit(tenantId, options = {}) {
      const limit = options.limit ?? 10_000;
      // limit(0) would mean "no limit" to MongoDB; to the port it means none.
      if (limit <= 0) return [];
      const seq = { $gt: options.afterSeq ?? 0, ...(options.beforeSeq ? { $lt: options.beforeSeq } : {}) };
      const docs = await db.run(() =>
        audit
          .find({ tenantId, seq, ...(options.actions ? { action: { $in: options.actions } } : {}) })
          .sort({ seq: options.newestFirst ? -1 : 1 })
          .limit(limit)
          .toArray(),
      );
      return docs.map(toAuditEntry);
    },

    async getKeyFingerprints() {
      const docs = await db.run(() => fingerprints.find({}).toArray());
      return Object.fromEntries(docs.map((d) => [d._id, d.fingerprint]));
    },

    async saveKeyFingerprint(keyId, fingerprint) {
      // The first fingerprint recorded for a key id stays: that is what a later start compares with.
      await retryOnDuplicateKey(() =>
        db.run(() =>
          fingerprints.updateOne(
            { _id: keyId },
            { $setOnInsert: { fingerprint, createdAt: new Date() } },
            { upsert: true },
          ),
        ),
      );
    },
  };
}
