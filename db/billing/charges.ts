import type { Db } from '../connection.ts';

/** How a month's volume was found: from readings, by the average, or by the norm. */
export type Basis = 'readings' | 'average' | 'norm';

/** One line of a charge: a zone's volume in one band at that band's price. */
export type ChargeLine = { zone: number; band: number; kwh: number; kopecks_per_kwh: number; amount_kopecks: number };
import { prepared } from '../prepared.ts';

export type ChargeRow = {
  account_id: number;
  period: string;
  basis: 'readings' | 'average' | 'norm';
  kwh: number;
  amount_kopecks: number;
  source: 'computed' | 'imported';
  due_on: string;
  closed_at: number;
};

const chargeColumns = 'account_id, period, basis, kwh, amount_kopecks, source, due_on, closed_at';

export function latestCharge(db: Db, accountId: number): ChargeRow | undefined {
  return prepared(db, `SELECT ${chargeColumns} FROM charges WHERE account_id = ? ORDER BY period DESC LIMIT 1`).get(accountId) as
    | ChargeRow
    | undefined;
}

/** The account's last `limit` charged volumes, newest first. */
export function recentChargeVolumes(db: Db, accountId: number, limit: number): { period: string; kwh: number }[] {
  return prepared(db, 'SELECT period, kwh FROM charges WHERE account_id = ? ORDER BY period DESC LIMIT ?').all(accountId, limit) as {
    period: string;
    kwh: number;
  }[];
}

/** The charged volumes of these three periods that exist (the same month of three years): three key seeks in one statement. */
export function chargeVolumesOf(db: Db, accountId: number, periods: [string, string, string]): number[] {
  return prepared(db, 'SELECT kwh FROM charges WHERE account_id = ? AND period IN (?, ?, ?)').pluck().all(accountId, ...periods) as number[];
}

/** A period's charge lines in key order. */
export function listChargeLines(db: Db, accountId: number, period: string): ChargeLine[] {
  return prepared(db, 'SELECT zone, band, kwh, kopecks_per_kwh, amount_kopecks FROM charge_lines WHERE account_id = ? AND period = ? ORDER BY zone, band').all(accountId, period) as ChargeLine[];
}

export function insertChargeLines(db: Db, accountId: number, period: string, lines: ChargeLine[]): void {
  const insert = prepared(db, 'INSERT INTO charge_lines (account_id, period, zone, band, kwh, kopecks_per_kwh, amount_kopecks) VALUES (?, ?, ?, ?, ?, ?, ?)');
  for (const line of lines) insert.run(accountId, period, line.zone, line.band, line.kwh, line.kopecks_per_kwh, line.amount_kopecks);
}
