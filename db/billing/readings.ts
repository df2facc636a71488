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

/** The newest accepted reading per zone of a meter, from periods before `beforePeriod`. */
export function lastAcceptedReadings(db: Db, accountId: number, meterId: number, beforePeriod: string): ReadingRow[] {
  return prepared(
    db,
    `SELECT ${readingColumns} FROM readings r
      WHERE account_id = ? AND period < ? AND meter_id = ? AND status = 'accepted'
        AND seq = (SELECT max(seq) FROM readings x
                    WHERE x.account_id = r.account_id AND x.period < ? AND x.meter_id = r.meter_id
                      AND x.zone = r.zone AND x.status = 'accepted')
      ORDER BY zone`,
  ).all(accountId, beforePeriod, meterId, beforePeriod) as ReadingRow[];
}

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

/** Marks the period's earlier live submissions as replaced by a newer one. */
export function markReadingsReplaced(db: Db, accountId: number, period: string, bySeq: number): number {
  return prepared(
    db,
    `UPDATE readings SET status = 'replaced', reason = ?
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

/** Readings waiting for an operator (flagged) and those refused, oldest first. */
export function listReadingsForReview(db: Db, status: 'review' | 'rejected', limit: number): ReviewItem[] {
  return prepared(
    db,
    `SELECT r.account_id, r.period, r.seq, r.zone, r.meter_id, r.value, r.submitted_at, r.source, r.status, r.reason,
            r.early, r.rollover, r.user_id, a.number, a.address, a.holder
       FROM readings r JOIN accounts a ON a.id = r.account_id
      WHERE r.status = ? ORDER BY r.submitted_at, r.account_id, r.seq, r.zone LIMIT ?`,
  ).all(status, limit) as ReviewItem[];
}

export function recentReadings(db: Db, accountId: number, limit: number): ReadingRow[] {
  return prepared(db, `SELECT ${readingColumns} FROM readings WHERE account_id = ? ORDER BY period DESC, seq DESC, zone LIMIT ?`).all(
    accountId,
    limit,
  ) as ReadingRow[];
}

export function setSubmissionStatus(db: Db, accountId: number, seq: number, from: ReadingStatus, to: ReadingStatus, reason: string | null): number {
  return prepared(db, 'UPDATE readings SET status = ?, reason = ? WHERE account_id = ? AND seq = ? AND status = ?').run(to, reason, accountId, seq, from).changes;
}
