// SQL of Настройки: contact details, delivery choices, links, sessions and closing a cabinet.
import type { Db } from './connection.ts';
import { prepared } from './prepared.ts';
import type { SessionRow } from './sessions.ts';

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

/** Closing a cabinet: the user row goes, and with it (ON DELETE CASCADE) links, sessions, codes. */
export function deleteUser(db: Db, userId: number): boolean {
  prepared(db, 'DELETE FROM account_links WHERE user_id = ?').run(userId);
  prepared(db, 'DELETE FROM sessions WHERE user_id = ?').run(userId);
  prepared(db, 'DELETE FROM one_time_codes WHERE user_id = ?').run(userId);
  return prepared(db, 'DELETE FROM users WHERE id = ?').run(userId).changes === 1;
}

/** Accepted readings of a period range, for the billing side. */
export function listAcceptedReadings(db: Db, fromPeriod: string, toPeriod: string) {
  return prepared(
    db,
    `SELECT a.number, r.period, r.zone, r.value, r.submitted_at, r.source, m.serial
       FROM readings r JOIN accounts a ON a.id = r.account_id JOIN meters m ON m.id = r.meter_id
      WHERE r.status = 'accepted' AND r.period BETWEEN ? AND ?
      ORDER BY a.number, r.period, r.seq, r.zone`,
  ).iterate(fromPeriod, toPeriod) as IterableIterator<{ number: string; period: string; zone: number; value: number; submitted_at: number; source: string; serial: string }>;
}

export function listDeliveryChoices(db: Db) {
  return prepared(
    db,
    `SELECT number, email_delivery, paper_refused_at FROM accounts
      WHERE email_delivery = 1 OR paper_refused_at IS NOT NULL ORDER BY number`,
  ).iterate() as IterableIterator<{ number: string; email_delivery: number; paper_refused_at: number | null }>;
}
