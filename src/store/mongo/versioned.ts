import type { Document, Filter } from 'mongodb';
import type { CollectionName, Database } from './db.ts';
import { isDuplicateKeyError, toNumber, toStoredJson } from './mapping.ts';
import type { JsonObject } from '../types.ts';

/**
 * A collection of versioned JSON documents, one per (tenantId, name) under a unique index, written by
 * compare-and-swap on the version: the cursors (name field `stream`, JSON field `position`) and the
 * tenant state (`key`, `value`).
 */
export interface VersionedDoc {
  tenantId: string;
  name: string;
  json: JsonObject;
  version: number;
  updatedAt: Date;
}

interface VersionedCollection {
  collection: CollectionName;
  name: string;
  json: string;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function versionedDocs(db: Database, { collection, name, json }: VersionedCollection) {
  const docs = db.collection<Document>(collection);
  const toDoc = (d: Document): VersionedDoc => ({
    tenantId: d.tenantId as string,
    name: d[name] as string,
    json: (d[json] as JsonObject | undefined) ?? {},
    version: toNumber(d.version),
    updatedAt: d.updatedAt as Date,
  });
  return {
    async get(tenantId: string, key: string): Promise<VersionedDoc | null> {
      const doc = await db.run(() => docs.findOne({ tenantId, [name]: key }));
      return doc ? toDoc(doc) : null;
    },

    async list(tenantId: string, prefix = ''): Promise<VersionedDoc[]> {
      const filter: Filter<Document> = prefix
        ? { tenantId, [name]: { $regex: `^${escapeRegex(prefix)}` } }
        : { tenantId };
      const found = await db.run(() =>
        docs
          .find(filter)
          .sort({ [name]: 1 })
          .toArray(),
      );
      return found.map(toDoc);
    },

    /** expectedVersion null: create (null if it exists); else only from that version (null if moved). */
    async save(
      tenantId: string,
      key: string,
      value: JsonObject,
      expectedVersion: number | null,
    ): Promise<VersionedDoc | null> {
      const updatedAt = new Date();
      if (expectedVersion === null) {
        // A plain insert, so the unique index turns a second creator into a loser (null) instead
        // of letting it overwrite the first one's document.
        const doc = { tenantId, [name]: key, [json]: toStoredJson(value), version: 1, updatedAt };
        try {
          await db.run(() => docs.insertOne(doc));
        } catch (error) {
          if (isDuplicateKeyError(error)) return null;
          throw error;
        }
        return toDoc(doc);
      }
      const doc = await db.run(() =>
        docs.findOneAndUpdate(
          { tenantId, [name]: key, version: expectedVersion },
          { $set: { [json]: toStoredJson(value), updatedAt }, $inc: { version: 1 } },
          { returnDocument: 'after' },
        ),
      );
      return doc ? toDoc(doc) : null;
    },
  };
}
