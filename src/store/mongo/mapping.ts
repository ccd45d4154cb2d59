import { ObjectId, type Filter } from 'mongodb';
import type { LedgerKey } from '../types.ts';

/** Small pure helpers shared by the MongoDB adapter's entity files. */

/**
 * The store keeps settings, cursor positions, descriptors, stats and audit details as JSON. A JSON
 * round trip before writing gives them the same meaning as the PostgreSQL adapter's jsonb columns:
 * undefined members vanish (the driver would otherwise store them as null, which would also change
 * an audit entry's hash), and a Date becomes its ISO string instead of a BSON date.
 */
export function toStoredJson<T>(value: T): T {
  if (value === undefined) return value;
  return JSON.parse(JSON.stringify(value)) as T;
}

/**
 * Counters and sizes as JavaScript numbers. The server widens an int32 that overflows in $inc or
 * $sum to an int64, which the driver may hand back as a Long (or a bigint, if a caller enabled it).
 */
export function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint') return Number(value);
  if (value && typeof value === 'object' && 'toNumber' in value && typeof value.toNumber === 'function')
    return Number((value as { toNumber(): unknown }).toNumber());
  if (value === null || value === undefined) return 0;
  return Number(value);
}

const DUPLICATE_KEY = 11000;

/** A write refused by a unique index (including _id). */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && 'code' in error && error.code === DUPLICATE_KEY;
}

/**
 * Runs an upsert again when it loses an insert race on a unique index. The server retries such
 * upserts itself (4.2+) when the filter is exactly the index key; this covers the cases and servers
 * where it does not. The second attempt finds the winner's document and updates it.
 */
export async function retryOnDuplicateKey<T>(operation: () => Promise<T>, attempts = 3): Promise<T> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await operation();
    } catch (error) {
      if (attempt >= attempts || !isDuplicateKeyError(error)) throw error;
    }
  }
}

/** The equality filter for one ledger (or outstanding) key; field order matches the unique index. */
export function keyMatch(tenantId: string, key: LedgerKey) {
  return { tenantId, kind: key.kind, sourceId: key.sourceId, attachmentId: key.attachmentId };
}

/**
 * "Strictly after this key" in (kind, sourceId, attachmentId) order, the order the list methods sort
 * by, so page tokens from store/paging.ts resume exactly where the previous page ended.
 */
export function afterKeyFilter<T extends LedgerKey>(after: LedgerKey | null): Filter<T> {
  if (!after) return {};
  return {
    $or: [
      { kind: { $gt: after.kind } },
      { kind: after.kind, sourceId: { $gt: after.sourceId } },
      { kind: after.kind, sourceId: after.sourceId, attachmentId: { $gt: after.attachmentId } },
    ],
  } as Filter<T>;
}

/**
 * Run ids are ObjectId hex strings. Anything else (a Postgres run id, a mistyped URL) is simply not a
 * run, rather than an error. ObjectId.isValid alone would also accept any 12-character string.
 */
export function parseObjectId(id: string | null | undefined): ObjectId | null {
  return id && /^[0-9a-f]{24}$/i.test(id) ? ObjectId.createFromHexString(id) : null;
}
