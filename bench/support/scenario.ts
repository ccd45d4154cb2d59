import type { Figure, ScenarioName } from './figures.ts';

/** One scenario of the benchmark: sets up what it needs, measures, tears down, returns figures. */
export interface Scenario {
  name: ScenarioName;
  run(shared: SharedFixtures): Promise<Figure[]>;
}

/**
 * Expensive setups that several scenarios measure (the 1,000-tenant fleet), built by the first
 * scenario that asks and reused by the next within one `npm run bench`.
 */
export class SharedFixtures {
  readonly #built = new Map<string, Promise<unknown>>();
  readonly #closers: Array<() => Promise<void>> = [];

  /** The fixture under `key`, built once; `close` runs when the benchmark ends. */
  get<T>(key: string, build: () => Promise<T>, close?: (value: T) => Promise<void>): Promise<T> {
    let value = this.#built.get(key) as Promise<T> | undefined;
    if (!value) {
      this.#built.set(key, (value = build()));
      // A fixture that failed to build has nothing to close (its scenario reported the failure).
      if (close) this.#closers.push(() => value!.then(close, () => undefined));
    }
    return value;
  }

  async close(): Promise<void> {
    for (const close of this.#closers.reverse()) await close();
  }
}
