// SQL of Настройки: contact details, delivery choices, links, sessions and closing a cabinet.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';
import type { SessionRow } from '../auth/sessions.ts';

export function updateUserEmail(db: Db, userId: number, email: string): void {
  prepared(db, 'UPDATE users SET email = ? WHERE id = ?').run(email, userId);
}

export function updateUserPhone(db: Db, userId: number, phone: string): void {
  prepared(db, 'UPDATE users SET phone = ? WHERE id = ?').run(phone, userId);
}

/** Whether another user (activated or not) has this address; compared case-insensitively. */
export function emailUsedByOtherUser(db: Db, userId: number, email: string): boolean {
  return prepared(db, 'SELECT 1 FROM users WHERE lower(email) = lower(?) AND id <> ? LIMIT 1').get(email, userId) !== undefined;
}

export function updateAccountDelivery(db: Db, accountId: number, emailDelivery: boolean, paperRefusedAt: number | null): void {
  prepared(db, 'UPDATE accounts SET email_delivery = ?, paper_refused_at = ? WHERE id = ?').run(emailDelivery ? 1 : 0, paperRefusedAt, accountId);
}

export function deleteAccountLink(db: Db, userId: number, linkId: number): boolean {
  return prepared(db, 'DELETE FROM account_links WHERE id = ? AND user_id = ? AND is_primary = 0').run(linkId, userId).changes === 1;
}

export function listUserSessions(db: Db, userId: number): SessionRow[] {
  return prepared(db, 'SELECT id, user_id, created_at, last_seen_at, user_agent, ip FROM sessions WHERE user_id = ? ORDER BY last_seen_at DESC').all(
    userId,
  ) as SessionRow[];
}

export function deleteOtherSessions(db: Db, userId: number, keepId: string): number {
  return prepared(db, 'DELETE FROM sessions WHERE user_id = ? AND id <> ?').run(userId, keepId).changes;
}

export function deleteUserSession(db: Db, userId: number, sessionId: string): boolean {
  return prepared(db, 'DELETE FROM sessions WHERE id = ? AND user_id = ?').run(sessionId, userId).changes === 1;
}

/** Closing a cabinet: the user row goes, and with it (ON DELETE CASCADE) links, sessions, codes. */
export function deleteUser(db: Db, userId: number): boolean {
  prepared(db, 'DELETE FROM account_links WHERE user_id = ?').run(userId);
  prepared(db, 'DELETE FROM sessions WHERE user_id = ?').run(userId);
  prepared(db, 'DELETE FROM one_time_codes WHERE user_id = ?').run(userId);
  return prepared(db, 'DELETE FROM users WHERE id = ?').run(userId).changes === 1;
}

