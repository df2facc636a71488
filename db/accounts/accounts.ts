import type { Db } from '../connection.ts';
import { prepared } from '../prepared.ts';

export type Category = 'urban_gas' | 'urban_electric' | 'rural';

export type AccountRow = {
  id: number;
  number: string;
  holder: string;
  address: string;
  category: Category;
  norm_kwh: number;
  balance_kopecks: number;
  email_delivery: number;
  paper_refused_at: number | null;
  created_at: number;
};

export type MeterRow = {
  id: number;
  account_id: number;
  model: string;
  serial: string;
  zones: 1 | 2 | 3;
  digits: number;
  installed_on: string;
  verified_until: string;
};

const accountColumns = 'id, number, holder, address, category, norm_kwh, balance_kopecks, email_delivery, paper_refused_at, created_at';

export function getAccountByNumber(db: Db, number: string): AccountRow | undefined {
  return prepared(db, `SELECT ${accountColumns} FROM accounts WHERE number = ?`).get(number) as AccountRow | undefined;
}

export function getAccountById(db: Db, id: number): AccountRow | undefined {
  return prepared(db, `SELECT ${accountColumns} FROM accounts WHERE id = ?`).get(id) as AccountRow | undefined;
}

export function getActiveMeter(db: Db, accountId: number): MeterRow | undefined {
  return prepared(
    db,
    `SELECT id, account_id, model, serial, zones, digits, installed_on, verified_until
       FROM meters WHERE account_id = ? AND removed_on IS NULL`,
  ).get(accountId) as MeterRow | undefined;
}

/** The active meter's columns beside the account's, each as meter_<column>; all NULL without one. */
type AccountWithMeterRow = AccountRow & { [K in Exclude<keyof MeterRow, 'account_id'> as `meter_${K}`]: MeterRow[K] | null };

/** An account and its active meter (none: charged by the norm) in one statement: the account's key, then meters_active_by_account. */
export function getAccountWithMeter(db: Db, id: number): { account: AccountRow; meter: MeterRow | undefined } | undefined {
  const row = prepared(
    db,
    `SELECT a.id, a.number, a.holder, a.address, a.category, a.norm_kwh, a.balance_kopecks, a.email_delivery, a.paper_refused_at, a.created_at,
            m.id AS meter_id, m.model AS meter_model, m.serial AS meter_serial, m.zones AS meter_zones, m.digits AS meter_digits,
            m.installed_on AS meter_installed_on, m.verified_until AS meter_verified_until
       FROM accounts a LEFT JOIN meters m ON m.account_id = a.id AND m.removed_on IS NULL
      WHERE a.id = ?`,
  ).get(id) as AccountWithMeterRow | undefined;
  if (!row) return undefined;
  const { meter_id: meterId, meter_model: model, meter_serial: serial, meter_zones: zones, meter_digits: digits, meter_installed_on: installed_on, meter_verified_until: verified_until, ...account } = row;
  const meter = meterId === null ? undefined : ({ id: meterId, account_id: account.id, model, serial, zones, digits, installed_on, verified_until } as MeterRow);
  return { account, meter };
}

export function getLastChargeAmount(db: Db, accountId: number): number | undefined {
  const row = prepared(
    db,
    'SELECT amount_kopecks FROM charges WHERE account_id = ? ORDER BY period DESC LIMIT 1',
  ).get(accountId) as { amount_kopecks: number } | undefined;
  return row?.amount_kopecks;
}

export function insertAccount(db: Db, account: Omit<AccountRow, 'id' | 'balance_kopecks' | 'email_delivery' | 'paper_refused_at'>): number {
  const result = prepared(
    db,
    `INSERT INTO accounts (number, holder, address, category, norm_kwh, created_at)
     VALUES (@number, @holder, @address, @category, @norm_kwh, @created_at)`,
  ).run(account);
  return Number(result.lastInsertRowid);
}

export function insertMeter(db: Db, meter: Omit<MeterRow, 'id'>): number {
  const result = prepared(
    db,
    `INSERT INTO meters (account_id, model, serial, zones, digits, installed_on, verified_until)
     VALUES (@account_id, @model, @serial, @zones, @digits, @installed_on, @verified_until)`,
  ).run(meter);
  return Number(result.lastInsertRowid);
}
