/**
 * A small seeded PRNG (sfc32) so the same seed always yields the same account. Math.random is never
 * used for data: a benchmark or a failing test must be reproducible from its seed.
 */

/** 32-bit FNV-1a over a string, used to derive independent sub-seeds ("seed:ext:7"). */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** Integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  chance(p: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** Picks a key by relative weight. */
  weighted<K extends string>(weights: Partial<Record<K, number>>): K;
}

export function createRng(seed: number | string): Rng {
  const s = typeof seed === 'number' ? hash32(`n${seed}`) : hash32(seed);
  let a = s ^ 0x9e3779b9;
  let b = Math.imul(s, 0x85ebca6b) >>> 0;
  let c = Math.imul(s ^ 0xc2b2ae35, 0x27d4eb2f) >>> 0;
  let d = 1;
  const next32 = (): number => {
    a |= 0;
    b |= 0;
    c |= 0;
    d |= 0;
    const t = (((a + b) | 0) + d) | 0;
    d = (d + 1) | 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) | 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) | 0;
    return t >>> 0;
  };
  // Warm up so nearby seeds diverge.
  for (let i = 0; i < 12; i++) next32();
  const rng: Rng = {
    next: () => next32() / 4294967296,
    int: (min, max) => min + Math.floor(rng.next() * (max - min + 1)),
    chance: (p) => rng.next() < p,
    pick: (items) => {
      const item = items[Math.floor(rng.next() * items.length)];
      if (item === undefined) throw new Error('pick from an empty list');
      return item;
    },
    weighted: (weights) => {
      const entries = Object.entries(weights).filter(([, w]) => typeof w === 'number' && w > 0) as Array<
        [never, number]
      >;
      const total = entries.reduce((sum, [, w]) => sum + w, 0);
      let roll = rng.next() * total;
      for (const [key, w] of entries) {
        roll -= w;
        if (roll < 0) return key;
      }
      const last = entries[entries.length - 1];
      if (!last) throw new Error('weighted pick with no positive weight');
      return last[0];
    },
  };
  return rng;
}

/** A count around `mean` (mean × [0.5, 1.5), rounded stochastically) so days differ. */
export function countAround(rng: Rng, mean: number): number {
  if (mean <= 0) return 0;
  const x = mean * (0.5 + rng.next());
  const whole = Math.floor(x);
  return whole + (rng.chance(x - whole) ? 1 : 0);
}
