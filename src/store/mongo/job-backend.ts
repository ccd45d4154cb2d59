import { MongoBackend } from '@agendajs/mongo-backend';
import type { AgendaBackend } from 'agenda';
import type { Db } from 'mongodb';

/** The job library on our own MongoDB database (its unique per-tenant index is made by migrate()). */
export function mongoJobBackend(db: Db): AgendaBackend {
  return new MongoBackend({ mongo: db, ensureIndex: true });
}
