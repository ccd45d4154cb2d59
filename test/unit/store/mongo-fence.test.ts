import { Collection, type ClientSession } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { OPTIONS_AT, sessionBound } from '../../../src/store/mongo/session-bound.ts';
import { topologyOf } from '../../../src/store/mongo/topology.ts';

/** The pure parts of the MongoDB run fence; the fence itself runs in the store contract suite. */

describe('topologyOf', () => {
  it('tells a replica set, a sharded cluster and a standalone server apart by their hello replies', () => {
    // Trimmed from what mongod and mongos answer.
    expect(topologyOf({ isWritablePrimary: true, setName: 'rs0', hosts: ['db:27017'], ok: 1 })).toBe(
      'replicaSet',
    );
    expect(topologyOf({ isWritablePrimary: true, msg: 'isdbgrid', ok: 1 })).toBe('sharded');
    expect(topologyOf({ isWritablePrimary: true, maxWireVersion: 21, ok: 1 })).toBe('standalone');
    expect(topologyOf({ isWritablePrimary: true, setName: '', ok: 1 })).toBe('standalone');
  });
});

describe('sessionBound', () => {
  const session = { id: 'the-session' } as unknown as ClientSession;

  /** A stand-in collection that hands back the arguments each call received. */
  const fake = () =>
    Object.fromEntries(
      [...Object.keys(OPTIONS_AT), 'createIndex'].map((name) => [name, (...args: unknown[]) => args]),
    ) as unknown as Collection;

  it("puts the session into each method's options, keeping the other arguments and options", () => {
    const bound = sessionBound(fake(), () => session);
    expect(bound.updateOne({ a: 1 }, { $set: { b: 2 } }, { upsert: true })).toEqual([
      { a: 1 },
      { $set: { b: 2 } },
      { upsert: true, session },
    ]);
    expect(bound.deleteOne({ a: 1 })).toEqual([{ a: 1 }, { session }]);
    expect(bound.insertOne({ a: 1 })).toEqual([{ a: 1 }, { session }]);
    expect(bound.bulkWrite([], { ordered: false })).toEqual([[], { ordered: false, session }]);
    expect(bound.findOneAndUpdate({ a: 1 }, { $inc: { v: 1 } }, { returnDocument: 'after' })).toEqual([
      { a: 1 },
      { $inc: { v: 1 } },
      { returnDocument: 'after', session },
    ]);
    // No filter given: the filter stays unset (the driver's default) and the options come second.
    expect(bound.findOne()).toEqual([undefined, { session }]);
  });

  it('looks the session up at each call, so concurrent operations each get their own', () => {
    let now: ClientSession | undefined = session;
    const bound = sessionBound(fake(), () => now);
    const other = { id: 'other' } as unknown as ClientSession;
    expect(bound.deleteOne({})).toEqual([{}, { session }]);
    now = other;
    expect(bound.deleteOne({})).toEqual([{}, { session: other }]);
  });

  it('refuses a call outside a fenced operation, and a method it cannot bind', () => {
    expect(() => sessionBound(fake(), () => undefined).deleteOne({})).toThrow(/outside a fenced operation/);
    expect(() => sessionBound(fake(), () => session).createIndex({ a: 1 })).toThrow(
      /cannot join a fenced operation/,
    );
  });

  it("knows where the driver's own methods take their options", () => {
    // Read from the driver's source, so an upgrade that moves an options argument shows up here.
    for (const [name, at] of Object.entries(OPTIONS_AT)) {
      const method = (Collection.prototype as unknown as Record<string, (...a: unknown[]) => unknown>)[name];
      const params = /\(([^)]*)\)/
        .exec(String(method))![1]!
        .split(',')
        .map((p) => p.split('=')[0]!.trim());
      expect(params.indexOf('options'), name).toBe(at);
    }
  });
});
