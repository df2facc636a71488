// SQL of bills: what a period's bill reads (charge, lines, ledger, readings) and the PDF cache and mailing log.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';
import type { ChargeRow } from '../billing/charges.ts';
import type { LedgerKind } from '../billing/monthly-close.ts';

export type LedgerRow = { seq: number; at: number; kind: LedgerKind; period: string | null; amount_kopecks: number; note: string | null };

export function getCharge(db: Db, accountId: number, period: string): ChargeRow | undefined {
  return prepared(
    db,
    'SELECT account_id, period, basis, kwh, amount_kopecks, source, due_on, closed_at FROM charges WHERE account_id = ? AND period = ?',
  ).get(accountId, period) as ChargeRow | undefined;
}

/** The balance before the period: every entry booked to an earlier period (or to none, as an opening entry). */
export function ledgerSumBeforePeriod(db: Db, accountId: number, period: string): number {
  return (
    prepared(db, 'SELECT coalesce(sum(amount_kopecks), 0) AS s FROM ledger WHERE account_id = ? AND (period IS NULL OR period < ?)').get(
      accountId,
      period,
    ) as { s: number }
  ).s;
}

export function listLedgerOfPeriod(db: Db, accountId: number, period: string): LedgerRow[] {
  return prepared(
    db,
    'SELECT seq, at, kind, period, amount_kopecks, note FROM ledger WHERE account_id = ? AND period = ? ORDER BY seq',
  ).all(accountId, period) as LedgerRow[];
}

/** The accepted reading of a period, per zone: the latest submission's values and when it was given. */
export function acceptedSubmissionOfPeriod(db: Db, accountId: number, meterId: number, period: string): { zone: number; value: number; submitted_at: number }[] {
  return prepared(
    db,
    `SELECT zone, value, submitted_at FROM readings
      WHERE account_id = ? AND period = ? AND meter_id = ? AND status = 'accepted'
        AND seq = (SELECT max(seq) FROM readings WHERE account_id = ? AND period = ? AND meter_id = ? AND status = 'accepted')
      ORDER BY zone`,
  ).all(accountId, period, meterId, accountId, period, meterId) as { zone: number; value: number; submitted_at: number }[];
}

/** The latest period before `beforePeriod` with an accepted reading of the meter. */
export function previousAcceptedPeriod(db: Db, accountId: number, meterId: number, beforePeriod: string): string | null {
  return (
    prepared(
      db,
      "SELECT max(period) AS period FROM readings WHERE account_id = ? AND meter_id = ? AND period < ? AND status = 'accepted'",
    ).get(accountId, meterId, beforePeriod) as { period: string | null }
  ).period;
}

export function getCachedBillPdf(db: Db, accountId: number, period: string): { fingerprint: string; pdf: Buffer } | undefined {
  return prepared(db, 'SELECT fingerprint, pdf FROM bill_pdfs WHERE account_id = ? AND period = ?').get(accountId, period) as
    | { fingerprint: string; pdf: Buffer }
    | undefined;
}

export function putCachedBillPdf(db: Db, row: { account_id: number; period: string; fingerprint: string; pdf: Buffer; created_at: number }): void {
  prepared(
    db,
    `INSERT INTO bill_pdfs (account_id, period, fingerprint, pdf, created_at) VALUES (@account_id, @period, @fingerprint, @pdf, @created_at)
     ON CONFLICT (account_id, period) DO UPDATE SET fingerprint = excluded.fingerprint, pdf = excluded.pdf, created_at = excluded.created_at`,
  ).run(row);
}

export type BillRecipient = { account_id: number; number: string; email: string };

/**
 * Accounts charged for the period whose primary user chose bills by e-mail and has no mailing yet
 * for it, in id order after `afterId` (the job pages through them in chunks).
 */
export function listBillRecipients(db: Db, period: string, afterId: number, limit: number): BillRecipient[] {
  return prepared(
    db,
    `SELECT a.id AS account_id, a.number, u.email
       FROM accounts a
       JOIN charges c ON c.account_id = a.id AND c.period = ?
       JOIN users u ON u.account_id = a.id AND u.activated_at IS NOT NULL AND u.email <> ''
      WHERE a.email_delivery = 1 AND a.id > ?
        AND NOT EXISTS (SELECT 1 FROM bill_mailings m WHERE m.account_id = a.id AND m.period = ?)
      ORDER BY a.id LIMIT ?`,
  ).all(period, afterId, period, limit) as BillRecipient[];
}

export function insertBillMailing(db: Db, row: { account_id: number; period: string; outbox_id: number | null; to_address: string; created_at: number }): boolean {
  return (
    prepared(
      db,
      `INSERT INTO bill_mailings (account_id, period, outbox_id, to_address, created_at) VALUES (@account_id, @period, @outbox_id, @to_address, @created_at)
       ON CONFLICT DO NOTHING`,
    ).run(row).changes === 1
  );
}
