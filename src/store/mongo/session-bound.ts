import type { ClientSession, Collection, Document } from 'mongodb';

/**
 * Where each collection method the store calls takes its options: an operation joins a
 * transaction only when its options carry the transaction's session, so these are the places the
 * session goes. A method missing here cannot be bound, and refuses to run (below).
 */
export const OPTIONS_AT: Readonly<Record<string, number>> = {
  insertOne: 1,
  insertMany: 1,
  bulkWrite: 1,
  updateOne: 2,
  updateMany: 2,
  replaceOne: 2,
  deleteOne: 1,
  deleteMany: 1,
  findOne: 1,
  find: 1,
  findOneAndUpdate: 2,
  findOneAndReplace: 2,
  findOneAndDelete: 1,
  aggregate: 1,
  countDocuments: 1,
  distinct: 2,
};

/**
 * The collection as the store's modules see it inside a fenced operation: every call carries the
 * session `current()` returns, so it runs inside that operation's transaction. The store's modules
 * take their collections once and call them later, from operations that may run concurrently, so
 * the session is looked up at each call rather than fixed here. A call with no session to join,
 * or of a method that cannot be bound, throws: outside the transaction it would be a write the
 * fence does not cover.
 */
export function sessionBound<T extends Document>(
  collection: Collection<T>,
  current: () => ClientSession | undefined,
): Collection<T> {
  return new Proxy(collection, {
    get(target, property, receiver) {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function') return value;
      const name = String(property);
      const at = OPTIONS_AT[name];
      return (...args: unknown[]): unknown => {
        if (at === undefined) throw new Error(`${name} cannot join a fenced operation's transaction`);
        const session = current();
        if (!session) throw new Error(`${name} called outside a fenced operation: it would not be fenced`);
        const bound = [...args];
        bound[at] = { ...(args[at] as object | undefined), session };
        return (value as (...a: unknown[]) => unknown).apply(target, bound);
      };
    },
  });
}
