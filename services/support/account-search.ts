// The operators' look-up of a customer's account: by number, holder or a piece of the address.
import { getAccountById } from '../../db/accounts/accounts.ts';
import type { Db } from '../../db/connection.ts';
import { searchAccounts } from '../../db/support/support.ts';

export const accountSearchLimit = 50;

/** Accounts matching what an operator typed; nothing for fewer than 2 characters. */
export function findAccounts({ db }: { db: Db }, query: string) {
  return query.length >= 2 ? searchAccounts(db, query, accountSearchLimit) : [];
}

export function accountExists({ db }: { db: Db }, accountId: number): boolean {
  return getAccountById(db, accountId) !== undefined;
}
