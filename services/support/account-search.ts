// The operators' look-up of a customer's account: by number, holder or a piece of the address.
import type { Db } from '../../db/connection.ts';
import { searchAccounts } from '../../db/support/support.ts';

const accountSearchLimit = 50;

/** Accounts matching what an operator typed; nothing for fewer than 2 characters. */
export function findAccounts({ db }: { db: Db }, query: string) {
  return query.length >= 2 ? searchAccounts(db, query, accountSearchLimit) : [];
}
