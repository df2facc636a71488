// SQL of notices by e-mail: who gets a reading reminder, the log of notices sent, the customer's choices.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type NoticeKind = 'reading-opened' | 'reading-closing' | 'debt';

/** What the one-click unsubscribe can switch off. */
export type NoticeList = 'readings' | 'debt';

/** Who a notice goes to: the account, its registered user (for the unsubscribe link) and their primary link. */
export type NoticeRecipient = {
  account_id: number;
  number: string;
  user_id: number;
  user_created_at: number;
  email: string;
  link_id: number;
};

export type ReminderRecipient = NoticeRecipient & { meter_id: number; zones: 1 | 2 | 3 };

/**
 * Accounts with a meter whose registered user (activated, with an address) wants reading
 * reminders, with no live reading for the period (accepted or waiting for an operator: a
 * rejected one still needs a new one) and no notice of this kind yet, in account order after
 * `afterAccountId` (the job pages through them). Driven by users, who are far fewer than
 * accounts: CROSS JOIN keeps them the outer loop, in the order of their account_id index.
 */
export function listReminderRecipients(db: Db, period: string, kind: NoticeKind, afterAccountId: number, limit: number): ReminderRecipient[] {
  return prepared(
    db,
    `SELECT u.account_id, a.number, u.id AS user_id, u.created_at AS user_created_at, u.email, l.id AS link_id, m.id AS meter_id, m.zones
       FROM users u
       CROSS JOIN accounts a ON a.id = u.account_id
       JOIN meters m ON m.account_id = u.account_id AND m.removed_on IS NULL
       JOIN account_links l ON l.user_id = u.id AND l.is_primary = 1
      WHERE u.account_id > ? AND u.activated_at IS NOT NULL AND u.email <> '' AND u.reading_reminders = 1
        AND NOT EXISTS (SELECT 1 FROM readings r WHERE r.account_id = u.account_id AND r.period = ? AND r.status IN ('accepted', 'review'))
        AND NOT EXISTS (SELECT 1 FROM notice_mailings n WHERE n.account_id = u.account_id AND n.period = ? AND n.kind = ?)
      ORDER BY u.account_id LIMIT ?`,
  ).all(afterAccountId, period, period, kind, limit) as ReminderRecipient[];
}

export function insertNoticeMailing(
  db: Db,
  row: { account_id: number; period: string; kind: NoticeKind; outbox_id: number | null; to_address: string; created_at: number },
): boolean {
  return (
    prepared(
      db,
      `INSERT INTO notice_mailings (account_id, period, kind, outbox_id, to_address, created_at)
       VALUES (@account_id, @period, @kind, @outbox_id, @to_address, @created_at) ON CONFLICT DO NOTHING`,
    ).run(row).changes === 1
  );
}

export type NoticeChoices = { id: number; created_at: number; reading_reminders: number; debt_notices: number };

export function getNoticeChoices(db: Db, userId: number): NoticeChoices | undefined {
  return prepared(db, 'SELECT id, created_at, reading_reminders, debt_notices FROM users WHERE id = ?').get(userId) as NoticeChoices | undefined;
}

export function updateReadingReminders(db: Db, userId: number, on: boolean): boolean {
  return prepared(db, 'UPDATE users SET reading_reminders = ? WHERE id = ?').run(on ? 1 : 0, userId).changes === 1;
}

export function updateDebtNotices(db: Db, userId: number, on: boolean): boolean {
  return prepared(db, 'UPDATE users SET debt_notices = ? WHERE id = ?').run(on ? 1 : 0, userId).changes === 1;
}

export type DebtCandidate = NoticeRecipient & {
  balance_kopecks: number;
  /** The charges not yet due (due on or after the day asked about): the balance beyond them is overdue. */
  not_due_kopecks: number;
};

/**
 * Accounts owing money with bills by e-mail whose registered user (activated, with an address)
 * wants debt notices and has had none for `period`, with the sum of their charges not yet due
 * (due on or after `today`), in account order after `afterAccountId` (the job pages through them).
 */
export function listDebtCandidates(db: Db, period: string, today: string, afterAccountId: number, limit: number): DebtCandidate[] {
  return prepared(
    db,
    `SELECT u.account_id, a.number, u.id AS user_id, u.created_at AS user_created_at, u.email, l.id AS link_id, a.balance_kopecks,
            coalesce((SELECT sum(c.amount_kopecks) FROM charges c WHERE c.account_id = u.account_id AND c.due_on >= ?), 0) AS not_due_kopecks
       FROM users u
       CROSS JOIN accounts a ON a.id = u.account_id
       JOIN account_links l ON l.user_id = u.id AND l.is_primary = 1
      WHERE u.account_id > ? AND u.activated_at IS NOT NULL AND u.email <> '' AND u.debt_notices = 1
        AND a.email_delivery = 1 AND a.balance_kopecks > 0
        AND NOT EXISTS (SELECT 1 FROM notice_mailings n WHERE n.account_id = u.account_id AND n.period = ? AND n.kind = 'debt')
      ORDER BY u.account_id LIMIT ?`,
  ).all(today, afterAccountId, period, limit) as DebtCandidate[];
}
