// What the account forms check first: the throttle counters, and the user behind an account number.
import { getAccountByNumber } from '../../db/accounts/accounts.ts';
import { getUserByAccountId, type UserRow } from '../../db/auth/users.ts';
import type { AuthDeps } from './auth.ts';
import { retryMessage, type Limit } from './throttle.ts';

/** The retry message when any counter is over its limit; otherwise every counter is hit and null returned. */
export function throttled({ throttle }: AuthDeps, checks: [string, Limit][]): string | null {
  for (const [key, limit] of checks) {
    const verdict = throttle.check(key, limit);
    if (!verdict.allowed) return retryMessage(verdict.retryAfterSeconds);
  }
  for (const [key] of checks) throttle.hit(key);
  return null;
}

export function userByAccountNumber({ db }: AuthDeps, accountNumber: string): UserRow | undefined {
  const account = getAccountByNumber(db, accountNumber);
  return account ? getUserByAccountId(db, account.id) : undefined;
}
