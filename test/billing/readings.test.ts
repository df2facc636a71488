// «Передать показания»: every rule and bad input over real HTTP, checked in the database.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createClient, type Client } from '../helpers/http.ts';
import { seedAccount, seedMonthlyCharge, seedReading, seedTariffs, seedUser, type SeededAccount } from '../helpers/fixtures.ts';

const nbsp = '\u00a0';
const readings = suite<{ app: TestApp }>('readings');

readings.before(async (context) => {
  context.app = await startTestApp();
  seedTariffs(context.app.db);
});
readings.after(async ({ app }) => app.close());
readings.before.each(({ app }) => app.clock.set('2026-11-20T09:00:00Z'));

type Setup = { client: Client; home: string; account: SeededAccount };

/** An account with October's reading accepted (per zone) and 150 kWh usual in November. */
async function setup(app: TestApp, options: { zones?: 1 | 2 | 3; digits?: number; last?: number[] } = {}): Promise<Setup> {
  const zones = options.zones ?? 1;
  const account = seedAccount(app.db, { zones, digits: options.digits ?? 6 });
  const last = options.last ?? [1000, 500, 300].slice(0, zones);
  last.forEach((value, i) => seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, zone: i + 1, value }));
  seedMonthlyCharge(app.db, account.id, '2025-11', 150, 105_000, '2025-12-10');
  const { linkId } = await seedUser(app.db, account.id, { password: 'password-123' });
  const client = createClient(app.baseUrl);
  await client.post('/login', { accountNumber: account.number, password: 'password-123' });
  return { client, home: `/a/${linkId}/`, account };
}

function rows(app: TestApp, accountId: number) {
  return app.db.prepare('SELECT period, seq, zone, value, status, early, rollover, source FROM readings WHERE account_id = ? AND source = ? ORDER BY seq, zone').all(accountId, 'customer') as {
    period: string; seq: number; zone: number; value: number; status: string; early: number; rollover: number; source: string;
  }[];
}

readings('the form shows the previous reading, the period and takes a 1-zone reading', async ({ app }) => {
  const { client, home, account } = await setup(app);
  const form = await client.get(`${home}readings`);
  assert.ok(form.$('#zone1-hint').text().includes('Предыдущие принятые: 1000'));
  assert.ok(form.$('#reading-period').text().includes('ноябрь 2026'));
  const sent = await client.post(`${home}readings`, { zone1: '1150' });
  assert.is(sent.status, 303);
  const done = await client.follow(sent);
  assert.ok(done.$('#reading-status').text().includes('принято к расчёту'));
  assert.is(done.$('[data-consumption-zone="1"]').text(), `150${nbsp}кВт·ч`);
  assert.ok(done.$('#estimate').text().includes(`1${nbsp}050,00${nbsp}₽`), '150 kWh × 7,00 ₽');
  assert.equal(rows(app, account.id), [{ period: '2026-11', seq: 2, zone: 1, value: 1150, status: 'accepted', early: 0, rollover: 0, source: 'customer' }]);
});

readings('a 3-zone reading prices each zone and the volume band', async ({ app }) => {
  const { client, home } = await setup(app, { zones: 3 });
  app.db.prepare("UPDATE charges SET kwh = 1000 WHERE period = '2025-11'").run();
  const sent = await client.post(`${home}readings`, { zone1: '1600', zone2: '1100', zone3: '700' });
  const done = await client.follow(sent);
  // 600 + 600 + 400 = 1600 kWh: 1200 in band 1, 400 in band 2, shared by zone in proportion.
  // zone 1: 450 + 150, zone 2: 450 + 150, zone 3: 300 + 100 →
  // 450×9 + 150×18 + 450×7 + 150×14 + 300×4 + 100×8 = 4050 + 2700 + 3150 + 2100 + 1200 + 800 = 14 000 ₽
  assert.ok(done.$('#estimate').text().includes(`14${nbsp}000,00${nbsp}₽`), done.$('#estimate').text());
});

const badValues: [string, string, string][] = [
  ['a comma', '1150,5', 'Только цифры до запятой'],
  ['letters', '11a0', 'Только цифры до запятой'],
  ['spaces', '1 150', 'Только цифры до запятой'],
  ['a leading plus', '+1150', 'Только цифры до запятой'],
  ['a negative number', '-5', 'Только цифры до запятой'],
  ['12 digits for a 6-digit meter', '123456789012', 'не больше 6 цифр'],
  ['a value below the last one', '999', 'меньше предыдущих принятых (1000)'],
  ['nothing', '', 'Введите показания'],
];

for (const [name, value, message] of badValues) {
  readings(`refuses ${name}`, async ({ app }) => {
    const { client, home, account } = await setup(app);
    const page = await client.post(`${home}readings`, { zone1: value });
    assert.is(page.status, 422);
    assert.ok(page.$('#zone1-error').text().includes(message), page.$('#zone1-error').text());
    assert.is(page.$('#zone1').val(), value || undefined, 'the typed value is kept');
    assert.equal(rows(app, account.id), []);
  });
}

readings('refuses a zone the meter does not have, and a missing zone of a 2-zone meter', async ({ app }) => {
  const { client, home, account } = await setup(app);
  const extra = await client.post(`${home}readings`, { zone1: '1100', zone3: '5' });
  assert.is(extra.status, 422);
  assert.ok(extra.$('#error-summary').text().includes('зоны 3 быть не может'));
  const two = await setup(app, { zones: 2 });
  const missing = await two.client.post(`${two.home}readings`, { zone1: '1100' });
  assert.is(missing.status, 422);
  assert.ok(missing.$('#zone2-error').text().includes('Введите показания'));
  assert.equal(rows(app, account.id), []);
  assert.equal(rows(app, two.account.id), []);
});

readings('a rollover past the capacity is recognised, shown and stored after confirmation', async ({ app }) => {
  const { client, home, account } = await setup(app, { digits: 5, last: [99_950] });
  const asked = await client.post(`${home}readings`, { zone1: '00030' });
  assert.is(asked.status, 200);
  assert.ok(asked.$('#confirmation').text().includes('прошёл через ноль'));
  assert.ok(asked.$('#confirmation').text().includes('80 кВт·ч'));
  assert.equal(rows(app, account.id), [], 'nothing stored before the confirmation');
  const confirmed = await client.post(`${home}readings`, { zone1: '00030', confirm: 'yes' });
  assert.is(confirmed.status, 303);
  assert.is((await client.follow(confirmed)).$('[data-consumption-zone="1"]').text(), `80${nbsp}кВт·ч`);
  assert.equal(rows(app, account.id).map((r) => [r.value, r.status, r.rollover]), [[30, 'accepted', 1]]);
});

readings('an implausible jump asks for confirmation, then is flagged for an operator', async ({ app }) => {
  const { client, home, account } = await setup(app);
  const asked = await client.post(`${home}readings`, { zone1: '5000' });
  assert.is(asked.status, 200);
  assert.ok(asked.$('#confirmation').text().includes('намного больше обычного'));
  assert.is(asked.$('#zone1').val(), '5000');
  const confirmed = await client.post(`${home}readings`, { zone1: '5000', confirm: 'yes' });
  const done = await client.follow(confirmed);
  assert.ok(done.$('h1').text().includes('на проверку'));
  assert.equal(rows(app, account.id).map((r) => r.status), ['review']);
  const flagged = app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'reading.flagged' AND account_id = ?").get(account.id) as { n: number };
  assert.is(flagged.n, 1);
});

readings('a second submission in the period replaces the first', async ({ app }) => {
  const { client, home, account } = await setup(app);
  await client.post(`${home}readings`, { zone1: '1100' });
  await client.post(`${home}readings`, { zone1: '1120' });
  assert.equal(rows(app, account.id).map((r) => [r.value, r.status]), [[1100, 'replaced'], [1120, 'accepted']]);
  const reason = app.db.prepare("SELECT reason FROM readings WHERE account_id = ? AND status = 'replaced'").get(account.id) as { reason: string };
  assert.ok(reason.reason.includes('Заменено'));
});

readings('after the window a reading counts for the next month, and the form says so first', async ({ app }) => {
  app.clock.set('2026-11-26T09:00:00Z');
  const { client, home, account } = await setup(app);
  const form = await client.get(`${home}readings`);
  assert.ok(form.$('#reading-period').text().includes('декабрь 2026'));
  assert.ok(form.$('#reading-period').text().includes('закончился 25-го'));
  await client.post(`${home}readings`, { zone1: '1100' });
  assert.equal(rows(app, account.id).map((r) => [r.period, r.early]), [['2026-12', 0]]);
});

readings('before the window a reading counts for this month and is marked early', async ({ app }) => {
  app.clock.set('2026-11-05T09:00:00Z');
  const { client, home, account } = await setup(app);
  const form = await client.get(`${home}readings`);
  assert.ok(form.$('#reading-period').text().includes('ноябрь 2026'));
  assert.ok(form.$('#reading-period').text().includes('досрочные'));
  const done = await client.follow(await client.post(`${home}readings`, { zone1: '1100' }));
  assert.ok(done.$('#reading-status').text().includes('досрочные'));
  assert.equal(rows(app, account.id).map((r) => [r.period, r.early]), [['2026-11', 1]]);
});

readings('a period already closed by billing sends the reading to the next one', async ({ app }) => {
  const { client, home, account } = await setup(app);
  seedMonthlyCharge(app.db, account.id, '2026-11', 100, 70_000, '2026-12-10');
  await client.post(`${home}readings`, { zone1: '1100' });
  assert.equal(rows(app, account.id).map((r) => r.period), ['2026-12']);
});

readings('another account\'s submission page is a 404', async ({ app }) => {
  const mine = await setup(app);
  const theirs = await setup(app);
  const sent = await theirs.client.post(`${theirs.home}readings`, { zone1: '1100' });
  const seq = /readings\/(\d+)$/.exec(sent.location!)![1];
  assert.is((await mine.client.get(`${mine.home}readings/${seq}`)).status, 404, 'the seq is per account: mine has none');
  assert.is((await mine.client.get(`${theirs.home}readings/${seq}`)).status, 404);
  assert.is((await mine.client.post(`${theirs.home}readings`, { zone1: '1200' })).status, 404);
  assert.equal(rows(app, theirs.account.id).map((r) => r.value), [1100]);
});

readings('submissions sent at the same moment (the group commit) are each stored once, under the number each answer names', async ({ app }) => {
  const customers = await Promise.all(Array.from({ length: 6 }, () => setup(app)));
  const answers = await Promise.all(customers.map(({ client, home }, i) => client.post(`${home}readings`, { zone1: String(1100 + i) })));
  customers.forEach(({ account, home }, i) => {
    assert.is(answers[i].status, 303);
    assert.is(answers[i].headers.get('location'), `${home}readings/2`);
    assert.equal(rows(app, account.id).map((row) => [row.seq, row.value, row.status]), [[2, 1100 + i, 'accepted']]);
  });

  const { client, home, account } = customers[0];
  const again = await Promise.all([1201, 1202, 1203, 1204].map((value) => client.post(`${home}readings`, { zone1: String(value) })));
  const numbers = again.map((answer) => Number(answer.headers.get('location')!.split('/').pop()));
  assert.equal([...numbers].sort(), [3, 4, 5, 6], 'each answer names its own submission');
  const stored = rows(app, account.id);
  numbers.forEach((seq, i) => assert.is(stored.find((row) => row.seq === seq)!.value, 1201 + i, 'the number answered is the value sent'));
  assert.equal(stored.filter((row) => row.status === 'accepted').map((row) => row.seq), [6], 'only the last one stays live; the others are replaced');
});

readings.run();
