// SQL of История: an account's readings, payments, charges and ledger over a range of periods.
// Every query starts from account_id, so it reads only that account's rows (the WITHOUT ROWID
// tables keep them together; payments has an (account_id, created_at) index). The statements
// are exported so test/ops/query-plans.test.ts can check each one starts from the account.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';
import type { ChargeRow } from '../billing/charges.ts';
import type { ReadingRow } from '../billing/readings.ts';

/** Each statement with sample arguments in the order it takes them. */
export const historyQueries = {
  firstReadingPeriod: 'SELECT min(period) AS period FROM readings WHERE account_id = ?',
  lastReadingPeriod: 'SELECT max(period) AS period FROM readings WHERE account_id = ?',
  firstChargePeriod: 'SELECT min(period) AS period FROM charges WHERE account_id = ?',
  firstPaymentAt: 'SELECT min(created_at) AS at FROM payments WHERE account_id = ?',
  firstLedgerAt: 'SELECT min(at) AS at FROM ledger WHERE account_id = ?',
  readings: `SELECT period, seq, zone, value, submitted_at, source, status, reason, early, rollover
               FROM readings WHERE account_id = ? AND period BETWEEN ? AND ?
              ORDER BY period DESC, seq DESC, zone`,
  payments: `SELECT id, order_number, amount_kopecks, CASE WHEN method = 'sbp' THEN 'sbp' ELSE channel END AS channel, status, masked_pan, created_at, paid_at
               FROM payments WHERE account_id = ? AND created_at >= ? AND created_at < ?
              ORDER BY created_at DESC, id DESC`,
  charges: `SELECT period, basis, kwh, amount_kopecks, source, due_on
              FROM charges WHERE account_id = ? AND period BETWEEN ? AND ?
             ORDER BY period DESC`,
  chargeLines: `SELECT period, zone, band, kwh, kopecks_per_kwh, amount_kopecks
                  FROM charge_lines WHERE account_id = ? AND period BETWEEN ? AND ?
                 ORDER BY period DESC, zone, band`,
  /** Recalculations and reversals belong to a period; payments to the moment the money came. */
  ledgerMoves: `SELECT seq, at, kind, period, amount_kopecks, payment_id, note
                  FROM ledger WHERE account_id = ? AND kind IN ('payment', 'recalculation', 'reversal')
                   AND ((at >= ? AND at < ?) OR period BETWEEN ? AND ?)
                 ORDER BY seq`,
  meterZones: 'SELECT zones FROM meters WHERE account_id = ? ORDER BY removed_on IS NULL DESC, id DESC LIMIT 1',
} as const;

export type HistoryQueryName = keyof typeof historyQueries;

export type HistoryReading = Pick<ReadingRow, 'period' | 'seq' | 'zone' | 'value' | 'submitted_at' | 'source' | 'status' | 'reason' | 'early' | 'rollover'>;

export type HistoryPayment = {
  id: number;
  order_number: string;
  amount_kopecks: number;
  /** How it was paid: 'sbp' for an acquirer's order paid by СБП, else the payment's channel. */
  channel: 'card' | 'sbp' | 'bank' | 'post' | 'office';
  status: 'created' | 'pending' | 'paid' | 'declined' | 'reversed' | 'refunded';
  masked_pan: string | null;
  created_at: number;
  paid_at: number | null;
};

export type HistoryCharge = Pick<ChargeRow, 'period' | 'basis' | 'kwh' | 'amount_kopecks' | 'source' | 'due_on'>;

export type HistoryChargeLine = { period: string; zone: number; band: number; kwh: number; kopecks_per_kwh: number; amount_kopecks: number };

export type HistoryLedgerMove = {
  seq: number;
  at: number;
  kind: 'payment' | 'recalculation' | 'reversal';
  period: string | null;
  amount_kopecks: number;
  payment_id: number | null;
  note: string | null;
};

type Single<T> = { [key: string]: T | null };

/** The earliest and latest trace the account left: periods of readings and charges, first payment and ledger times. */
export function historyExtent(db: Db, accountId: number) {
  const one = <T>(sql: string, key: string) => ((prepared(db, sql).get(accountId) as Single<T> | undefined)?.[key] ?? null) as T | null;
  return {
    firstReadingPeriod: one<string>(historyQueries.firstReadingPeriod, 'period'),
    lastReadingPeriod: one<string>(historyQueries.lastReadingPeriod, 'period'),
    firstChargePeriod: one<string>(historyQueries.firstChargePeriod, 'period'),
    firstPaymentAt: one<number>(historyQueries.firstPaymentAt, 'at'),
    firstLedgerAt: one<number>(historyQueries.firstLedgerAt, 'at'),
  };
}

export function listReadingsBetween(db: Db, accountId: number, fromPeriod: string, toPeriod: string): HistoryReading[] {
  return prepared(db, historyQueries.readings).all(accountId, fromPeriod, toPeriod) as HistoryReading[];
}

/** Payments created in [fromAt, toAt), unix seconds. */
export function listPaymentsBetween(db: Db, accountId: number, fromAt: number, toAt: number): HistoryPayment[] {
  return prepared(db, historyQueries.payments).all(accountId, fromAt, toAt) as HistoryPayment[];
}

export function listChargesBetween(db: Db, accountId: number, fromPeriod: string, toPeriod: string): HistoryCharge[] {
  return prepared(db, historyQueries.charges).all(accountId, fromPeriod, toPeriod) as HistoryCharge[];
}

export function listChargeLinesBetween(db: Db, accountId: number, fromPeriod: string, toPeriod: string): HistoryChargeLine[] {
  return prepared(db, historyQueries.chargeLines).all(accountId, fromPeriod, toPeriod) as HistoryChargeLine[];
}

/** Payments made in [fromAt, toAt) and recalculations or reversals of the periods; the caller sorts them by month. */
export function listLedgerMovesBetween(db: Db, accountId: number, fromAt: number, toAt: number, fromPeriod: string, toPeriod: string): HistoryLedgerMove[] {
  return prepared(db, historyQueries.ledgerMoves).all(accountId, fromAt, toAt, fromPeriod, toPeriod) as HistoryLedgerMove[];
}

export function meterZonesOf(db: Db, accountId: number): 1 | 2 | 3 | null {
  const row = prepared(db, historyQueries.meterZones).get(accountId) as { zones: 1 | 2 | 3 } | undefined;
  return row?.zones ?? null;
}
