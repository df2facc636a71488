import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type ReadingStatus = 'accepted' | 'review' | 'rejected' | 'replaced';
export type ReadingSource = 'customer' | 'operator' | 'billing';

export type ReadingRow = {
  account_id: number;
  period: string;
  seq: number;
  zone: number;
  meter_id: number;
  value: number;
  submitted_at: number;
  source: ReadingSource;
  status: ReadingStatus;
  reason: string | null;
  early: number;
  rollover: number;
  user_id: number | null;
};

const readingColumns = 'account_id, period, seq, zone, meter_id, value, submitted_at, source, status, reason, early, rollover, user_id';

/**
 * The newest accepted reading of a zone of a meter, from periods before `before_period`: by
 * submission number, not by period. readings_last_accepted holds that order, so this is one seek
 * plus a step over the zone's few accepted rows of later periods, and it covers the key. Without
 * ANALYZE statistics (the app does not run it) the planner would rather take the primary key's
 * range over every earlier period, hence INDEXED BY: it also makes dropping the index an error
 * instead of a slow page.
 */
const newestAcceptedKey = `SELECT account_id, period, seq, zone FROM readings INDEXED BY readings_last_accepted
  WHERE account_id = @account_id AND meter_id = @meter_id AND status = 'accepted' AND period < @before_period`;
const newestFirst = 'ORDER BY seq DESC, period DESC LIMIT 1';

/**
 * Every zone a meter can have (the table's CHECK) in one statement: per zone the key's seek above,
 * then the row by its primary key (a zone the meter lacks, or without a reading, is an empty seek
 * and no row). UNION ALL yields its parts in order, so the rows come in zone order.
 */
const lastAccepted = `SELECT ${readingColumns} FROM readings WHERE (account_id, period, seq, zone) = (${newestAcceptedKey} AND zone = 1 ${newestFirst})
  UNION ALL SELECT ${readingColumns} FROM readings WHERE (account_id, period, seq, zone) = (${newestAcceptedKey} AND zone = 2 ${newestFirst})
  UNION ALL SELECT ${readingColumns} FROM readings WHERE (account_id, period, seq, zone) = (${newestAcceptedKey} AND zone = 3 ${newestFirst})`;

/** The newest accepted reading per zone of a meter, from periods before `beforePeriod`, in zone order. */
export function lastAcceptedReadings(db: Db, accountId: number, meterId: number, beforePeriod: string): ReadingRow[] {
  return prepared(db, lastAccepted).all({ account_id: accountId, meter_id: meterId, before_period: beforePeriod }) as ReadingRow[];
}

/** One more than the account's last submission number (readings_by_seq: the last entry of the account's range). */
export function nextReadingSeq(db: Db, accountId: number): number {
  const row = prepared(db, 'SELECT max(seq) AS seq FROM readings WHERE account_id = ?').get(accountId) as { seq: number | null };
  return (row.seq ?? 0) + 1;
}

export function insertReading(db: Db, reading: ReadingRow): void {
  prepared(
    db,
    `INSERT INTO readings (${readingColumns})
     VALUES (@account_id, @period, @seq, @zone, @meter_id, @value, @submitted_at, @source, @status, @reason, @early, @rollover, @user_id)`,
  ).run(reading);
}

/** Marks the period's earlier live submissions as replaced by a newer one (readings_live_by_period: only those are read). */
export function markReadingsReplaced(db: Db, accountId: number, period: string, bySeq: number): number {
  return prepared(
    db,
    `UPDATE readings INDEXED BY readings_live_by_period SET status = 'replaced', reason = ?
      WHERE account_id = ? AND period = ? AND seq < ? AND status IN ('accepted', 'review')`,
  ).run(`Заменено показаниями, переданными позже (№ ${bySeq})`, accountId, period, bySeq).changes;
}

export function getSubmission(db: Db, accountId: number, seq: number): ReadingRow[] {
  return prepared(db, `SELECT ${readingColumns} FROM readings WHERE account_id = ? AND seq = ? ORDER BY zone`).all(accountId, seq) as ReadingRow[];
}

export function isPeriodClosed(db: Db, accountId: number, period: string): boolean {
  return prepared(db, 'SELECT 1 FROM charges WHERE account_id = ? AND period = ?').get(accountId, period) !== undefined;
}

export function latestClosedPeriod(db: Db, accountId: number): string | null {
  const row = prepared(db, 'SELECT max(period) AS period FROM charges WHERE account_id = ?').get(accountId) as { period: string | null };
  return row.period;
}

export type ReviewItem = ReadingRow & { number: string; address: string; holder: string };

/**
 * Readings waiting for an operator (flagged) and those refused, oldest first. The repeated
 * `status IN (…)` is the condition of the partial index readings_for_review: SQLite uses a partial
 * index only when the query states its condition, and `status = ?` alone does not.
 */
export function listReadingsForReview(db: Db, status: 'review' | 'rejected', limit: number): ReviewItem[] {
  return prepared(
    db,
    `SELECT r.account_id, r.period, r.seq, r.zone, r.meter_id, r.value, r.submitted_at, r.source, r.status, r.reason,
            r.early, r.rollover, r.user_id, a.number, a.address, a.holder
       FROM readings r JOIN accounts a ON a.id = r.account_id
      WHERE r.status = ? AND r.status IN ('review', 'rejected')
      ORDER BY r.submitted_at, r.account_id, r.seq, r.zone LIMIT ?`,
  ).all(status, limit) as ReviewItem[];
}

export function recentReadings(db: Db, accountId: number, limit: number): ReadingRow[] {
  return prepared(db, `SELECT ${readingColumns} FROM readings WHERE account_id = ? ORDER BY period DESC, seq DESC, zone LIMIT ?`).all(
    accountId,
    limit,
  ) as ReadingRow[];
}

/** An operator's decision on a submission; INDEXED BY for the reason given at newestAcceptedKey. */
export function setSubmissionStatus(db: Db, accountId: number, seq: number, from: ReadingStatus, to: ReadingStatus, reason: string | null): number {
  const sql = 'UPDATE readings INDEXED BY readings_by_seq SET status = ?, reason = ? WHERE account_id = ? AND seq = ? AND status = ?';
  return prepared(db, sql).run(to, reason, accountId, seq, from).changes;
}
