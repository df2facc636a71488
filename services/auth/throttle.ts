// Counts attempts per key in a sliding window, in SQLite: every process on the database file
// (cluster workers, a restarted server) sees the same counts, so a limit holds across them.
// Old attempts are purged by the retention job.
import type { Db } from '../../db/connection.ts';
import { deleteThrottleHits, insertThrottleHit, recentThrottleHits } from '../../db/auth/throttle.ts';
import type { Clock } from '../platform/clock.ts';

export type Limit = { max: number; windowSeconds: number };

export type ThrottleVerdict = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export type Throttle = ReturnType<typeof createThrottle>;

export function createThrottle(db: Db, clock: Clock) {
  return {
    /** Whether another attempt is allowed now; does not count one. */
    check(key: string, limit: Limit): ThrottleVerdict {
      const now = clock.now();
      const recent = recentThrottleHits(db, key, now - limit.windowSeconds * 1000, limit.max);
      if (recent.length < limit.max) return { allowed: true };
      const freeAt = recent[limit.max - 1] + limit.windowSeconds * 1000;
      return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((freeAt - now) / 1000)) };
    },
    hit(key: string): void {
      insertThrottleHit(db, key, clock.now());
    },
    reset(key: string): void {
      deleteThrottleHits(db, key);
    },
  };
}

/** The first key over its limit (with how long until it frees), or null: nothing is counted. */
export function overLimit(throttle: Throttle, checks: readonly (readonly [string, Limit])[]): { key: string; retryAfterSeconds: number } | null {
  for (const [key, limit] of checks) {
    const verdict = throttle.check(key, limit);
    if (!verdict.allowed) return { key, retryAfterSeconds: verdict.retryAfterSeconds };
  }
  return null;
}

/** A try counted against every key: the retry message if one is over its limit (then none is counted), else null. */
export function countTry(throttle: Throttle, checks: readonly (readonly [string, Limit])[]): string | null {
  const over = overLimit(throttle, checks);
  if (over) return retryMessage(over.retryAfterSeconds);
  for (const [key] of checks) throttle.hit(key);
  return null;
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
  // Readings without logging in: the account number and the meter's serial, as strict as login.
  readingsPerAccount: { max: 5, windowSeconds: 15 * 60 },
  readingsPerIp: { max: 50, windowSeconds: 15 * 60 },
} satisfies Record<string, Limit>;
