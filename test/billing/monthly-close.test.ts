// The monthly close on small hand-computed cases (tariffs from seedTariffs: urban_gas 1 zone 7,00 ₽,
// 2 zones 8,00/4,00, 3 zones 9,00/7,00/4,00, rural 4,90; above 1 200 kWh a month the price doubles).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { seedAccount, seedCharge, seedReading, seedTariffs, type SeededAccount } from '../helpers/fixtures.ts';

const close = suite<{ app: TestApp }>('monthly close');

close.before(async (context) => {
  context.app = await startTestApp();
  seedTariffs(context.app.db);
});
close.after(async ({ app }) => app.close());

let seq = 100;
function reading(app: TestApp, account: SeededAccount, period: string, values: number[]) {
  seq++;
  values.forEach((value, i) => seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period, seq, zone: i + 1, value }));
}

function charge(app: TestApp, accountId: number, period: string) {
  const row = app.db.prepare('SELECT basis, kwh, amount_kopecks FROM charges WHERE account_id = ? AND period = ?').get(accountId, period) as
    | { basis: string; kwh: number; amount_kopecks: number }
    | undefined;
  const lines = app.db.prepare('SELECT zone, band, kwh, kopecks_per_kwh, amount_kopecks FROM charge_lines WHERE account_id = ? AND period = ? ORDER BY zone, band').all(accountId, period);
  return { ...row, lines };
}

function balance(app: TestApp, accountId: number) {
  const cached = (app.db.prepare('SELECT balance_kopecks AS b FROM accounts WHERE id = ?').get(accountId) as { b: number }).b;
  const ledger = (app.db.prepare('SELECT coalesce(sum(amount_kopecks), 0) AS s FROM ledger WHERE account_id = ?').get(accountId) as { s: number }).s;
  assert.is(cached, ledger, 'the cached balance equals the ledger');
  return cached;
}

function closeFor(app: TestApp, account: SeededAccount, period: string) {
  return app.services.monthlyClose.close(period, { accountIds: [account.id] });
}

/** A month charged by readings, so the next reading has a base. */
function baseMonth(app: TestApp, account: SeededAccount, period: string, values: number[]) {
  reading(app, account, period, values);
  app.db.prepare("INSERT INTO charges (account_id, period, basis, kwh, amount_kopecks, source, due_on, closed_at) VALUES (?, ?, 'readings', 0, 0, 'imported', '2026-01-10', 0)").run(account.id, period);
}

close('1 zone, urban: consumption × tariff, ledger and balance', ({ app }) => {
  const account = seedAccount(app.db, { zones: 1 });
  baseMonth(app, account, '2026-08', [1000]);
  reading(app, account, '2026-09', [1150]);
  const report = closeFor(app, account, '2026-09');
  assert.equal(report.byBasis, { readings: 1 });
  assert.equal(charge(app, account.id, '2026-09'), {
    basis: 'readings', kwh: 150, amount_kopecks: 105_000,
    lines: [{ zone: 1, band: 1, kwh: 150, kopecks_per_kwh: 700, amount_kopecks: 105_000 }],
  });
  assert.is(balance(app, account.id), 105_000);
  const due = app.db.prepare('SELECT due_on FROM charges WHERE account_id = ? AND period = ?').get(account.id, '2026-09') as { due_on: string };
  assert.is(due.due_on, '2026-10-10');
});

close('2 zones: day and night priced apart', ({ app }) => {
  const account = seedAccount(app.db, { zones: 2 });
  baseMonth(app, account, '2026-08', [500, 200]);
  reading(app, account, '2026-09', [600, 260]);
  closeFor(app, account, '2026-09');
  assert.equal(charge(app, account.id, '2026-09').amount_kopecks, 100 * 800 + 60 * 400);
});

close('3 zones: peak, half-peak and night', ({ app }) => {
  const account = seedAccount(app.db, { zones: 3 });
  baseMonth(app, account, '2026-08', [100, 100, 100]);
  reading(app, account, '2026-09', [150, 180, 220]);
  closeFor(app, account, '2026-09');
  assert.equal(charge(app, account.id, '2026-09').amount_kopecks, 50 * 900 + 80 * 700 + 120 * 400);
});

close('a rural account pays the rural tariff', ({ app }) => {
  const account = seedAccount(app.db, { zones: 1, category: 'rural' });
  baseMonth(app, account, '2026-08', [0]);
  reading(app, account, '2026-09', [200]);
  closeFor(app, account, '2026-09');
  assert.equal(charge(app, account.id, '2026-09').amount_kopecks, 200 * 490);
});

close('a month crossing the 1 200 kWh band is priced band by band', ({ app }) => {
  const account = seedAccount(app.db, { zones: 1 });
  baseMonth(app, account, '2026-08', [10_000]);
  reading(app, account, '2026-09', [11_500]);
  closeFor(app, account, '2026-09');
  assert.equal(charge(app, account.id, '2026-09').lines, [
    { zone: 1, band: 1, kwh: 1200, kopecks_per_kwh: 700, amount_kopecks: 840_000 },
    { zone: 1, band: 2, kwh: 300, kopecks_per_kwh: 1400, amount_kopecks: 420_000 },
  ]);
});

close('no reading: the average of 6 months with readings for 3 months, then the norm, then a real reading recalculates', ({ app }) => {
  const account = seedAccount(app.db, { zones: 1, normKwh: 80 });
  const months = ['2025-07', '2025-08', '2025-09', '2025-10', '2025-11', '2025-12', '2026-01'];
  const values = [1000, 1100, 1220, 1350, 1490, 1640, 1800];
  months.forEach((period, i) => {
    reading(app, account, period, [values[i]]);
    closeFor(app, account, period);
  });
  assert.is(charge(app, account.id, '2025-07').basis, 'norm', 'the first reading has no base: norm');
  assert.equal(charge(app, account.id, '2025-08'), { basis: 'readings', kwh: 100, amount_kopecks: 70_000, lines: charge(app, account.id, '2025-08').lines });
  // Readings months Aug–Jan: 100, 120, 130, 140, 150, 160 → average 800 / 6 = 133,3 → 133.
  for (const period of ['2026-02', '2026-03', '2026-04']) {
    closeFor(app, account, period);
    assert.equal([charge(app, account.id, period).basis, charge(app, account.id, period).kwh], ['average', 133], period);
  }
  closeFor(app, account, '2026-05');
  assert.equal([charge(app, account.id, '2026-05').basis, charge(app, account.id, '2026-05').kwh], ['norm', 80], 'after 3 months the norm');
  closeFor(app, account, '2026-06');
  assert.is(charge(app, account.id, '2026-06').basis, 'norm');

  // Estimated since January's reading: 133 × 3 + 80 × 2 = 559 kWh. The real reading shows 500: 59 kWh back.
  const before = balance(app, account.id);
  reading(app, account, '2026-07', [2300]);
  closeFor(app, account, '2026-07');
  assert.equal([charge(app, account.id, '2026-07').basis, charge(app, account.id, '2026-07').kwh], ['readings', 0]);
  const recalculation = app.db.prepare("SELECT amount_kopecks, note FROM ledger WHERE account_id = ? AND kind = 'recalculation'").get(account.id) as { amount_kopecks: number; note: string };
  assert.is(recalculation.amount_kopecks, -59 * 700);
  assert.ok(recalculation.note.includes('59 кВт·ч'));
  assert.is(balance(app, account.id), before - 59 * 700);

  // The next month is back on readings; one more real month with more use than estimated is charged the difference.
  reading(app, account, '2026-08', [2450]);
  closeFor(app, account, '2026-08');
  assert.equal([charge(app, account.id, '2026-08').basis, charge(app, account.id, '2026-08').kwh], ['readings', 150]);
});

close('an account without a meter is charged the norm', ({ app }) => {
  const account = seedAccount(app.db, { zones: null, normKwh: 95 });
  closeFor(app, account, '2026-09');
  assert.equal([charge(app, account.id, '2026-09').basis, charge(app, account.id, '2026-09').amount_kopecks], ['norm', 95 * 700]);
});

close('a flagged reading is not charged until an operator accepts it', ({ app }) => {
  const account = seedAccount(app.db, { zones: 1 });
  baseMonth(app, account, '2026-08', [1000]);
  seq++;
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-09', seq, value: 9000, status: 'review' });
  closeFor(app, account, '2026-09');
  assert.is(charge(app, account.id, '2026-09').basis, 'average', 'the flagged reading is ignored: charged by average');
});

close('closing twice changes nothing; an imported period is left alone', ({ app }) => {
  const account = seedAccount(app.db, { zones: 1 });
  const imported = seedAccount(app.db, { zones: 1 });
  seedCharge(app.db, imported.id, '2026-10', 12_345);
  baseMonth(app, account, '2026-09', [0]);
  reading(app, account, '2026-10', [100]);
  const snapshot = () => app.db.prepare('SELECT account_id, seq, amount_kopecks FROM ledger WHERE account_id IN (?, ?) ORDER BY account_id, seq').all(account.id, imported.id);
  const first = app.services.monthlyClose.close('2026-10', { accountIds: [account.id, imported.id] });
  assert.equal([first.charged, first.skipped], [1, 1]);
  const after = snapshot();
  const second = app.services.monthlyClose.close('2026-10', { accountIds: [account.id, imported.id] });
  assert.equal([second.charged, second.skipped], [0, 2]);
  assert.equal(snapshot(), after);
  assert.is(charge(app, imported.id, '2026-10').amount_kopecks, 12_345);
});

close('closing the whole base walks every account in chunks', ({ app }) => {
  const report = app.services.monthlyClose.close('2026-12', { chunk: 3 });
  const accounts = (app.db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n;
  assert.is(report.charged + report.skipped, accounts);
  const again = app.services.monthlyClose.close('2026-12', { chunk: 3 });
  assert.is(again.charged, 0);
});

close('the close beside a server commits small chunks with pauses and agrees with the plain close', async ({ app }) => {
  const report = await app.services.monthlyClose.closeBesideServer('2027-01', { chunk: 4, pauseMs: 1 });
  const accounts = (app.db.prepare('SELECT count(*) AS n FROM accounts').get() as { n: number }).n;
  assert.is(report.charged + report.skipped, accounts);
  assert.is(app.services.monthlyClose.close('2027-01').charged, 0, 'nothing left for a second close');
});

close.run();
