// SQL of the billing exchange: upserts by natural keys for the import, and the export queries.
import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';
import { insertChargeLines, type ChargeLine } from './charges.ts';

export function getAccountIdByNumber(db: Db, number: string): number | undefined {
  return (prepared(db, 'SELECT id FROM accounts WHERE number = ?').get(number) as { id: number } | undefined)?.id;
}

export function upsertAccount(db: Db, row: { number: string; holder: string; address: string; category: string; norm_kwh: number; created_at: number }): 'inserted' | 'updated' | 'unchanged' {
  const existing = prepared(db, 'SELECT id, holder, address, category, norm_kwh FROM accounts WHERE number = ?').get(row.number) as
    | { id: number; holder: string; address: string; category: string; norm_kwh: number }
    | undefined;
  if (!existing) {
    prepared(db, 'INSERT INTO accounts (number, holder, address, category, norm_kwh, created_at) VALUES (@number, @holder, @address, @category, @norm_kwh, @created_at)').run(row);
    return 'inserted';
  }
  if (existing.holder === row.holder && existing.address === row.address && existing.category === row.category && existing.norm_kwh === row.norm_kwh) return 'unchanged';
  prepared(db, 'UPDATE accounts SET holder = ?, address = ?, category = ?, norm_kwh = ? WHERE id = ?').run(row.holder, row.address, row.category, row.norm_kwh, existing.id);
  return 'updated';
}

type MeterRow = { account_id: number; serial: string; model: string; zones: number; digits: number; installed_on: string; verified_until: string };

/** The meter (account, serial) is created or updated; another active meter of the account is removed as of installed_on. */
export function upsertMeter(db: Db, row: MeterRow): 'inserted' | 'updated' | 'unchanged' {
  const existing = prepared(db, 'SELECT id, model, zones, digits, installed_on, verified_until, removed_on FROM meters WHERE account_id = ? AND serial = ? ORDER BY id DESC LIMIT 1').get(
    row.account_id,
    row.serial,
  ) as { id: number; model: string; zones: number; digits: number; installed_on: string; verified_until: string; removed_on: string | null } | undefined;
  if (existing && existing.removed_on === null && existing.model === row.model && existing.zones === row.zones && existing.digits === row.digits && existing.installed_on === row.installed_on && existing.verified_until === row.verified_until) {
    return 'unchanged';
  }
  prepared(db, 'UPDATE meters SET removed_on = ? WHERE account_id = ? AND removed_on IS NULL AND serial <> ?').run(row.installed_on, row.account_id, row.serial);
  if (existing) {
    prepared(db, 'UPDATE meters SET model = ?, zones = ?, digits = ?, installed_on = ?, verified_until = ?, removed_on = NULL WHERE id = ?').run(
      row.model, row.zones, row.digits, row.installed_on, row.verified_until, existing.id,
    );
    return 'updated';
  }
  prepared(db, 'INSERT INTO meters (account_id, model, serial, zones, digits, installed_on, verified_until) VALUES (@account_id, @model, @serial, @zones, @digits, @installed_on, @verified_until)').run(row);
  return 'inserted';
}

type TariffRow = { category: string; zones: number; zone: number; band_from_kwh: number; band_to_kwh: number | null; valid_from: string; valid_to: string | null; kopecks_per_kwh: number };

export function upsertTariff(db: Db, row: TariffRow): 'inserted' | 'updated' | 'unchanged' {
  const existing = prepared(db, 'SELECT id, band_to_kwh, valid_to, kopecks_per_kwh FROM tariffs WHERE category = ? AND zones = ? AND zone = ? AND band_from_kwh = ? AND valid_from = ?').get(
    row.category, row.zones, row.zone, row.band_from_kwh, row.valid_from,
  ) as { id: number; band_to_kwh: number | null; valid_to: string | null; kopecks_per_kwh: number } | undefined;
  if (!existing) {
    prepared(db, 'INSERT INTO tariffs (category, zones, zone, band_from_kwh, band_to_kwh, valid_from, valid_to, kopecks_per_kwh) VALUES (@category, @zones, @zone, @band_from_kwh, @band_to_kwh, @valid_from, @valid_to, @kopecks_per_kwh)').run(row);
    return 'inserted';
  }
  if (existing.band_to_kwh === row.band_to_kwh && existing.valid_to === row.valid_to && existing.kopecks_per_kwh === row.kopecks_per_kwh) return 'unchanged';
  prepared(db, 'UPDATE tariffs SET band_to_kwh = ?, valid_to = ?, kopecks_per_kwh = ? WHERE id = ?').run(row.band_to_kwh, row.valid_to, row.kopecks_per_kwh, existing.id);
  return 'updated';
}

export function getCharge(db: Db, accountId: number, period: string): { amount_kopecks: number; source: string; basis: string; kwh: number; due_on: string } | undefined {
  return prepared(db, 'SELECT amount_kopecks, source, basis, kwh, due_on FROM charges WHERE account_id = ? AND period = ?').get(accountId, period) as
    | { amount_kopecks: number; source: string; basis: string; kwh: number; due_on: string }
    | undefined;
}

/** Replaces a period's charge by the imported one: its lines go and the file's (if it had any) come; the billing side's figure wins. */
export function replaceChargeWithImported(db: Db, row: { account_id: number; period: string; basis: string; kwh: number; amount_kopecks: number; due_on: string; closed_at: number }, lines: ChargeLine[]): void {
  prepared(db, 'DELETE FROM charge_lines WHERE account_id = ? AND period = ?').run(row.account_id, row.period);
  prepared(db, "UPDATE charges SET basis = @basis, kwh = @kwh, amount_kopecks = @amount_kopecks, source = 'imported', due_on = @due_on, closed_at = @closed_at WHERE account_id = @account_id AND period = @period").run(row);
  insertChargeLines(db, row.account_id, row.period, lines);
}

export function getPaymentByOrderNumber(db: Db, orderNumber: string): { id: number; account_id: number; amount_kopecks: number } | undefined {
  return prepared(db, 'SELECT id, account_id, amount_kopecks FROM payments WHERE order_number = ?').get(orderNumber) as { id: number; account_id: number; amount_kopecks: number } | undefined;
}

export function insertImportedPayment(db: Db, row: { account_id: number; order_number: string; amount_kopecks: number; channel: string; paid_at: number }): number {
  return Number(
    prepared(
      db,
      `INSERT INTO payments (account_id, order_number, amount_kopecks, channel, status, created_at, paid_at, updated_at)
       VALUES (@account_id, @order_number, @amount_kopecks, @channel, 'paid', @paid_at, @paid_at, @paid_at)`,
    ).run(row).lastInsertRowid,
  );
}

export type ExportedReading = { number: string; serial: string; period: string; zone: number; value: number; submitted_at: number; source: string };

/** Accepted readings of a period range (the latest accepted submission of each period). */
export function iterateAcceptedReadings(db: Db, fromPeriod: string, toPeriod: string): IterableIterator<ExportedReading> {
  return db
    .prepare(
      `SELECT a.number, m.serial, r.period, r.zone, r.value, r.submitted_at, r.source
         FROM readings r JOIN accounts a ON a.id = r.account_id JOIN meters m ON m.id = r.meter_id
        WHERE r.status = 'accepted' AND r.period BETWEEN ? AND ?
        ORDER BY a.number, r.period, r.seq, r.zone`,
    )
    .iterate(fromPeriod, toPeriod) as IterableIterator<ExportedReading>;
}

export function iterateDeliveryChoices(db: Db): IterableIterator<{ number: string; email_delivery: number; paper_refused_at: number | null }> {
  return db
    .prepare('SELECT number, email_delivery, paper_refused_at FROM accounts WHERE email_delivery = 1 OR paper_refused_at IS NOT NULL ORDER BY number')
    .iterate() as IterableIterator<{ number: string; email_delivery: number; paper_refused_at: number | null }>;
}
