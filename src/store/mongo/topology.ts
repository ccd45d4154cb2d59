import type { Document } from 'mongodb';

/**
 * What kind of MongoDB deployment the store talks to, read from the server's `hello` reply: a
 * replica set member names its set, a mongos router says "isdbgrid", a standalone server neither.
 * Only the first two have transactions, which the run fence needs (fence.ts).
 */
export type Topology = 'replicaSet' | 'sharded' | 'standalone';

export function topologyOf(hello: Document): Topology {
  if (hello.msg === 'isdbgrid') return 'sharded';
  if (typeof hello.setName === 'string' && hello.setName !== '') return 'replicaSet';
  return 'standalone';
}

/** Why a run cannot write on this deployment, and what to do about it. */
export const STANDALONE_CANNOT_FENCE =
  'DATABASE_URL points at a standalone MongoDB server. Archive runs need a replica set (a ' +
  'single-node replica set is enough: start mongod with --replSet rs0 and run rs.initiate() once) ' +
  'or a sharded cluster, because a run fences its writes by its lease in a transaction, and a ' +
  'standalone server has no transactions. The web pages work on a standalone server; workers and ' +
  '`verify` do not.';
