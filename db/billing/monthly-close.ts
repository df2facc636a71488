// SQL of the monthly close: what it reads about an account's past, and the rows it writes.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';
import { insertChargeLines, type Basis, type ChargeLine } from './charges.ts';

/** A closed month of an account's past as the monthly close reads it. */
export type PastMonth = { period: string; basis: Basis; zoneKwh: number[] };

export function listAccountIdsAfter(db: Db, afterId: number, limit: number): number[] {
  return (prepared(db, 'SELECT id FROM accounts WHERE id > ? ORDER BY id LIMIT ?').all(afterId, limit) as { id: number }[]).map((row) => row.id);
}

/** Charged months before `beforePeriod`, newest first, with kWh per zone. */
export function chargeHistory(db: Db, accountId: number, beforePeriod: string, limit: number): PastMonth[] {
  const charges = prepared(
    db,
    'SELECT period, basis FROM charges WHERE account_id = ? AND period < ? ORDER BY period DESC LIMIT ?',
  ).all(accountId, beforePeriod, limit) as { period: string; basis: Basis }[];
  if (charges.length === 0) return [];
  const lines = prepared(
    db,
    `SELECT period, zone, sum(kwh) AS kwh FROM charge_lines
      WHERE account_id = ? AND period >= ? AND period < ? GROUP BY period, zone`,
  ).all(accountId, charges[charges.length - 1].period, beforePeriod) as { period: string; zone: number; kwh: number }[];
  return charges.map((charge) => {
    const zoneKwh: number[] = [];
    for (const line of lines) if (line.period === charge.period) zoneKwh[line.zone - 1] = line.kwh;
    return { period: charge.period, basis: charge.basis, zoneKwh: Array.from(zoneKwh, (kwh) => kwh ?? 0) };
  });
}

/** The latest accepted submission of a period, per zone. */
export function acceptedReadingOfPeriod(db: Db, accountId: number, meterId: number, period: string): number[] | null {
  const rows = prepared(
    db,
    `SELECT zone, value FROM readings
      WHERE account_id = ? AND period = ? AND meter_id = ? AND status = 'accepted'
        AND seq = (SELECT max(seq) FROM readings WHERE account_id = ? AND period = ? AND meter_id = ? AND status = 'accepted')
      ORDER BY zone`,
  ).all(accountId, period, meterId, accountId, period, meterId) as { zone: number; value: number }[];
  return rows.length === 0 ? null : rows.map((row) => row.value);
}

/** The reading charges were last reconciled with: that of the latest month charged by readings. */
export function reconciledBasePeriod(db: Db, accountId: number, beforePeriod: string): string | null {
  const row = prepared(
    db,
    "SELECT max(period) AS period FROM charges WHERE account_id = ? AND period < ? AND basis = 'readings'",
  ).get(accountId, beforePeriod) as { period: string | null };
  return row.period;
}

export function earliestAcceptedPeriod(db: Db, accountId: number, meterId: number, beforePeriod: string): string | null {
  const row = prepared(
    db,
    "SELECT min(period) AS period FROM readings WHERE account_id = ? AND meter_id = ? AND period < ? AND status = 'accepted'",
  ).get(accountId, meterId, beforePeriod) as { period: string | null };
  return row.period;
}

export function insertCharge(
  db: Db,
  charge: { account_id: number; period: string; basis: Basis; kwh: number; amount_kopecks: number; source: 'computed' | 'imported'; due_on: string; closed_at: number },
  lines: ChargeLine[],
): void {
  prepared(
    db,
    `INSERT INTO charges (account_id, period, basis, kwh, amount_kopecks, source, due_on, closed_at)
     VALUES (@account_id, @period, @basis, @kwh, @amount_kopecks, @source, @due_on, @closed_at)`,
  ).run(charge);
  insertChargeLines(db, charge.account_id, charge.period, lines);
}

export type LedgerKind = 'opening' | 'charge' | 'payment' | 'recalculation' | 'reversal';

/** Appends a ledger entry and moves the cached balance with it (call inside a transaction). */
export function appendLedgerEntry(
  db: Db,
  entry: { account_id: number; at: number; kind: LedgerKind; period: string | null; amount_kopecks: number; payment_id: number | null; note: string | null },
): void {
  prepared(
    db,
    `INSERT INTO ledger (account_id, seq, at, kind, period, amount_kopecks, payment_id, note)
     VALUES (@account_id, (SELECT coalesce(max(seq), 0) + 1 FROM ledger WHERE account_id = @account_id), @at, @kind, @period, @amount_kopecks, @payment_id, @note)`,
  ).run(entry);
  prepared(db, 'UPDATE accounts SET balance_kopecks = balance_kopecks + ? WHERE id = ?').run(entry.amount_kopecks, entry.account_id);
}

export function ledgerSum(db: Db, accountId: number): number {
  return (prepared(db, 'SELECT coalesce(sum(amount_kopecks), 0) AS s FROM ledger WHERE account_id = ?').get(accountId) as { s: number }).s;
}
