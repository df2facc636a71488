// The demo data generator: deterministic, consistent money and tariffs, the ready demo user.
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import type { Category } from '../db/accounts/accounts.ts';
import { openDatabase, type Db } from '../db/connection.ts';
import { getTariffPrices } from '../db/billing/tariffs.ts';
import { generateDemo } from '../scripts/demo/generate.ts';
import { demoUser, insertDemoUser } from '../scripts/demo/user.ts';
import { loadCompany } from '../services/platform/config.ts';
import { createMonthlyClose } from '../services/billing/monthly-close.ts';
import { verifyPassword } from '../services/auth/passwords.ts';
import { priceVolume } from '../services/billing/tariffs.ts';

const company = loadCompany();
const dir = mkdtempSync(join(tmpdir(), 'svet-demo-'));
const options = { accounts: 60, years: 2, referenceDay: '2026-11-15', company };

async function generated(name: string): Promise<Db> {
  const db = openDatabase(join(dir, name));
  generateDemo(db, options);
  await insertDemoUser(db, company, options.referenceDay);
  return db;
}

/** Every billing table's rows in key order; users are left out (a password hash has a random salt). */
function checksum(db: Db): string {
  const hash = createHash('sha256');
  for (const [table, order] of [
    ['tariffs', 'id'], ['accounts', 'id'], ['meters', 'id'], ['readings', 'account_id, period, seq, zone'],
    ['charges', 'account_id, period'], ['charge_lines', 'account_id, period, zone, band'], ['payments', 'id'], ['ledger', 'account_id, seq'],
  ]) {
    hash.update(table + JSON.stringify(db.prepare(`SELECT * FROM ${table} ORDER BY ${order}`).raw().all()));
  }
  return hash.digest('hex');
}

let db: Db;

test.before(async () => {
  db = await generated('first.db');
});

test.after(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

test('the same parameters give the same data', async () => {
  const second = await generated('second.db');
  assert.is(checksum(second), checksum(db));
  second.close();
});

test('the schema constraints hold (checks and foreign keys were off while loading)', () => {
  assert.equal(db.pragma('quick_check'), [{ quick_check: 'ok' }]);
  assert.equal(db.pragma('foreign_key_check'), []);
  assert.is(db.pragma('foreign_keys', { simple: true }), 1);
  assert.is(db.pragma('synchronous', { simple: true }), 2);
});

test('accounts cover every category, zone plan and some without a meter', () => {
  const categories = db.prepare('SELECT DISTINCT category FROM accounts ORDER BY 1').pluck().all();
  assert.equal(categories, ['rural', 'urban_electric', 'urban_gas']);
  assert.equal(db.prepare('SELECT DISTINCT zones FROM meters ORDER BY 1').pluck().all(), [1, 2, 3]);
  const withoutMeter = db.prepare('SELECT count(*) FROM accounts WHERE id NOT IN (SELECT account_id FROM meters)').pluck().get() as number;
  assert.ok(withoutMeter > 0);
  const numbers = db.prepare('SELECT number FROM accounts ORDER BY id LIMIT 2').pluck().all();
  assert.equal(numbers, ['400000001', '400000002']);
});

test('the tariffs of 2025 H2 are the demo prices, with volume bands', () => {
  const single = (category: Category) => getTariffPrices(db, category, 1, '2025-09-01');
  assert.equal(single('urban_gas').map((p) => [p.band_from_kwh, p.band_to_kwh]), [[0, 1200], [1200, 3900], [3900, null]]);
  assert.is(single('urban_gas')[0].kopecks_per_kwh, 736);
  assert.is(single('rural')[0].kopecks_per_kwh, 515);
  assert.is(getTariffPrices(db, 'urban_gas', 1, '2025-06-30').length, 1);
  assert.is(getTariffPrices(db, 'urban_gas', 3, '2026-11-15').length, 9);
});

test('one charge per account and closed period, with every basis', () => {
  assert.is(db.prepare('SELECT count(*) FROM charges').pluck().get(), 60 * 24);
  const periods = db.prepare('SELECT min(period), max(period) FROM charges').raw().get();
  assert.equal(periods, ['2024-11', '2026-10']);
  assert.equal(db.prepare('SELECT DISTINCT basis FROM charges ORDER BY 1').pluck().all(), ['average', 'norm', 'readings']);
  const sample = db.prepare("SELECT due_on, closed_at FROM charges WHERE period = '2026-02' LIMIT 1").raw().get();
  assert.equal(sample, ['2026-03-10', Date.parse('2026-03-01T00:00:00+03:00') / 1000]);
});

test('every balance is the sum of its ledger', () => {
  const mismatched = db.prepare(
    'SELECT count(*) FROM accounts a WHERE balance_kopecks != (SELECT coalesce(sum(amount_kopecks), 0) FROM ledger l WHERE l.account_id = a.id)',
  ).pluck().get();
  assert.is(mismatched, 0);
  const chargesInLedger = db.prepare("SELECT count(*) FROM ledger WHERE kind = 'charge'").pluck().get();
  assert.is(chargesInLedger, 60 * 24);
});

test('every charge is its lines, and its lines are priceVolume at the tariff in force', () => {
  const accounts = db.prepare('SELECT a.id, a.category, m.zones FROM accounts a LEFT JOIN meters m ON m.account_id = a.id').all() as { id: number; category: Category; zones: number | null }[];
  const charges = db.prepare('SELECT period, basis, kwh, amount_kopecks FROM charges WHERE account_id = ?');
  const lines = db.prepare('SELECT zone, band, kwh, kopecks_per_kwh, amount_kopecks FROM charge_lines WHERE account_id = ? AND period = ? ORDER BY zone, band');
  for (const account of accounts) {
    for (const charge of charges.all(account.id) as { period: string; basis: string; kwh: number; amount_kopecks: number }[]) {
      const stored = lines.all(account.id, charge.period) as { zone: number; kwh: number; amount_kopecks: number }[];
      assert.is(stored.reduce((sum, line) => sum + line.amount_kopecks, 0), charge.amount_kopecks);
      assert.is(stored.reduce((sum, line) => sum + line.kwh, 0), charge.kwh);
      const zones = account.zones ?? 1;
      const zoneKwh = Array.from({ length: zones }, (_, index) => stored.filter((line) => line.zone === index + 1).reduce((sum, line) => sum + line.kwh, 0));
      const expected = priceVolume(zoneKwh, getTariffPrices(db, account.category, zones, `${charge.period}-01`));
      assert.equal(stored, expected, `account ${account.id}, ${charge.period}`);
    }
  }
});

test('the monthly close computes the same charge from the stored rows', () => {
  const close = createMonthlyClose({ db, clock: { now: () => Date.parse('2026-11-15T12:00:00Z') }, company });
  const charges = db.prepare('SELECT account_id, period, basis FROM charges ORDER BY account_id, period').all() as { account_id: number; period: string; basis: string }[];
  const lines = db.prepare('SELECT zone, band, kwh, kopecks_per_kwh, amount_kopecks FROM charge_lines WHERE account_id = ? AND period = ? ORDER BY zone, band');
  for (const charge of charges) {
    const computed = close.compute(charge.account_id, charge.period);
    if (computed === 'no-tariff') throw new Error(`no tariff for ${charge.period}`);
    assert.is(computed.basis, charge.basis, `account ${charge.account_id}, ${charge.period}`);
    assert.equal(computed.lines, lines.all(charge.account_id, charge.period), `account ${charge.account_id}, ${charge.period}`);
  }
  assert.ok((db.prepare("SELECT count(*) FROM ledger WHERE kind = 'recalculation' AND amount_kopecks < 0").pluck().get() as number) > 0);
});

test('payments are paid once each, in the ledger with their id', () => {
  const unmatched = db.prepare(
    "SELECT count(*) FROM payments p WHERE status != 'paid' OR -p.amount_kopecks != (SELECT amount_kopecks FROM ledger l WHERE l.payment_id = p.id AND l.kind = 'payment')",
  ).pluck().get();
  assert.is(unmatched, 0);
  assert.ok((db.prepare('SELECT count(*) FROM payments').pluck().get() as number) > 60 * 20);
});

test('the demo user is ready: activated, primary link, the password verifies', async () => {
  const user = db.prepare(
    'SELECT u.password_hash, u.activated_at, u.email, l.is_primary FROM users u JOIN accounts a ON a.id = u.account_id JOIN account_links l ON l.user_id = u.id WHERE a.number = ?',
  ).get(demoUser.accountNumber) as { password_hash: string; activated_at: number | null; email: string; is_primary: number };
  assert.ok(user.activated_at);
  assert.is(user.email, 'demo@example.ru');
  assert.is(user.is_primary, 1);
  assert.ok(await verifyPassword(user.password_hash, demoUser.password));
  assert.is(db.prepare('SELECT count(*) FROM users').pluck().get(), 1);
});

test.run();
