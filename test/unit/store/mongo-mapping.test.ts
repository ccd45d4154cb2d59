import { Long, MongoServerError, ObjectId } from 'mongodb';
import { describe, expect, it } from 'vitest';
import {
  afterKeyFilter,
  isDuplicateKeyError,
  keyMatch,
  parseObjectId,
  retryOnDuplicateKey,
  toNumber,
  toStoredJson,
} from '../../../src/store/mongo/mapping.ts';
import type { LedgerKey } from '../../../src/store/types.ts';

const duplicate = () => new MongoServerError({ message: 'E11000 duplicate key error', code: 11000 });

describe('toStoredJson', () => {
  it('gives stored JSON the meaning jsonb gives it: no undefined members, dates as ISO strings', () => {
    const at = new Date('2026-01-02T03:04:05.678Z');
    const input = { a: 1, gone: undefined, nested: { at, list: [1, 'two', null, { deep: true }] } };
    expect(toStoredJson(input)).toEqual({
      a: 1,
      nested: { at: '2026-01-02T03:04:05.678Z', list: [1, 'two', null, { deep: true }] },
    });
    expect(Object.keys(toStoredJson(input))).toEqual(['a', 'nested']);
  });

  it('returns a copy, so later changes to the input do not reach what was written', () => {
    const input = { list: [1] };
    const stored = toStoredJson(input);
    input.list.push(2);
    expect(stored).toEqual({ list: [1] });
  });

  it('passes undefined through', () => {
    expect(toStoredJson(undefined)).toBeUndefined();
  });
});

describe('toNumber', () => {
  it('reads the number types the driver can return', () => {
    expect(toNumber(42)).toBe(42);
    expect(toNumber(Long.fromNumber(5_000_000_000))).toBe(5_000_000_000);
    expect(toNumber(12n)).toBe(12);
    expect(toNumber('7')).toBe(7);
  });

  it('reads a missing counter as zero', () => {
    expect(toNumber(null)).toBe(0);
    expect(toNumber(undefined)).toBe(0);
  });
});

describe('isDuplicateKeyError', () => {
  it('recognises only unique-index violations', () => {
    expect(isDuplicateKeyError(duplicate())).toBe(true);
    expect(isDuplicateKeyError({ code: 11000 })).toBe(true);
    expect(isDuplicateKeyError(new MongoServerError({ message: 'no', code: 112 }))).toBe(false);
    expect(isDuplicateKeyError(new Error('E11000'))).toBe(false);
    expect(isDuplicateKeyError(null)).toBe(false);
    expect(isDuplicateKeyError('E11000')).toBe(false);
  });
});

describe('retryOnDuplicateKey', () => {
  it('runs an upsert again after it lost an insert race', async () => {
    let calls = 0;
    const result = await retryOnDuplicateKey(() => {
      calls += 1;
      return calls === 1 ? Promise.reject(duplicate()) : Promise.resolve('updated');
    });
    expect(result).toBe('updated');
    expect(calls).toBe(2);
  });

  it('does not retry other errors', async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(new Error('network'));
    };
    await expect(retryOnDuplicateKey(failing)).rejects.toThrow('network');
    expect(calls).toBe(1);
  });

  it('gives up after the given number of attempts', async () => {
    let calls = 0;
    const failing = () => {
      calls += 1;
      return Promise.reject(duplicate());
    };
    await expect(retryOnDuplicateKey(failing, 3)).rejects.toMatchObject({ code: 11000 });
    expect(calls).toBe(3);
  });
});

/** Just enough of MongoDB's matching for the filters afterKeyFilter builds: equality, $gt, $or. */
function matches(doc: Record<string, string>, filter: Record<string, unknown>): boolean {
  return Object.entries(filter).every(([field, condition]) => {
    if (field === '$or')
      return (condition as Array<Record<string, unknown>>).some((branch) => matches(doc, branch));
    if (condition && typeof condition === 'object' && '$gt' in condition)
      return doc[field]! > (condition as { $gt: string }).$gt;
    return doc[field] === condition;
  });
}

describe('afterKeyFilter', () => {
  it('matches everything without a token', () => {
    expect(afterKeyFilter(null)).toEqual({});
  });

  it('selects exactly the keys after the token in (kind, sourceId, attachmentId) order', () => {
    const keys: LedgerKey[] = [];
    for (const kind of ['fax', 'sms'])
      for (const sourceId of ['1', '2', '10'])
        for (const attachmentId of ['', 'a', 'b']) keys.push({ kind, sourceId, attachmentId });
    // MongoDB's default (simple) collation compares strings by their bytes: '10' sorts before '2'.
    const byBytes = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    const sorted = [...keys].sort(
      (x, y) =>
        byBytes(x.kind, y.kind) || byBytes(x.sourceId, y.sourceId) || byBytes(x.attachmentId, y.attachmentId),
    );

    // Paging three at a time with the filter visits every key once, in order.
    const seen: LedgerKey[] = [];
    let after: LedgerKey | null = null;
    do {
      const filter = afterKeyFilter(after) as Record<string, unknown>;
      const page = sorted.filter((k) => matches({ ...k }, filter)).slice(0, 3);
      seen.push(...page);
      after = page.length === 3 ? page[2]! : null;
    } while (after);
    expect(seen).toEqual(sorted);
  });
});

describe('keyMatch', () => {
  it('is the equality filter on the unique key, and nothing else', () => {
    const extra = { kind: 'sms', sourceId: 's', attachmentId: '', path: '/x' };
    expect(keyMatch('t', extra)).toEqual({ tenantId: 't', kind: 'sms', sourceId: 's', attachmentId: '' });
  });
});

describe('parseObjectId', () => {
  it('accepts run ids the adapter handed out', () => {
    const id = new ObjectId();
    expect(parseObjectId(id.toHexString())?.equals(id)).toBe(true);
  });

  it('treats anything else as no run rather than an error', () => {
    expect(parseObjectId('42')).toBeNull(); // a PostgreSQL run id
    expect(parseObjectId('abcdefghijkl')).toBeNull(); // 12 characters: ObjectId.isValid says yes
    expect(parseObjectId('zz'.repeat(12))).toBeNull();
    expect(parseObjectId('')).toBeNull();
    expect(parseObjectId(null)).toBeNull();
    expect(parseObjectId(undefined)).toBeNull();
  });
});
