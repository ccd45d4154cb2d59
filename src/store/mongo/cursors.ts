import { COLLECTIONS, type Database } from './db.ts';
import { isDuplicateKeyError, toNumber, toStoredJson } from './mapping.ts';
import type { Cursor, JsonObject, Store } from '../types.ts';

/** One cursor per (tenantId, stream), enforced by a unique index; _id is an ObjectId. */
export interface CursorDoc {
  tenantId: string;
  stream: string;
  position: JsonObject;
  version: number;
  updatedAt: Date;
}

export const toCursor = (d: CursorDoc): Cursor => ({
  tenantId: d.tenantId,
  stream: d.stream,
  position: d.position ?? {},
  version: toNumber(d.version),
  updatedAt: d.updatedAt,
});

export function cursorMethods(db: Database): Pick<Store, 'getCursor' | 'listCursors' | 'saveCursor'> {
  const cursors = db.collection<CursorDoc>(COLLECTIONS.cursors);
  return {
    async getCursor(tenantId, stream) {
      const doc = await db.run(() => cursors.findOne({ tenantId, stream }));
      return doc ? toCursor(doc) : null;
    },

    async listCursors(tenantId) {
      const docs = await db.run(() => cursors.find({ tenantId }).sort({ stream: 1 }).toArray());
      return docs.map(toCursor);
    },

    async saveCursor(tenantId, stream, position, expectedVersion) {
      if (expectedVersion === null) {
        // Create: a plain insert, so the unique index turns a second creator into a loser (null)
        // instead of letting it overwrite the first one's position.
        const doc: CursorDoc = {
          tenantId,
          stream,
          position: toStoredJson(position),
          version: 1,
          updatedAt: new Date(),
        };
        try {
          await db.run(() => cursors.insertOne(doc));
        } catch (error) {
          if (isDuplicateKeyError(error)) return null;
          throw error;
        }
        return toCursor(doc);
      }
      // Move: only from the version the caller read.
      const doc = await db.run(() =>
        cursors.findOneAndUpdate(
          { tenantId, stream, version: expectedVersion },
          { $set: { position: toStoredJson(position), updatedAt: new Date() }, $inc: { version: 1 } },
          { returnDocument: 'after' },
        ),
      );
      return doc ? toCursor(doc) : null;
    },
  };
}
