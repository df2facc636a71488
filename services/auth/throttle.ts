// Counts attempts per key in a sliding window, in memory (one process serves the app).
import type { Clock } from '../platform/clock.ts';

export type Limit = { max: number; windowSeconds: number };

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type Throttle = ReturnType<typeof createThrottle>;

const pruneEvery = 10_000;

export function createThrottle(clock: Clock) {
  const hits = new Map<string, number[]>();
  let writes = 0;

  function recent(key: string, windowSeconds: number): number[] {
    const since = clock.now() - windowSeconds * 1000;
    const list = (hits.get(key) ?? []).filter((at) => at > since);
    if (list.length === 0) hits.delete(key);
    else hits.set(key, list);
    return list;
  }

  function prune(): void {
    const hour = clock.now() - 24 * 3600 * 1000;
    for (const [key, list] of hits) if (list[list.length - 1] < hour) hits.delete(key);
  }

  return {
    /** Whether another attempt is allowed now; does not count one. */
    check(key: string, limit: Limit): ThrottleVerdict {
      const list = recent(key, limit.windowSeconds);
      if (list.length < limit.max) return { allowed: true };
      const freeAt = list[list.length - limit.max] + limit.windowSeconds * 1000;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - clock.now()) / 1000)) };
    },
    hit(key: string): void {
      const list = hits.get(key) ?? [];
      list.push(clock.now());
      hits.set(key, list);
      if (++writes % pruneEvery === 0) prune();
    },
    reset(key: string): void {
      hits.delete(key);
    },
  };
}

/** «через 3 мин.» — how a customer is told when to try again. */
export function retryMessage(retryAfterSeconds: number): string {
  const minutes = Math.ceil(retryAfterSeconds / 60);
  return `Слишком много попыток. Попробуйте снова через ${minutes} мин.`;
}

export const limits = {
  loginPerAccount: { max: 5, windowSeconds: 15 * 60 },
  loginPerIp: { max: 50, windowSeconds: 15 * 60 },
  registerPerIp: { max: 20, windowSeconds: 60 * 60 },
  registerPerAccount: { max: 10, windowSeconds: 60 * 60 },
  codeCheckPerAccount: { max: 10, windowSeconds: 60 * 60 },
  codeCheckPerIp: { max: 50, windowSeconds: 60 * 60 },
  mailPerAccount: { max: 3, windowSeconds: 15 * 60 },
  mailPerIp: { max: 20, windowSeconds: 60 * 60 },
} satisfies Record<string, Limit>;
