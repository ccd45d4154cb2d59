import { FENCED_WRITES, type FencedWrite, type Store } from './types.ts';

/**
 * The store a run writes through: every method of `store`, with the run's writes taken from
 * `fencedMethods` (the same adapter's methods built over a door that checks the lease first).
 */
export function withFencedWrites(store: Store, fencedMethods: Pick<Store, FencedWrite>): Store {
  const view: Store = { ...store };
  for (const name of FENCED_WRITES) Object.assign(view, { [name]: fencedMethods[name] });
  return view;
}
