import type { Clock } from '../../services/platform/clock.ts';

export type TestClock = Clock & { set(iso: string): void; advance(seconds: number): void };

/** A clock that stands still until a test moves it. */
export function fixedClock(iso = '2026-11-20T09:00:00Z'): TestClock {
  let now = Date.parse(iso);
  return {
    now: () => now,
    set: (value) => {
      now = Date.parse(value);
    },
    advance: (seconds) => {
      now += seconds * 1000;
    },
  };
}
