// Time comes from a Clock so that expiry, throttling and the reading window can be tested.
export type Clock = { now(): number };

export const systemClock: Clock = { now: () => Date.now() };

export function nowSeconds(clock: Clock): number {
  return Math.floor(clock.now() / 1000);
}
