// Bulk loading for the demo generator: positional INSERTs prepared once, and the pragmas around a load.
import type { Category } from './accounts/accounts.ts';
import type { Db } from './connection.ts';

export type BulkAccount = { id: number; number: string; holder: string; address: string; category: Category; norm_kwh: number; balance_kopecks: number; created_at: number };
export type BulkMeter = { account_id: number; model: string; serial: string; zones: number; digits: number; installed_on: string; verified_until: string };
export type BulkReading = { period: string; seq: number; zone: number; value: number; submitted_at: number; source: 'customer' | 'billing'; rollover: number };
export type BulkCharge = { period: string; basis: 'readings' | 'average' | 'norm'; kwh: number; amount_kopecks: number; due_on: string; closed_at: number };
export type BulkChargeLine = { period: string; zone: number; band: number; kwh: number; kopecks_per_kwh: number; amount_kopecks: number };
export type BulkPayment = { order_number: string; amount_kopecks: number; channel: 'card' | 'bank' | 'post' | 'office'; masked_pan: string | null; paid_at: number };
export type BulkLedgerEntry = { seq: number; at: number; kind: 'charge' | 'payment' | 'recalculation'; period: string; amount_kopecks: number; payment_id: number | null; note: string | null };

export function countAccounts(db: Db): number {
  return (db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n;
}

/**
 * Durability, foreign keys and CHECKs off (an IN (...) check costs microseconds a row) and a big
 * page cache while loading; call endBulkLoad afterwards. The generator's test runs quick_check
 * and foreign_key_check over what it writes.
 */
export function beginBulkLoad(db: Db): void {
  db.pragma('foreign_keys = OFF');
  db.pragma('ignore_check_constraints = ON');
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -262144');
  db.pragma('temp_store = MEMORY');
}

export function endBulkLoad(db: Db): void {
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  db.pragma('ignore_check_constraints = OFF');
  db.pragma('cache_size = -2000');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

export function bulkInserters(db: Db) {
  const account = db.prepare(
    `INSERT INTO accounts (id, number, holder, address, category, norm_kwh, balance_kopecks, created_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  const meter = db.prepare(
    `INSERT INTO meters (account_id, model, serial, zones, digits, installed_on, verified_until)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const reading = db.prepare(
    `INSERT INTO readings (account_id, period, seq, zone, meter_id, value, submitted_at, source, status, rollover)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?)`,
  );
  const charge = db.prepare(
    `INSERT INTO charges (account_id, period, basis, kwh, amount_kopecks, source, due_on, closed_at)
     VALUES (?, ?, ?, ?, ?, 'computed', ?, ?)`,
  );
  const chargeLine = db.prepare(
    `INSERT INTO charge_lines (account_id, period, zone, band, kwh, kopecks_per_kwh, amount_kopecks)
     VALUES (?, ?, ?, ?, ?, ?, ?)`,
  );
  const payment = db.prepare(
    `INSERT INTO payments (account_id, order_number, amount_kopecks, channel, status, masked_pan, created_at, paid_at, updated_at)
     VALUES (?, ?, ?, ?, 'paid', ?, ?, ?, ?)`,
  );
  const ledger = db.prepare(
    `INSERT INTO ledger (account_id, seq, at, kind, period, amount_kopecks, payment_id, note)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  return {
    account(a: BulkAccount): void {
      account.run(a.id, a.number, a.holder, a.address, a.category, a.norm_kwh, a.balance_kopecks, a.created_at);
    },
    meter(m: BulkMeter): number {
      return Number(meter.run(m.account_id, m.model, m.serial, m.zones, m.digits, m.installed_on, m.verified_until).lastInsertRowid);
    },
    reading(accountId: number, meterId: number, r: BulkReading): void {
      reading.run(accountId, r.period, r.seq, r.zone, meterId, r.value, r.submitted_at, r.source, r.rollover);
    },
    charge(accountId: number, c: BulkCharge): void {
      charge.run(accountId, c.period, c.basis, c.kwh, c.amount_kopecks, c.due_on, c.closed_at);
    },
    chargeLine(accountId: number, l: BulkChargeLine): void {
      chargeLine.run(accountId, l.period, l.zone, l.band, l.kwh, l.kopecks_per_kwh, l.amount_kopecks);
    },
    payment(accountId: number, p: BulkPayment): number {
      return Number(payment.run(accountId, p.order_number, p.amount_kopecks, p.channel, p.masked_pan, p.paid_at, p.paid_at, p.paid_at).lastInsertRowid);
    },
    ledger(accountId: number, e: BulkLedgerEntry): void {
      ledger.run(accountId, e.seq, e.at, e.kind, e.period, e.amount_kopecks, e.payment_id, e.note);
    },
  };
}
