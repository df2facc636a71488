// Billing-side rows for tests, inserted through the same db functions the app uses.
import type { Db } from '../../db/connection.ts';
import { insertAccount, insertMeter, type Category } from '../../db/accounts/accounts.ts';
import { insertAccountLink, insertUser, markUserActivated } from '../../db/auth/users.ts';
import { hashPassword } from '../../services/auth/passwords.ts';

let nextNumber = 500000001;

export type SeededAccount = { id: number; number: string; serial: string | null; meterId: number | null };

export function seedAccount(
  db: Db,
  options: { number?: string; category?: Category; zones?: 1 | 2 | 3 | null; serial?: string; digits?: number; holder?: string; address?: string; normKwh?: number } = {},
): SeededAccount {
  const number = options.number ?? String(nextNumber++);
  const id = insertAccount(db, {
    number,
    holder: options.holder ?? 'Иванов И. И.',
    address: options.address ?? 'г. Калуга, ул. Ленина, д. 1, кв. 1',
    category: options.category ?? 'urban_gas',
    norm_kwh: options.normKwh ?? 120,
    created_at: 1_700_000_000,
  });
  if (options.zones === null) return { id, number, serial: null, meterId: null };
  const serial = options.serial ?? `SN${number}`;
  const meterId = insertMeter(db, {
    account_id: id,
    model: 'Меркурий 201.5',
    serial,
    zones: options.zones ?? 1,
    digits: options.digits ?? 6,
    installed_on: '2020-01-15',
    verified_until: '2030-01-15',
  });
  return { id, number, serial, meterId };
}

export function seedCharge(db: Db, accountId: number, period: string, amountKopecks: number): void {
  db.prepare(
    `INSERT INTO charges (account_id, period, basis, kwh, amount_kopecks, source, due_on, closed_at)
     VALUES (?, ?, 'norm', 0, ?, 'imported', ?, 0)`,
  ).run(accountId, period, amountKopecks, `${period}-28`);
}

/** An activated user whose primary account is `accountId`; returns the user and link ids. */
export async function seedUser(
  db: Db,
  accountId: number,
  options: { password?: string; email?: string; activated?: boolean } = {},
): Promise<{ userId: number; linkId: number }> {
  const now = 1_790_000_000;
  const userId = insertUser(db, {
    account_id: accountId,
    email: options.email ?? `user${accountId}@example.ru`,
    phone: '+79101234567',
    password_hash: await hashPassword(options.password ?? 'correct-horse-1'),
    created_at: now,
    password_changed_at: now,
    agreement_version: '2026-01',
    agreement_accepted_at: now,
    consent_version: '2026-01',
    consent_accepted_at: now,
  });
  if (options.activated !== false) markUserActivated(db, userId, now);
  const linkId = insertAccountLink(db, { user_id: userId, account_id: accountId, is_primary: 1, created_at: now });
  return { userId, linkId };
}

/** Simple known prices from 2025-07-01: urban_gas single rate 700, 2 zones 800/400, 3 zones 900/700/400; rural 490. */
export function seedTariffs(db: Db): void {
  const rows: [string, number, number, number][] = [
    ['urban_gas', 1, 1, 700],
    ['urban_gas', 2, 1, 800],
    ['urban_gas', 2, 2, 400],
    ['urban_gas', 3, 1, 900],
    ['urban_gas', 3, 2, 700],
    ['urban_gas', 3, 3, 400],
    ['rural', 1, 1, 490],
  ];
  const insert = db.prepare(
    `INSERT INTO tariffs (category, zones, zone, band_from_kwh, band_to_kwh, valid_from, valid_to, kopecks_per_kwh)
     VALUES (?, ?, ?, ?, ?, '2025-07-01', NULL, ?)`,
  );
  for (const [category, zones, zone, price] of rows) {
    insert.run(category, zones, zone, 0, 1200, price);
    insert.run(category, zones, zone, 1200, null, price * 2);
  }
}

export function seedReading(
  db: Db,
  reading: { accountId: number; meterId: number; period: string; seq: number; zone?: number; value: number; submittedAt?: number; status?: string },
): void {
  db.prepare(
    `INSERT INTO readings (account_id, period, seq, zone, meter_id, value, submitted_at, source, status, reason, early, rollover, user_id)
     VALUES (?, ?, ?, ?, ?, ?, ?, 'billing', ?, NULL, 0, 0, NULL)`,
  ).run(reading.accountId, reading.period, reading.seq, reading.zone ?? 1, reading.meterId, reading.value, reading.submittedAt ?? 1_790_000_000, reading.status ?? 'accepted');
}

export function seedMonthlyCharge(db: Db, accountId: number, period: string, kwh: number, amountKopecks: number, dueOn: string): void {
  db.prepare(
    `INSERT INTO charges (account_id, period, basis, kwh, amount_kopecks, source, due_on, closed_at)
     VALUES (?, ?, 'readings', ?, ?, 'computed', ?, 0)`,
  ).run(accountId, period, kwh, amountKopecks, dueOn);
}

export function setBalance(db: Db, accountId: number, kopecks: number): void {
  db.prepare('UPDATE accounts SET balance_kopecks = ? WHERE id = ?').run(kopecks, accountId);
}
