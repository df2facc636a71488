// История over real HTTP: an account's months built with the real monthly close, readings of every
// status and source, payments of every status; each view's figures against the database, the
// charts against their tables, the CSV against the views, and every bad input.
import * as cheerio from 'cheerio';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendLedgerEntry } from '../../db/billing/monthly-close.ts';
import { insertReading, type ReadingRow } from '../../db/billing/readings.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createClient, type Client, type Page } from '../helpers/http.ts';
import { seedAccount, seedTariffs, seedUser, type SeededAccount } from '../helpers/fixtures.ts';

const nbsp = '\u00a0';
type World = { app: TestApp; client: Client; base: string; account: SeededAccount; otherBase: string };
const history = suite<World>('history');

const at = (iso: string) => Date.parse(iso) / 1000;
const addMonths = (period: string, months: number) => {
  const [y, m] = period.split('-').map(Number);
  const i = y * 12 + m - 1 + months;
  return `${Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')}`;
};

/** Months 2025-08 … 2026-10 closed by the real monthly close; 2026-03 and 2026-04 have no reading (charged by average). */
const closedPeriods = Array.from({ length: 15 }, (_, i) => addMonths('2025-08', i));
const skipped = new Set(['2026-03', '2026-04']);

history.before(async (world) => {
  const app = await startTestApp();
  world.app = app;
  seedTariffs(app.db);
  const account = seedAccount(app.db, { zones: 2 });
  world.account = account;
  let seq = 0;
  const reading = (period: string, day: number, values: number[], extra: Partial<ReadingRow> = {}) => {
    seq++;
    values.forEach((value, i) =>
      insertReading(app.db, {
        account_id: account.id, period, seq, zone: i + 1, meter_id: account.meterId!, value,
        submitted_at: at(`${period}-${String(day).padStart(2, '0')}T09:00:00Z`),
        source: 'customer', status: 'accepted', reason: null, early: 0, rollover: 0, user_id: null, ...extra,
      }),
    );
  };
  // The opening reading, then a month each: day +150, night +60 kWh; 2026-05 comes in low so the
  // two estimated months are recalculated.
  reading('2025-07', 20, [1000, 400], { source: 'billing' });
  let day = 1000;
  let night = 400;
  for (const period of closedPeriods) {
    if (!skipped.has(period)) {
      if (period === '2026-05') {
        day += 250;
        night += 60;
      } else {
        day += 150;
        night += 60;
      }
      if (period === '2025-12') {
        // A refused reading and a later one that replaced nothing (refused ones are not replaced).
        reading(period, 18, [day - 900, night], { status: 'rejected', reason: 'Показания меньше предыдущих принятых' });
      }
      if (period === '2026-02') {
        reading(period, 17, [day - 5, night - 5], { status: 'replaced', reason: 'Заменено показаниями, переданными позже (№ 99)' });
      }
      reading(period, 20, [day, night], { source: period === '2026-01' ? 'operator' : 'customer' });
    }
    app.clock.set(`${addMonths(period, 1)}-01T06:00:00Z`);
    app.services.monthlyClose.close(period, { accountIds: [account.id] });
  }
  // November's reading, flagged for an operator: not closed yet.
  reading('2026-11', 19, [day + 9000, night + 60], { status: 'review', reason: 'Расход намного больше обычного' });
  app.clock.set('2026-11-20T09:00:00Z');

  // Payments: paid ones credited in the ledger; declined, pending, refunded ones not (the refund reversed).
  const payments: [string, number, string, string][] = [
    ['2025-09-10T10:00:00Z', 150_000, 'card', 'paid'],
    ['2025-10-12T10:00:00Z', 200_000, 'bank', 'paid'],
    ['2025-10-13T10:00:00Z', 50_000, 'card', 'declined'],
    ['2026-01-09T10:00:00Z', 300_000, 'post', 'paid'],
    ['2026-02-09T10:00:00Z', 120_000, 'card', 'refunded'],
    ['2026-06-05T10:00:00Z', 99_999, 'office', 'paid'],
    ['2026-11-01T10:00:00Z', 180_000, 'card', 'pending'],
    ['2026-10-31T21:30:00Z', 70_000, 'card', 'paid'], // 1 November in Moscow
  ];
  payments.forEach(([iso, amount, channel, status], i) => {
    const created = at(iso);
    const { lastInsertRowid } = app.db
      .prepare(
        `INSERT INTO payments (account_id, order_number, amount_kopecks, channel, status, created_at, paid_at, updated_at)
         VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
      )
      .run(account.id, `T-${i + 1}`, amount, channel, status, created, status === 'paid' || status === 'refunded' ? created + 60 : null, created + 60);
    const id = Number(lastInsertRowid);
    app.db.transaction(() => {
      if (status === 'paid' || status === 'refunded') {
        appendLedgerEntry(app.db, { account_id: account.id, at: created + 60, kind: 'payment', period: iso.slice(0, 7), amount_kopecks: -amount, payment_id: id, note: null });
      }
      if (status === 'refunded') {
        appendLedgerEntry(app.db, { account_id: account.id, at: created + 3600, kind: 'reversal', period: iso.slice(0, 7), amount_kopecks: amount, payment_id: id, note: 'Возврат' });
      }
    })();
  });

  const { linkId } = await seedUser(app.db, account.id, { password: 'password-123' });
  world.base = `/a/${linkId}/history`;
  world.client = createClient(app.baseUrl);
  await world.client.post('/login', { accountNumber: account.number, password: 'password-123' });
  // Someone else's account with history of its own: never shown here.
  const other = seedAccount(app.db);
  const { linkId: otherLink } = await seedUser(app.db, other.id, { password: 'password-456' });
  world.otherBase = `/a/${otherLink}/history`;
});
history.after(async ({ app }) => app.close());

const all = '?from=2025-07&to=2026-11';

function rowsOf(page: Page): cheerio.Cheerio<any> {
  return page.$('#history-table tbody tr');
}

history('the section opens on История показаний for the last 12 months, with tabs', async ({ client, base, app }) => {
  const page = await client.get(base);
  assert.is(page.status, 200);
  assert.is(page.$('h1').text(), 'История показаний');
  assert.is(page.$('.history-tabs [aria-current="page"]').attr('id'), 'tab-readings');
  assert.is(page.$('.sections [aria-current="page"]').text(), 'История');
  assert.is(page.$('#from').val(), '2025-12');
  assert.is(page.$('#to').val(), '2026-11');
  const periods = rowsOf(page).map((_, tr) => page.$(tr).attr('data-period')).get();
  assert.equal(periods, ['2026-11', '2026-10', '2026-09', '2026-08', '2026-07', '2026-06', '2026-05', '2026-02', '2026-01', '2025-12']);
  assert.equal(app.errors, []);
});

history('История показаний: every submission per zone, source and status with the reason, as in the database', async ({ client, base, app, account }) => {
  const page = await client.get(`${base}/readings${all}`);
  const db = app.db.prepare('SELECT period, count(DISTINCT seq) AS n FROM readings WHERE account_id = ? GROUP BY period ORDER BY period DESC').all(account.id) as { period: string; n: number }[];
  assert.equal(
    rowsOf(page).map((_, tr) => ({ period: page.$(tr).attr('data-period'), n: Number(page.$(tr).find('[data-col="count"]').text()) })).get(),
    db,
  );
  assert.is(page.$('tr[data-period="2026-11"] [data-col="status"]').text(), 'на проверке');
  assert.is(page.$('tr[data-period="2026-11"] [data-col="accepted"]').text().trim(), '—');
  assert.ok(page.$('tr[data-period="2026-10"] [data-col="accepted"]').text().includes('День (07–23): 3050'), page.$('tr[data-period="2026-10"] [data-col="accepted"]').text());

  const december = await client.get(page.$('tr[data-period="2025-12"] a').attr('href')!);
  assert.is(december.status, 200);
  assert.is(december.$('#month-title').text(), 'Показания за декабрь 2025');
  const rows = december.$('#month-table tbody tr').map((_, tr) => ({
    seq: Number(december.$(tr).attr('data-seq')),
    zone: Number(december.$(tr).attr('data-zone')),
    value: Number(december.$(tr).find('[data-col="value"]').text()),
    source: december.$(tr).find('[data-col="source"]').text(),
    status: december.$(tr).find('[data-col="status"]').text(),
  })).get();
  const expected = (app.db.prepare("SELECT seq, zone, value, source, status, reason FROM readings WHERE account_id = ? AND period = '2025-12' ORDER BY seq DESC, zone").all(account.id) as {
    seq: number; zone: number; value: number; source: string; status: string; reason: string | null;
  }[]).map((r) => ({
    seq: r.seq, zone: r.zone, value: r.value, source: { customer: 'клиент', operator: 'оператор', billing: 'биллинг' }[r.source],
    status: ({ accepted: 'принято к расчёту', rejected: 'не принято', review: 'на проверке', replaced: 'заменено' } as Record<string, string>)[r.status] + (r.reason ?? ''),
  }));
  assert.equal(rows, expected);
  assert.ok(expected.some((r) => r.status.startsWith('не принято') && r.status.includes('меньше предыдущих')));

  const february = await client.get(`${base}/readings/2026-02`);
  assert.ok(february.$('[data-status="replaced"]').first().text().startsWith('заменено'));
  const january = await client.get(`${base}/readings/2026-01`);
  assert.is(january.$('[data-col="source"]').first().text(), 'оператор');
  const july = await client.get(`${base}/readings/2025-07`);
  assert.is(july.$('[data-col="source"]').first().text(), 'биллинг');
});

history('История платежей: by the month made (Moscow time), every status in Russian', async ({ client, base, app, account }) => {
  const page = await client.get(`${base}/payments${all}`);
  const months = rowsOf(page).map((_, tr) => ({
    period: page.$(tr).attr('data-period'),
    count: Number(page.$(tr).find('[data-col="count"]').text()),
    paid: Number(page.$(tr).find('[data-col="paid"]').attr('data-value')),
  })).get();
  assert.equal(months, [
    { period: '2026-11', count: 2, paid: 70_000 },
    { period: '2026-06', count: 1, paid: 99_999 },
    { period: '2026-02', count: 1, paid: 0 },
    { period: '2026-01', count: 1, paid: 300_000 },
    { period: '2025-10', count: 2, paid: 200_000 },
    { period: '2025-09', count: 1, paid: 150_000 },
  ]);
  const total = (app.db.prepare("SELECT count(*) AS n FROM payments WHERE account_id = ?").get(account.id) as { n: number }).n;
  assert.is(months.reduce((s, m) => s + m.count, 0), total);
  assert.is(page.$('tr[data-period="2026-06"] [data-col="paid"]').text(), `999,99${nbsp}₽`);

  const november = await client.get(`${base}/payments/2026-11`);
  const statuses = november.$('#month-table [data-col="status"]').map((_, td) => november.$(td).text()).get();
  assert.equal(statuses.sort(), ['ожидает оплаты', 'оплачен']);
  assert.ok(november.$('#month-table tbody').text().includes('01.11.2026, 00:30'), 'the time is Moscow time');
  const labels = new Map<string, string>();
  for (const period of ['2025-10', '2026-02', '2026-06', '2026-01']) {
    const month = await client.get(`${base}/payments/${period}`);
    month.$('#month-table tbody tr').each((_, tr) => {
      labels.set(month.$(tr).find('[data-col="status"]').attr('data-status')!, month.$(tr).find('[data-col="status"]').text());
      labels.set(month.$(tr).find('[data-col="channel"]').text(), '');
    });
  }
  assert.is(labels.get('declined'), 'отклонён');
  assert.is(labels.get('refunded'), 'возвращён');
  assert.ok(labels.has('почта') && labels.has('касса') && labels.has('через банк') && labels.has('банковская карта'));
});

history('Статистика расчётов: charges, basis, recalculations and payments as in the database; the chart is the table', async ({ client, base, app, account }) => {
  const page = await client.get(`${base}/charges${all}`);
  assert.is(page.status, 200);
  const charges = app.db.prepare('SELECT period, basis, kwh, amount_kopecks FROM charges WHERE account_id = ? ORDER BY period DESC').all(account.id) as {
    period: string; basis: string; kwh: number; amount_kopecks: number;
  }[];
  assert.is(charges.length, closedPeriods.length, 'the close charged every month');
  assert.ok(charges.some((c) => c.basis === 'average'), 'the skipped months are charged by average');
  for (const charge of charges) {
    const row = page.$(`#history-table tr[data-period="${charge.period}"]`);
    assert.is(Number(row.find('[data-col="charged"]').attr('data-value')), charge.amount_kopecks, charge.period);
    assert.is(row.find('[data-col="kwh"]').text(), `${charge.kwh}${nbsp}кВт·ч`.replace(/^(\d)(\d{3})/, `$1${nbsp}$2`));
    assert.is(row.find('[data-col="basis"]').text(), { readings: 'по показаниям', average: 'по среднему', norm: 'по нормативу' }[charge.basis]);
  }
  // Money paid by the month it came, net of reversals, straight from the ledger.
  const paid = app.db.prepare("SELECT at, amount_kopecks FROM ledger WHERE account_id = ? AND kind IN ('payment', 'reversal')").all(account.id) as { at: number; amount_kopecks: number }[];
  const paidByMonth = new Map<string, number>();
  for (const entry of paid) {
    const period = new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Moscow', year: 'numeric', month: '2-digit' }).format(new Date(entry.at * 1000)).slice(0, 7);
    paidByMonth.set(period, (paidByMonth.get(period) ?? 0) - entry.amount_kopecks);
  }
  rowsOf(page).each((_, tr) => {
    const period = page.$(tr).attr('data-period')!;
    assert.is(Number(page.$(tr).find('[data-col="paid"]').attr('data-value')), paidByMonth.get(period) ?? 0, `paid in ${period}`);
  });
  // The recalculation the low May reading brought.
  const recalculations = app.db.prepare("SELECT period, amount_kopecks FROM ledger WHERE account_id = ? AND kind = 'recalculation'").all(account.id) as { period: string; amount_kopecks: number }[];
  assert.ok(recalculations.length > 0, 'the close recalculated the estimated months');
  for (const r of recalculations) {
    assert.ok(page.$(`tr[data-period="${r.period}"] [data-col="recalculation"]`).text().includes(','), `recalculation shown for ${r.period}`);
    const month = await client.get(`${base}/charges/${r.period}`);
    assert.is(Number(month.$('#month-recalculations li').first().attr('data-value')), r.amount_kopecks);
  }

  // Every bar is a table cell, and every table figure has its bar.
  const bars = page.$('#charges-chart rect[data-period]');
  assert.ok(page.$('#charges-chart').attr('role') === 'img' && page.$('#charges-chart-title').text().length > 0 && page.$('#charges-chart-desc').text().length > 0);
  assert.is(page.$('#charges-chart').attr('aria-labelledby'), 'charges-chart-title charges-chart-desc');
  bars.each((_, bar) => {
    const b = page.$(bar);
    const cell = page.$(`#history-table tr[data-period="${b.attr('data-period')}"] [data-col="${b.attr('data-series')}"]`);
    assert.is(b.attr('data-value'), cell.attr('data-value'), `${b.attr('data-series')} ${b.attr('data-period')}`);
  });
  const cells = page.$('#history-table [data-col="charged"][data-value], #history-table [data-col="paid"][data-value]').length;
  assert.is(bars.length, cells);
  assert.ok(page.$('#charges-chart text').text().includes('₽'), 'money on the axis');
  assert.ok(page.$('#charges-chart').text().includes('Начислено') && page.$('#charges-chart').text().includes('Месяц'));
  // Bars grow with the value.
  const heights = bars.map((_, bar) => ({ v: Number(page.$(bar).attr('data-value')), h: Number(page.$(bar).attr('height')) })).get();
  for (const a of heights) for (const b of heights) if (a.v > b.v) assert.ok(a.h >= b.h);

  // A month's details: the lines by zone with their tariff add up to the charge.
  const october = await client.get(`${base}/charges/2026-10`);
  const lines = app.db.prepare("SELECT zone, kwh, kopecks_per_kwh, amount_kopecks FROM charge_lines WHERE account_id = ? AND period = '2026-10' ORDER BY zone, band").all(account.id) as { amount_kopecks: number; kopecks_per_kwh: number }[];
  assert.equal(october.$('#month-table [data-col="amount"]').map((_, td) => Number(october.$(td).attr('data-value'))).get(), lines.map((l) => l.amount_kopecks));
  assert.equal(october.$('#month-table [data-col="tariff"]').map((_, td) => october.$(td).text()).get(), [`8,00${nbsp}₽`, `4,00${nbsp}₽`]);
  assert.is(october.$('#month-facts [data-col="charged"]').text(), `${'1 440,00'.replace(' ', nbsp)}${nbsp}₽`, '150 × 8 + 60 × 4');
});

history('Статистика потребления: kWh per zone and month, the same month a year before, the chart is the table', async ({ client, base, app, account }) => {
  const page = await client.get(`${base}/consumption?from=2026-08&to=2026-10`);
  assert.is(page.status, 200);
  const lines = app.db.prepare('SELECT period, zone, sum(kwh) AS kwh FROM charge_lines WHERE account_id = ? GROUP BY period, zone').all(account.id) as { period: string; zone: number; kwh: number }[];
  const kwh = (period: string, zone: number) => lines.find((l) => l.period === period && l.zone === zone)?.kwh;
  for (const period of ['2026-10', '2026-09', '2026-08']) {
    const row = page.$(`#history-table tr[data-period="${period}"]`);
    assert.is(Number(row.find('[data-zone="1"]').text()), kwh(period, 1));
    assert.is(Number(row.find('[data-zone="2"]').text()), kwh(period, 2));
    assert.is(Number(row.find('[data-col="kwh"]').attr('data-value')), kwh(period, 1)! + kwh(period, 2)!);
  }
  // A year before: 2025-10 and 2025-09 were charged, 2025-08 too; 2025-07 was not.
  assert.is(Number(page.$('tr[data-period="2026-10"] [data-col="previous"]').attr('data-value')), kwh('2025-10', 1)! + kwh('2025-10', 2)!);
  assert.is(page.$('tr[data-period="2026-10"] [data-col="previous"]').attr('data-previous-period'), '2025-10');
  const wide = await client.get(`${base}/consumption?from=2025-07&to=2026-09`);
  assert.is(wide.$('tr[data-period="2026-07"] [data-col="previous"]').text(), '—', 'no charge for 2025-07');
  assert.is(wide.$('#consumption-chart circle[data-period="2026-07"]').length, 0, 'no point where there is no figure');

  for (const shown of [page, wide]) {
    const marks = shown.$('#consumption-chart [data-period][data-series]');
    assert.ok(marks.length > 0);
    marks.each((_, mark) => {
      const m = shown.$(mark);
      const column = m.attr('data-series') === 'kwh' ? 'kwh' : 'previous';
      assert.is(m.attr('data-value'), shown.$(`#history-table tr[data-period="${m.attr('data-period')}"] [data-col="${column}"]`).attr('data-value'));
    });
    assert.is(marks.length, shown.$('#history-table [data-col="kwh"][data-value], #history-table [data-col="previous"][data-value]').length);
  }
  assert.is(page.$('#consumption-chart rect[data-series="kwh"]').length, 3);
  assert.is(page.$('#consumption-chart circle[data-series="previous"]').length, 3);
  assert.ok(page.$('#consumption-chart').text().includes('Расход, кВт·ч'));

  const october = await client.get(`${base}/consumption/2026-10`);
  assert.equal(october.$('#month-table [data-col="kwh"]').map((_, td) => Number(october.$(td).text())).get(), [kwh('2026-10', 1), kwh('2026-10', 2)]);
  assert.equal(october.$('#month-table [data-col="previous"]').map((_, td) => Number(october.$(td).text())).get(), [kwh('2025-10', 1), kwh('2025-10', 2)]);
});

/** fetch's text() drops a BOM, so the test client's text starts right after it. */
function parseCsv(text: string): string[][] {
  return text.trimEnd().split('\r\n').map((line) => line.split(';'));
}

history('CSV downloads: BOM, semicolons, Russian headers, the same figures as the views', async ({ client, base, app }) => {
  const charges = await client.get(`${base}/charges.csv${all}`);
  assert.is(charges.status, 200);
  const raw = await fetch(new URL(`${base}/charges.csv${all}`, app.baseUrl), { headers: { cookie: [...client.jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
  const bytes = new Uint8Array(await raw.arrayBuffer());
  assert.equal([...bytes.slice(0, 3)], [0xef, 0xbb, 0xbf], 'UTF-8 BOM');
  assert.ok(new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes).split('\r\n')[1].startsWith('2026-11;'), 'CRLF lines, newest month first');
  assert.is(charges.headers.get('content-type'), 'text/csv; charset=utf-8');
  const disposition = charges.headers.get('content-disposition')!;
  assert.ok(disposition.startsWith('attachment; filename="svet-charges-2025-07_2026-11.csv"; filename*=UTF-8\'\''), disposition);
  assert.ok(decodeURIComponent(disposition.split("''")[1]).startsWith('Статистика расчётов'));
  const rows = parseCsv(charges.text);
  assert.equal(rows[0], ['Месяц', 'День (07–23), кВт·ч', 'Ночь (23–07), кВт·ч', 'Всего, кВт·ч', 'Основание', 'Начислено, руб.', 'Перерасчёт, руб.', 'Оплачено, руб.']);
  const view = await client.get(`${base}/charges${all}`);
  const money = (kopecks: string | undefined) => (kopecks === undefined ? '' : `${Math.floor(Number(kopecks) / 100)},${String(Math.abs(Number(kopecks)) % 100).padStart(2, '0')}`);
  assert.equal(
    rows.slice(1).map((r) => [r[0], r[5], r[7]]),
    rowsOf(view).map((_, tr) => [[view.$(tr).attr('data-period')!, money(view.$(tr).find('[data-col="charged"]').attr('data-value')), money(view.$(tr).find('[data-col="paid"]').attr('data-value'))]]).get(),
  );
  assert.ok(rows.some((r) => /^-\d+,\d\d$/.test(r[6])), 'a recalculation is a negative amount like -123,45');

  const readings = parseCsv((await client.get(`${base}/readings.csv${all}`)).text);
  assert.equal(readings[0], ['Месяц', 'Дата передачи', 'Зона', 'Показания', 'Источник', 'Статус', 'Причина']);
  const december = await client.get(`${base}/readings/2025-12`);
  assert.is(readings.filter((r) => r[0] === '2025-12').length, december.$('#month-table tbody tr').length);
  assert.ok(readings.some((r) => r[5] === 'не принято' && r[6] === 'Показания меньше предыдущих принятых'));

  const payments = parseCsv((await client.get(`${base}/payments.csv${all}`)).text);
  assert.equal(payments[0], ['Месяц', 'Дата', 'Сумма, руб.', 'Способ оплаты', 'Статус', 'Номер заказа']);
  assert.ok(payments.some((r) => r[2] === '999,99' && r[3] === 'касса' && r[4] === 'оплачен'));
  assert.is(payments.length - 1, 8);

  const consumption = parseCsv((await client.get(`${base}/consumption.csv?from=2026-08&to=2026-10`)).text);
  const consumptionView = await client.get(`${base}/consumption?from=2026-08&to=2026-10`);
  assert.equal(
    consumption.slice(1).map((r) => [r[0], r[3], r[5]]),
    rowsOf(consumptionView).map((_, tr) => [[consumptionView.$(tr).attr('data-period')!, consumptionView.$(tr).find('[data-col="kwh"]').attr('data-value')!, consumptionView.$(tr).find('[data-col="previous"]').attr('data-value') ?? '']]).get(),
  );
});

history('htmx: a month opens in place only when the details box asks for it', async ({ client, base }) => {
  const url = `${base}/charges/2026-10`;
  const fragment = await client.get(url, { 'HX-Request': 'true', 'HX-Target': 'history-details' });
  assert.ok(!fragment.text.includes('<html'), 'a fragment');
  assert.is(fragment.$('#month-title').text(), 'Начисления за октябрь 2026');
  const boosted = await client.get(url, { 'HX-Request': 'true' });
  assert.ok(boosted.text.includes('<html'), 'a boosted request gets the page');
  const list = await client.get(`${base}/charges`);
  const link = list.$('tr[data-period="2026-10"] a');
  assert.is(link.attr('href'), url);
  assert.is(link.attr('hx-get'), url);
  assert.is(link.attr('hx-target'), '#history-details');
  assert.is(list.$('#download-csv').attr('hx-boost'), 'false', 'the download is not swapped into the page');
});

history('the range form: typed months, clipping to the history, and each bad input next to its field', async ({ client, base, app }) => {
  const typed = await client.get(`${base}/charges?from=09.2026&to=2026-10`);
  assert.is(typed.status, 200);
  assert.equal(rowsOf(typed).map((_, tr) => typed.$(tr).attr('data-period')).get(), ['2026-10', '2026-09']);
  assert.is(typed.$('#from').val(), '09.2026', 'the typed value is kept');
  assert.is(typed.$('#from').attr('type'), 'text', 'kept as text so the browser does not drop it');

  const clipped = await client.get(`${base}/readings?from=2020-01&to=2026-11`);
  assert.is(clipped.status, 200);
  assert.ok(clipped.$('#range-notice').text().includes('с 2025-07 по 2026-11'), clipped.$('#range-notice').text());

  const cases: [string, string, string][] = [
    ['from after to', '?from=2026-10&to=2026-01', 'to'],
    ['a malformed from', '?from=abc&to=2026-01', 'from'],
    ['month 13', '?from=2026-13', 'from'],
    ['a range of 100 years', '?from=1926-01&to=2026-01', 'to'],
    ['a range entirely before the history', '?from=2019-01&to=2019-12', 'to'],
    ['a range entirely after the history', '?from=2030-01&to=2030-02', 'from'],
  ];
  for (const [name, query, field] of cases) {
    for (const view of ['readings', 'payments', 'charges', 'consumption']) {
      const page = await client.get(`${base}/${view}${query}`);
      assert.is(page.status, 422, `${name} (${view})`);
      assert.ok(page.$(`#${field}-error`).text().length > 10, `${name}: a message by ${field}`);
      assert.is(page.$(`#${field}`).attr('aria-describedby'), `${field}-hint ${field}-error`);
      assert.is(page.$(`#error-summary a[href="#${field}"]`).length, 1);
      assert.is(page.$('#history-table').length, 0);
    }
    const csv = await client.get(`${base}/charges.csv${query}`);
    assert.is(csv.status, 422, `${name}: the CSV too`);
  }
  const century = await client.get(`${base}/charges?from=1926-01&to=2026-01`);
  assert.ok(century.$('#to-error').text().includes('10 лет'));
  const before = await client.get(`${base}/charges?from=2019-01&to=2019-12`);
  assert.ok(before.$('#to-error').text().includes('с 2025-07 по 2026-11'));
  assert.equal(app.errors, []);
});

history('bad URLs: a malformed or foreign month, an unknown view, someone else\'s account', async ({ client, base, otherBase, app }) => {
  for (const path of ['/charges/2026-13', '/charges/26-10', '/readings/2026-1', '/payments/abcd-ef', '/consumption/2026-10-01']) {
    const page = await client.get(base + path);
    assert.is(page.status, 404, path);
    assert.ok(page.$('#period-problem').text().includes('ГГГГ-ММ'), path);
  }
  const outside = await client.get(`${base}/charges/2019-05`);
  assert.is(outside.status, 404);
  assert.ok(outside.$('#period-problem').text().includes('За 2019-05 истории по счёту нет'));
  assert.is((await client.get(`${base}/readings/2027-01`)).status, 404);
  for (const path of ['/bills', '/bills/2026-10', '/bills.csv', '/readings.pdf']) assert.is((await client.get(base + path)).status, 404, path);
  for (const path of ['', '/charges', '/charges/2026-10', '/charges.csv']) assert.is((await client.get(otherBase + path)).status, 404, `foreign ${path}`);
  assert.equal(app.errors, []);
});

history.run();
