import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type UserRow = {
  id: number;
  account_id: number;
  email: string;
  phone: string;
  password_hash: string;
  created_at: number;
  activated_at: number | null;
  password_changed_at: number;
};

export type NewUser = Omit<UserRow, 'id' | 'activated_at'> & {
  agreement_version: string;
  agreement_accepted_at: number;
  consent_version: string;
  consent_accepted_at: number;
};

export type AccountLinkRow = {
  id: number;
  user_id: number;
  account_id: number;
  is_primary: number;
  created_at: number;
  number: string;
  address: string;
};

const userColumns = 'id, account_id, email, phone, password_hash, created_at, activated_at, password_changed_at';

export function getUserById(db: Db, id: number): UserRow | undefined {
  return prepared(db, `SELECT ${userColumns} FROM users WHERE id = ?`).get(id) as UserRow | undefined;
}

export function getUserByAccountId(db: Db, accountId: number): UserRow | undefined {
  return prepared(db, `SELECT ${userColumns} FROM users WHERE account_id = ?`).get(accountId) as UserRow | undefined;
}

export function insertUser(db: Db, user: NewUser): number {
  const result = prepared(
    db,
    `INSERT INTO users (account_id, email, phone, password_hash, created_at, password_changed_at,
                        agreement_version, agreement_accepted_at, consent_version, consent_accepted_at)
     VALUES (@account_id, @email, @phone, @password_hash, @created_at, @password_changed_at,
             @agreement_version, @agreement_accepted_at, @consent_version, @consent_accepted_at)`,
  ).run(user);
  return Number(result.lastInsertRowid);
}

export function deleteUnactivatedUser(db: Db, userId: number): void {
  prepared(db, 'DELETE FROM users WHERE id = ? AND activated_at IS NULL').run(userId);
}

export function markUserActivated(db: Db, userId: number, at: number): void {
  prepared(db, 'UPDATE users SET activated_at = ? WHERE id = ? AND activated_at IS NULL').run(at, userId);
}

export function updateUserPassword(db: Db, userId: number, passwordHash: string, at: number): void {
  prepared(db, 'UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?').run(passwordHash, at, userId);
}

export function insertAccountLink(db: Db, link: { user_id: number; account_id: number; is_primary: number; created_at: number }): number {
  const result = prepared(
    db,
    `INSERT INTO account_links (user_id, account_id, is_primary, created_at)
     VALUES (@user_id, @account_id, @is_primary, @created_at)`,
  ).run(link);
  return Number(result.lastInsertRowid);
}

export function listUserLinks(db: Db, userId: number): AccountLinkRow[] {
  return prepared(
    db,
    `SELECT l.id, l.user_id, l.account_id, l.is_primary, l.created_at, a.number, a.address
       FROM account_links l JOIN accounts a ON a.id = l.account_id
      WHERE l.user_id = ? ORDER BY l.is_primary DESC, l.id`,
  ).all(userId) as AccountLinkRow[];
}
