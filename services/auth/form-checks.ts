// The user behind an account number, as the account forms look it up.
import { getAccountByNumber } from '../../db/accounts/accounts.ts';
import { getUserByAccountId, type UserRow } from '../../db/auth/users.ts';
import type { Db } from '../../db/connection.ts';

export function userByAccountNumber({ db }: { db: Db }, accountNumber: string): UserRow | undefined {
  const account = getAccountByNumber(db, accountNumber);
  return account ? getUserByAccountId(db, account.id) : undefined;
}
