// A small seeded PRNG (mulberry32) so the demo data is the same on every run.
export type Random = {
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max], both inclusive. */
  int(min: number, max: number): number;
  /** A float in [min, max). */
  between(min: number, max: number): number;
  chance(probability: number): boolean;
  pick<T>(items: readonly T[]): T;
  /** An index chosen by weight: weighted([65, 25, 10]) is 0 about 65% of the time. */
  weighted(weights: readonly number[]): number;
  digits(count: number): string;
};

export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  function next(): number {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  const random: Random = {
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    between: (min, max) => min + next() * (max - min),
    chance: (probability) => next() < probability,
    pick: (items) => items[Math.floor(next() * items.length)],
    weighted(weights) {
      let roll = next() * weights.reduce((a, b) => a + b, 0);
      for (let index = 0; index < weights.length; index++) {
        roll -= weights[index];
        if (roll < 0) return index;
      }
      return weights.length - 1;
    },
    digits: (count) => Array.from({ length: count }, () => String(Math.floor(next() * 10))).join(''),
  };
  return random;
}

/** An independent stream per account, so account N's data does not depend on how many there are. */
export function accountRandom(seed: number, accountId: number): Random {
  return mulberry32(Math.imul(accountId, 0x9e3779b1) ^ seed);
}
