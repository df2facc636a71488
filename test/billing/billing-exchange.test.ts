// The billing exchange: CSV import (idempotent, all-or-nothing per file, report of rejected lines,
// CP1251 recognised) and the exports; timed on files of 1,000 and 100,000 lines.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { seedAccount, seedReading, seedTariffs, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http.ts';

const test = suite<{ app: TestApp; dir: string }>('billing exchange');

test.before(async (context) => {
  context.app = await startTestApp({ smtp: true });
  context.dir = mkdtempSync(join(tmpdir(), 'svet-exchange-'));
});
test.after(async ({ app, dir }) => {
  await app.close();
  rmSync(dir, { recursive: true, force: true });
});

const csv = (...lines: string[]) => Buffer.from(`${lines.join('\r\n')}\r\n`);
const one = <T>(app: TestApp, sql: string, ...args: unknown[]) => app.db.prepare(sql).get(...args) as T;

test('accounts, meters, tariffs, charges and payments load; a second run changes nothing', async ({ app }) => {
  const { billingExchange: exchange } = app.services;
  const files = {
    accounts: csv('account_number;holder;address;category;norm_kwh', '700000001;Петров П. П.;"г. Калуга, ул. Мира, д. 1; кв. 2";urban_gas;120', '700000002;"Сидорова ""Анна"" И.";д. Ивановка, 5;rural;90'),
    meters: csv('account_number;serial;model;zones;digits;installed_on;verified_until', '700000001;M-1;Меркурий 201;2;6;2024-01-10;2032-01-10'),
    tariffs: csv('category;zones;zone;band_from_kwh;band_to_kwh;valid_from;valid_to;kopecks_per_kwh', 'urban_gas;2;1;0;;2026-07-01;;810', 'urban_gas;2;2;0;;2026-07-01;;420'),
    charges: csv('account_number;period;basis;kwh;amount_kopecks;due_on', '700000001;2026-10;readings;150;110000;2026-11-10', '700000002;2026-10;norm;90;44100;2026-11-10'),
    payments: csv('account_number;payment_id;paid_on;amount_kopecks;channel', '700000001;PP-1001;2026-10-05;50000;bank', '700000002;PP-1002;2026-10-06;44100;post'),
  };
  for (const [kind, bytes] of Object.entries(files)) {
    const report = exchange.importFile(kind as 'accounts', bytes);
    assert.ok(report.imported, `${kind}: ${JSON.stringify(report)}`);
    assert.is(report.inserted, report.lines, kind);
  }
  const petrov = one<{ id: number; address: string; balance_kopecks: number }>(app, 'SELECT id, address, balance_kopecks FROM accounts WHERE number = ?', '700000001');
  assert.is(petrov.address, 'г. Калуга, ул. Мира, д. 1; кв. 2');
  assert.is(one<{ holder: string }>(app, "SELECT holder FROM accounts WHERE number = '700000002'").holder, 'Сидорова "Анна" И.');
  assert.is(petrov.balance_kopecks, 110000 - 50000, 'the ledger moved the balance');
  assert.equal(one(app, 'SELECT source, amount_kopecks FROM charges WHERE account_id = ?', petrov.id), { source: 'imported', amount_kopecks: 110000 });
  assert.is(one<{ n: number }>(app, 'SELECT count(*) AS n FROM ledger WHERE account_id = ?', petrov.id).n, 2);

  const snapshot = () => app.db.prepare('SELECT (SELECT count(*) FROM accounts) a, (SELECT count(*) FROM meters) m, (SELECT count(*) FROM tariffs) t, (SELECT count(*) FROM charges) c, (SELECT count(*) FROM payments) p, (SELECT count(*) FROM ledger) l, (SELECT sum(balance_kopecks) FROM accounts) b').get();
  const before = snapshot();
  for (const [kind, bytes] of Object.entries(files)) {
    const report = exchange.importFile(kind as 'accounts', bytes);
    assert.ok(report.imported);
    assert.is(report.unchanged, report.lines, `${kind} again: unchanged`);
  }
  assert.equal(snapshot(), before, 'idempotent');

  // A corrected charge replaces the old one by a recalculation entry; a changed address updates.
  const fixed = exchange.importFile('charges', csv('account_number;period;basis;kwh;amount_kopecks;due_on', '700000001;2026-10;readings;140;100000;2026-11-10'));
  assert.is(fixed.updated, 1);
  assert.equal(one(app, "SELECT kind, amount_kopecks FROM ledger WHERE account_id = ? ORDER BY seq DESC LIMIT 1", petrov.id), { kind: 'recalculation', amount_kopecks: -10000 });
  assert.is(one<{ balance_kopecks: number }>(app, 'SELECT balance_kopecks FROM accounts WHERE id = ?', petrov.id).balance_kopecks, 50000);
  // A new meter replaces the old one from its installation day.
  const swapped = exchange.importFile('meters', csv('account_number;serial;model;zones;digits;installed_on;verified_until', '700000001;M-2;Нева 103;1;6;2026-11-01;2042-11-01'));
  assert.ok(swapped.imported);
  assert.equal(app.db.prepare('SELECT serial, removed_on FROM meters WHERE account_id = ? ORDER BY id').all(petrov.id), [{ serial: 'M-1', removed_on: '2026-11-01' }, { serial: 'M-2', removed_on: null }]);
});

test('an imported charge wins over a computed one, and the monthly close leaves that period alone', async ({ app }) => {
  seedTariffs(app.db);
  const account = seedAccount(app.db, { number: '700000010' });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-09', seq: 1, value: 1000 });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 2, value: 1100 });
  app.services.monthlyClose.close('2026-10');
  const computed = one<{ source: string; amount_kopecks: number }>(app, "SELECT source, amount_kopecks FROM charges WHERE account_id = ? AND period = '2026-10'", account.id);
  assert.is(computed.source, 'computed');
  const report = app.services.billingExchange.importFile('charges', csv('account_number;period;basis;kwh;amount_kopecks;due_on', `700000010;2026-10;readings;100;77700;2026-11-10`));
  assert.is(report.updated, 1);
  assert.equal(one(app, "SELECT source, amount_kopecks FROM charges WHERE account_id = ? AND period = '2026-10'", account.id), { source: 'imported', amount_kopecks: 77700 });
  assert.is(one<{ s: number }>(app, 'SELECT sum(amount_kopecks) AS s FROM ledger WHERE account_id = ?', account.id).s, 77700);
  assert.is(one<{ n: number }>(app, "SELECT count(*) AS n FROM charge_lines WHERE account_id = ? AND period = '2026-10'", account.id).n, 0);
  app.services.monthlyClose.close('2026-10');
  assert.equal(one(app, "SELECT source, amount_kopecks FROM charges WHERE account_id = ? AND period = '2026-10'", account.id), { source: 'imported', amount_kopecks: 77700 });
});

test('an imported charge can carry its lines by zone and band; the customer sees them; old six-column files still load', async ({ app }) => {
  const { billingExchange: exchange } = app.services;
  const account = seedAccount(app.db, { number: '700000020', zones: 2 });
  const lines = () => app.db.prepare("SELECT zone, band, kwh, kopecks_per_kwh, amount_kopecks FROM charge_lines WHERE account_id = ? AND period = '2026-10' ORDER BY zone, band").all(account.id);
  const header = 'account_number;period;basis;kwh;amount_kopecks;due_on;lines';
  const withLines = csv(header, '700000020;2026-10;readings;210;146700;2026-11-10;2:1:60:420:25200|1:1:150:810:121500');
  const first = exchange.importFile('charges', withLines);
  assert.ok(first.imported, JSON.stringify(first));
  assert.is(first.inserted, 1);
  assert.equal(lines(), [
    { zone: 1, band: 1, kwh: 150, kopecks_per_kwh: 810, amount_kopecks: 121500 },
    { zone: 2, band: 1, kwh: 60, kopecks_per_kwh: 420, amount_kopecks: 25200 },
  ]);
  assert.is(exchange.importFile('charges', withLines).unchanged, 1, 'the same file again changes nothing');

  // The customer's История shows the imported charge by zone, as a computed one.
  const { linkId } = await seedUser(app.db, account.id, { password: 'correct-horse-1' });
  const client = createClient(app.baseUrl);
  await client.post('/login', { accountNumber: '700000020', password: 'correct-horse-1' });
  const month = await client.get(`/a/${linkId}/history/charges/2026-10`);
  assert.is(month.status, 200);
  assert.equal(month.$('#month-table tbody tr').map((_, tr) => month.$(tr).find('[data-col="amount"]').attr('data-value')).get(), ['121500', '25200']);
  assert.ok(month.$('#month-facts').text().includes('данные биллинга'));

  // A second band in zone 1: the lines are replaced, the amount moves by a recalculation.
  const changed = exchange.importFile('charges', csv(header, '700000020;2026-10;readings;210;148200;2026-11-10;1:1:100:810:81000|1:2:50:840:42000|2:1:60:420:25200'));
  assert.is(changed.updated, 1);
  assert.equal(lines().map((l) => `${(l as { zone: number }).zone}/${(l as { band: number }).band}`), ['1/1', '1/2', '2/1']);
  assert.is(one<{ s: number }>(app, "SELECT sum(amount_kopecks) AS s FROM ledger WHERE account_id = ? AND kind = 'recalculation'", account.id).s, 1500);

  // An empty lines field and a six-column file load too; the billing side's word without lines drops the old ones.
  assert.ok(exchange.importFile('charges', csv(header, '700000020;2026-09;norm;120;97200;2026-10-10;')).imported);
  const old = exchange.importFile('charges', csv('account_number;period;basis;kwh;amount_kopecks;due_on', '700000020;2026-10;readings;210;148200;2026-11-10'));
  assert.ok(old.imported && old.updated === 1, JSON.stringify(old));
  assert.equal(lines(), []);
});

test('bad charge lines are rejected with their reason, and nothing of the file is written', async ({ app }) => {
  const { billingExchange: exchange } = app.services;
  seedAccount(app.db, { number: '700000021', zones: 2 });
  const header = 'account_number;period;basis;kwh;amount_kopecks;due_on;lines';
  const report = exchange.importFile(
    'charges',
    csv(
      header,
      '700000021;2026-01;readings;210;146700;2026-02-10;1:1:150:810:121500|2:1:60:420:25200',
      '700000021;2026-02;readings;210;146700;2026-03-10;1:1:150:810:121500|2:1:50:420:21000',
      '700000021;2026-03;readings;210;146700;2026-04-10;1:1:150:810:121500|2:1:60:420:25000',
      '700000021;2026-04;readings;150;121500;2026-05-10;1:1:150:810',
      '700000021;2026-05;readings;150;121500;2026-05-10;4:1:150:810:121500',
      '700000021;2026-06;readings;150;121500;2026-07-10;1:1:100:810:81000|1:1:50:810:40500',
    ),
  );
  assert.not.ok(report.imported);
  assert.equal(report.rejected.map((r) => r.line), [3, 4, 5, 6, 7]);
  assert.ok(report.rejected[0].reason.includes('сумма кВт·ч по строкам 200, а kwh = 210'), report.rejected[0].reason);
  assert.ok(report.rejected[1].reason.includes('60 кВт·ч × 420 коп. = 25200, а не 25000'), report.rejected[1].reason);
  assert.ok(report.rejected[2].reason.includes('ожидается зона:ступень:кВт·ч:тариф:сумма'), report.rejected[2].reason);
  assert.ok(report.rejected[3].reason.includes('зона: 4 вне допустимых пределов'), report.rejected[3].reason);
  assert.ok(report.rejected[4].reason.includes('зона 1, ступень 1 указаны дважды'), report.rejected[4].reason);
  assert.is(one<{ n: number }>(app, "SELECT count(*) AS n FROM charges c JOIN accounts a ON a.id = c.account_id WHERE a.number = '700000021'").n, 0, 'the good first line is not written either');
  const wrongHeader = exchange.importFile('charges', csv('account_number;period;basis;kwh;amount_kopecks;due_on;zones', '1;2;3;4;5;6;7'));
  assert.ok(wrongHeader.error!.includes('account_number;period;basis;kwh;amount_kopecks;due_on или account_number;period;basis;kwh;amount_kopecks;due_on;lines'), wrongHeader.error!);
});

test('a file with a broken line or a duplicate account imports nothing and reports each line', async ({ app }) => {
  const { billingExchange: exchange } = app.services;
  const count = () => one<{ n: number }>(app, 'SELECT count(*) AS n FROM accounts').n;
  const before = count();
  const report = exchange.importFile(
    'accounts',
    csv(
      'account_number;holder;address;category;norm_kwh',
      '710000001;Иванов;г. Калуга;urban_gas;100',
      '710000002;"Петров;г. Калуга;urban_gas;100',
      '710000003;Сидоров;г. Калуга;urban_gas',
      '710000001;Иванов-дубль;г. Калуга;urban_gas;100',
      '71000000X;Кто-то;г. Калуга;urban_gas;100',
      '710000004;Некто;г. Калуга;city;100',
      '710000005;Некто;г. Калуга;rural;много',
    ),
  );
  assert.not.ok(report.imported);
  assert.is(count(), before, 'nothing written');
  assert.equal(report.rejected.map((r) => r.line), [3, 4, 5, 6, 7, 8]);
  assert.ok(report.rejected[0].reason.includes('кавычк'));
  assert.ok(report.rejected[1].reason.includes('полей 4, ожидается 5'));
  assert.ok(report.rejected[2].reason.includes('лицевой счёт 710000001 уже есть в строке 2'));
  assert.ok(report.rejected[3].reason.includes('не 9 цифр'));
  const wrongHeader = exchange.importFile('accounts', csv('number,holder,address', '1,2,3'));
  assert.not.ok(wrongHeader.imported);
  assert.ok(wrongHeader.error!.includes('account_number;holder;address;category;norm_kwh'));
  const unknown = exchange.importFile('payments', csv('account_number;payment_id;paid_on;amount_kopecks;channel', '799999999;X1;2026-10-01;100;bank', '700000001;X2;2026-02-30;100;bank'));
  assert.equal(unknown.rejected.map((r) => r.reason), ['лицевой счёт 799999999 не найден: загрузите его в accounts', 'paid_on: «2026-02-30» — не дата ГГГГ-ММ-ДД']);
});

test('CP1251 is recognised and decoded; UTF-16 is refused with a clear message', async ({ app }) => {
  const { billingExchange: exchange } = app.services;
  const text = 'account_number;holder;address;category;norm_kwh\r\n720000001;Ёлкин Пётр Щукинович;г. Калуга, ул. Щорса, 3;urban_electric;150\r\n';
  const cp1251 = Buffer.from([...text].map((ch) => {
    const code = ch.codePointAt(0)!;
    if (code < 0x80) return code;
    if (ch === 'Ё') return 0xa8;
    if (ch === 'ё') return 0xb8;
    if (code >= 0x410 && code <= 0x44f) return code - 0x410 + 0xc0;
    throw new Error(ch);
  }));
  const report = exchange.importFile('accounts', cp1251);
  assert.ok(report.imported, JSON.stringify(report));
  assert.is(report.encoding, 'windows-1251');
  assert.is(one<{ holder: string }>(app, "SELECT holder FROM accounts WHERE number = '720000001'").holder, 'Ёлкин Пётр Щукинович');
  const utf16 = exchange.importFile('accounts', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
  assert.not.ok(utf16.imported);
  assert.ok(utf16.error!.includes('UTF-16'));
  const bom = exchange.importFile('accounts', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]));
  assert.is(bom.encoding, 'utf-8');
  assert.is(bom.unchanged, 1);
});

test('exports: accepted readings of a period and the delivery choices', async ({ app }) => {
  const account = seedAccount(app.db, { number: '730000001', serial: 'SER;1' });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, value: 4321 });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 2, value: 9999, status: 'rejected' });
  const { linkId } = await seedUser(app.db, account.id, { password: 'correct-horse-1' });
  const client = createClient(app.baseUrl);
  await client.post('/login', { accountNumber: account.number, password: 'correct-horse-1' });
  assert.is((await client.post(`/a/${linkId}/settings/delivery`, { emailDelivery: 'yes', paperRefused: 'yes' })).status, 303);

  const readings = [...app.services.billingExchange.exportReadings('2026-10', '2026-10')].join('');
  const lines = readings.trim().split('\n');
  assert.is(lines[0], 'account_number;meter_serial;period;zone;value;submitted_at;source');
  assert.ok(lines.includes('730000001;"SER;1";2026-10;1;4321;2026-09-21T14:13:20.000Z;billing'), readings);
  assert.not.ok(readings.includes('9999'), 'only accepted readings');
  const delivery = [...app.services.billingExchange.exportDelivery('Europe/Moscow')].join('');
  assert.ok(delivery.includes('730000001;1;2026-11-20'), delivery);
});

test('the scripts: import-billing exits 1 with the report on a bad file, export-billing writes the CSV', async ({ app, dir }) => {
  const run = promisify(execFile);
  const env = { ...process.env, DATABASE_PATH: app.dbPath, NODE_ENV: 'test', DEMO_DATA: '0' };
  const good = join(dir, 'accounts.csv');
  writeFileSync(good, csv('account_number;holder;address;category;norm_kwh', '740000001;Кузнецов;г. Калуга;urban_gas;100'));
  const ok = await run('node', ['--import', 'tsx', 'scripts/import-billing.ts', 'accounts', good], { env });
  assert.ok(ok.stdout.includes('1 new'), ok.stdout);
  const bad = join(dir, 'bad.csv');
  writeFileSync(bad, csv('account_number;holder;address;category;norm_kwh', '740000002;Кузнецов;г. Калуга;urban_gas'));
  const failed = await run('node', ['--import', 'tsx', 'scripts/import-billing.ts', 'accounts', bad], { env }).catch((error) => error as { code: number; stdout: string });
  assert.is((failed as { code: number }).code, 1);
  assert.ok(failed.stdout.includes('line 2: полей 4, ожидается 5'), failed.stdout);
  const out = join(dir, 'delivery.csv');
  await run('node', ['--import', 'tsx', 'scripts/export-billing.ts', 'delivery', '--out', out], { env });
  assert.ok(readFileSync(out, 'utf8').startsWith('account_number;email_delivery;paper_refused_on\n'));
});

test('files of 1,000 and 100,000 lines: the import rate', async ({ app, dir }) => {
  const { billingExchange: exchange } = app.services;
  const rates: string[] = [];
  for (const size of [1_000, 100_000]) {
    const start = 800_000_000 + (size === 1_000 ? 0 : 10_000);
    const accounts = ['account_number;holder;address;category;norm_kwh'];
    const charges = ['account_number;period;basis;kwh;amount_kopecks;due_on'];
    for (let i = 0; i < size; i++) {
      accounts.push(`${start + i};Абонент ${i};г. Калуга, ул. Тестовая, д. ${i % 300}, кв. ${i % 97};${i % 3 === 0 ? 'rural' : 'urban_gas'};${100 + (i % 50)}`);
      charges.push(`${start + i};2026-10;norm;${100 + (i % 50)};${(100 + (i % 50)) * 736};2026-11-10`);
    }
    const accountsFile = join(dir, `accounts-${size}.csv`);
    const chargesFile = join(dir, `charges-${size}.csv`);
    writeFileSync(accountsFile, `${accounts.join('\n')}\n`);
    writeFileSync(chargesFile, `${charges.join('\n')}\n`);
    for (const [kind, file] of [['accounts', accountsFile], ['charges', chargesFile], ['accounts', accountsFile]] as const) {
      const report = exchange.importFile(kind, readFileSync(file));
      assert.ok(report.imported, `${kind} ${size}`);
      assert.is(report.lines, size);
      const rate = Math.round((size / Math.max(report.ms, 1)) * 1000);
      rates.push(`${kind} ${size.toLocaleString('en')} lines (${report.inserted ? 'new' : 'unchanged'}): ${report.ms} ms, ${rate.toLocaleString('en')} lines/s`);
    }
  }
  console.log(`\n  import rate:\n    ${rates.join('\n    ')}`);
});

test.run();
