import type { z } from 'zod';
import type { JsonObject, StateRecord, Store } from './types.ts';

/**
 * A typed view of one per-tenant state key (see StateRecord). Its schema checks every value read
 * from the store and every value about to be written, so a record holds only what its owner
 * meant to keep; writes are compare-and-swap on the version that was read.
 */

export interface Versioned<T> {
  value: T;
  /** null while the record does not exist yet. */
  version: number | null;
}

/** A stored record its schema rejects (written by a newer version, or damaged). */
class UnreadableStateError extends Error {
  override name = 'UnreadableStateError';
}

interface StateSlot<T> {
  readonly key: string;
  /** The record as this slot reads it; `empty` when there is none. */
  fromRecord(record: StateRecord | null): Versioned<T>;
  read(store: Store, tenantId: string): Promise<Versioned<T>>;
  /** Saves `next` if nobody wrote since `current` was read; null when someone did (read again). */
  write(store: Store, tenantId: string, current: Versioned<T>, next: T): Promise<Versioned<T> | null>;
}

interface SlotOptions<T> {
  /** The value of a tenant that has no record yet. */
  empty: T;
  /**
   * A stored value the schema rejects: 'fail' (the default) throws UnreadableStateError; 'empty'
   * reads it as `empty` (for state whose loss costs a repeated action, never lost data).
   */
  unreadable?: 'fail' | 'empty';
}

export function stateSlot<T extends object>(
  key: string,
  schema: z.ZodType<T>,
  options: SlotOptions<T>,
): StateSlot<T> {
  const fromRecord = (record: StateRecord | null): Versioned<T> => {
    if (!record) return { value: options.empty, version: null };
    const parsed = schema.safeParse(record.value);
    if (parsed.success) return { value: parsed.data, version: record.version };
    if (options.unreadable === 'empty') return { value: options.empty, version: record.version };
    throw new UnreadableStateError(
      `The stored "${key}" state of tenant ${record.tenantId} cannot be read: ${parsed.error.issues
        .map((i) => `${i.path.join('.') || 'value'}: ${i.message}`)
        .join('; ')}`,
    );
  };
  return {
    key,
    fromRecord,
    read: async (store, tenantId) => fromRecord(await store.getState(tenantId, key)),
    async write(store, tenantId, current, next) {
      // A value its own schema rejects is a bug in the writer: refuse it before it is stored.
      const value = schema.parse(next);
      // Schemas of state describe JSON (objects, arrays, strings, numbers, booleans, null).
      const saved = await store.saveState(tenantId, key, value as JsonObject, current.version);
      return saved ? { value, version: saved.version } : null;
    },
  };
}

/**
 * One state record that a run changes from several places at once (concurrent stages): changes are
 * applied one at a time, each written by compare-and-swap, and re-applied on a fresh read when
 * another writer got there first. A change returns the new value, or null for "no change".
 */
export class StateCell<T> {
  readonly #slot: StateSlot<T>;
  readonly #store: Store;
  readonly #tenantId: string;
  #current: Promise<Versioned<T>> | null;
  #writes: Promise<unknown> = Promise.resolve();

  constructor(slot: StateSlot<T>, store: Store, tenantId: string, initial?: Versioned<T>) {
    this.#slot = slot;
    this.#store = store;
    this.#tenantId = tenantId;
    this.#current = initial ? Promise.resolve(initial) : null;
  }

  #read(): Promise<Versioned<T>> {
    if (this.#current) return this.#current;
    const reading = this.#slot.read(this.#store, this.#tenantId);
    // A failed read (the database briefly away) is tried again by the next caller.
    reading.catch(() => {
      if (this.#current === reading) this.#current = null;
    });
    return (this.#current = reading);
  }

  /** The value once every change asked for so far is stored. */
  async value(): Promise<T> {
    await this.#writes;
    return (await this.#read()).value;
  }

  /** Applies `change`; resolves once the result is stored (or nothing changed). */
  update(change: (value: T) => T | null): Promise<void> {
    const write = this.#writes.then(async () => {
      for (let attempt = 1; ; attempt += 1) {
        const current = await this.#read();
        const next = change(current.value);
        if (next === null) return;
        const saved = await this.#slot.write(this.#store, this.#tenantId, current, next);
        if (saved) {
          this.#current = Promise.resolve(saved);
          return;
        }
        if (attempt >= 3)
          throw new Error(`The "${this.#slot.key}" state kept changing under this run; try again later.`);
        this.#current = null;
      }
    });
    this.#writes = write.catch(() => undefined);
    return write;
  }
}
