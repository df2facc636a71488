// «Передать показания без входа»: the journey and every bad input over real HTTP, checked in the
// database — the proof, the grant the form's POST is checked against, the throttle, the audit.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createClient, type Client } from '../helpers/http.ts';
import { seedAccount, seedMonthlyCharge, seedReading, seedTariffs, setBalance, type SeededAccount } from '../helpers/fixtures.ts';
import { hashSecret } from '../../services/platform/tokens.ts';

const nbsp = '\u00a0';
const wrongProofText = 'Номер лицевого счёта и заводской номер счётчика не подходят друг к другу';
const guest = suite<{ app: TestApp }>('readings without login');

guest.before(async (context) => {
  // TRUST_PROXY: each test comes from its own address (X-Forwarded-For), so the per-IP limit is per test.
  context.app = await startTestApp({ env: { TRUST_PROXY: '1' } });
  seedTariffs(context.app.db);
});
guest.after(async ({ app }) => app.close());
guest.before.each(({ app }) => app.clock.set('2026-11-20T09:00:00Z'));

let nextIp = 1;

/** A visitor with no session, from an address of its own. */
function visitor(app: TestApp, ip = `198.51.100.${nextIp++}`): Client {
  return createClient(app.baseUrl, { headers: { 'x-forwarded-for': ip } });
}

/** A one-zone account with October's 1000 accepted, 150 kWh usual in November, an address and a debt. */
function seed(app: TestApp, options: { zones?: 1 | 2 | 3 } = {}): SeededAccount {
  const zones = options.zones ?? 1;
  const account = seedAccount(app.db, { zones, address: 'г. Калуга, ул. Секретная, д. 7', holder: 'Петрова А. А.' });
  [1000, 500, 300].slice(0, zones).forEach((value, i) => seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, zone: i + 1, value }));
  seedMonthlyCharge(app.db, account.id, '2025-11', 150, 105_000, '2025-12-10');
  setBalance(app.db, account.id, -123_456);
  return account;
}

/** The visitor proves the account and lands on its readings form. */
async function proved(app: TestApp, account: SeededAccount, client = visitor(app)) {
  const sent = await client.post('/readings', { accountNumber: account.number, proof: account.serial! });
  assert.is(sent.status, 303, sent.$('#error-summary').text());
  assert.is(sent.location, '/readings/submit');
  return { client, form: await client.follow(sent) };
}

function stored(app: TestApp, accountId: number) {
  return app.db.prepare('SELECT seq, zone, value, status, source, user_id FROM readings WHERE account_id = ? AND source = ? ORDER BY seq, zone').all(accountId, 'customer');
}

function auditEvents(app: TestApp, accountId: number | null, prefix: string) {
  return app.db
    .prepare('SELECT event, user_id, detail FROM audit_log WHERE event LIKE ? AND account_id IS ? ORDER BY id')
    .all(`${prefix}%`, accountId) as { event: string; user_id: number | null; detail: string | null }[];
}

guest('the journey: login page → proof → the meter\'s form with hints only → result page, stored without a user', async ({ app }) => {
  const account = seed(app);
  const client = visitor(app);
  const login = await client.get('/login');
  assert.is(login.$('#readings-without-login').attr('href'), '/readings');
  const page = await client.get('/readings');
  assert.is(page.status, 200);
  assert.is(page.$('form[action="/readings"] input[name="_csrf"]').length, 1);

  // The serial as people type it: lower case, spaces.
  const sent = await client.post('/readings', { accountNumber: account.number, proof: ` sn ${account.number.slice(0, 4)} ${account.number.slice(4)} ` });
  assert.is(sent.status, 303);
  const form = await client.follow(sent);
  assert.is(form.status, 200);
  assert.is(form.headers.get('cache-control'), 'no-store');
  assert.is(form.$('form[action="/readings/submit"] input[name="_csrf"]').length, 1);
  assert.is(form.$('#zone1-hint').text().trim(), 'Предыдущие принятые: 1000. Только цифры до запятой, не больше 6.', 'the value, not its date');
  assert.is(form.$('#zone1').attr('hx-post'), '/readings/submit/check?zone=1');
  for (const personal of ['Секретная', 'Петрова', '1 234,56', `1${nbsp}234,56`, 'Баланс', 'Задолженность', 'История']) {
    assert.not.ok(form.text.includes(personal), `the form shows nothing personal: ${personal}`);
  }

  const submitted = await client.post('/readings/submit', { zone1: '1150' });
  assert.is(submitted.status, 303);
  assert.is(submitted.location, '/readings/done');
  const done = await client.follow(submitted);
  assert.ok(done.$('#reading-status').text().includes('принято к расчёту'));
  assert.is(done.headers.get('cache-control'), 'no-store');
  assert.is(done.$('[data-consumption-zone="1"]').text(), `150${nbsp}кВт·ч`);
  assert.ok(done.$('#estimate').text().includes(`1${nbsp}050,00${nbsp}₽`));
  assert.is(done.$('#guest-next a[href="/readings"]').length, 1);
  assert.not.ok(done.text.includes('Секретная'));

  assert.equal(stored(app, account.id), [{ seq: 2, zone: 1, value: 1150, status: 'accepted', source: 'customer', user_id: null }]);
  const events = auditEvents(app, account.id, 'reading.');
  assert.equal(events.map((e) => e.event), ['reading.without_login.proved', 'reading.submitted']);
  assert.equal(JSON.parse(events[1].detail!), { seq: 2, period: '2026-11', withoutLogin: true });
  assert.is(events[1].user_id, null);

  // One proof, one submission: a replayed POST stores nothing, and the form now shows the result.
  const replay = await client.post('/readings/submit', { zone1: '1200' });
  assert.is(replay.status, 303);
  assert.is(replay.location, '/readings?notice=expired');
  assert.ok((await client.follow(replay)).$('#notice').text().includes('истекло или показания уже переданы'));
  assert.is((await client.get('/readings/submit')).location, '/readings/done');
  assert.equal(stored(app, account.id).length, 1);
});

guest('an unknown account, a wrong serial and an account without a meter get the same answer', async ({ app }) => {
  const account = seed(app);
  const noMeter = seedAccount(app.db, { zones: null });
  const client = visitor(app);
  const answers = [
    await client.post('/readings', { accountNumber: '999999999', proof: 'SN000000000' }),
    await client.post('/readings', { accountNumber: account.number, proof: 'SN000000000' }),
    await client.post('/readings', { accountNumber: noMeter.number, proof: 'SN000000000' }),
  ];
  for (const page of answers) {
    assert.is(page.status, 422);
    assert.ok(page.$('#proof-error').text().includes(wrongProofText), page.$('#proof-error').text());
    assert.is(page.$('#accountNumber-error').length, 0, 'the account number is not singled out');
    assert.is(page.$('#proof').val(), 'SN000000000', 'the typed value is kept');
    assert.not.ok(page.headers.getSetCookie().some((c) => c.startsWith('svet_readings=')), 'no grant');
  }
  const main = (page: (typeof answers)[number], number: string) => page.$('main').html()!.replaceAll(`value="${number}"`, 'value="N"');
  assert.is(main(answers[0], '999999999'), main(answers[1], account.number), 'the same page, whatever the reason');
  assert.is((app.db.prepare('SELECT count(*) AS n FROM reading_grants WHERE account_id IN (?, ?)').get(account.id, noMeter.id) as { n: number }).n, 0);
  assert.equal(auditEvents(app, account.id, 'reading.without_login').map((e) => e.event), ['reading.without_login.wrong_proof']);
  assert.equal(auditEvents(app, null, 'reading.without_login.wrong_proof').length >= 1, true, 'an unknown account is logged too');
  assert.is((await client.get('/readings/submit')).location, '/readings?notice=expired', 'no form without a proof');
});

guest('bad proof input: empty fields and a malformed account number', async ({ app }) => {
  const client = visitor(app);
  const empty = await client.post('/readings', {});
  assert.is(empty.status, 422);
  assert.ok(empty.$('#error-summary').length === 1);
  assert.ok(empty.$('#accountNumber-error').text().includes('Введите номер лицевого счёта'));
  assert.ok(empty.$('#proof-error').text().includes('Введите заводской номер счётчика'));
  const malformed = await client.post('/readings', { accountNumber: '12 345', proof: 'x'.repeat(41) });
  assert.is(malformed.status, 422);
  assert.ok(malformed.$('#accountNumber-error').text().includes('ровно 9 цифр'));
  assert.ok(malformed.$('#proof-error').text().includes('Слишком длинное'));
  assert.is(malformed.$('#accountNumber').val(), '12 345');
});

guest('throttled per account: five wrong serials, then even the right one waits; the count is in SQLite', async ({ app }) => {
  const account = seed(app);
  for (let i = 0; i < 5; i++) {
    // From different addresses: the account's own limit holds.
    assert.is((await visitor(app).post('/readings', { accountNumber: account.number, proof: `WRONG${i}` })).status, 422);
  }
  const hits = app.db.prepare('SELECT count(*) AS n FROM throttle_hits WHERE key = ?').get(`readings:account:${account.number}`) as { n: number };
  assert.is(hits.n, 5);
  const client = visitor(app);
  const blocked = await client.post('/readings', { accountNumber: account.number, proof: account.serial! });
  assert.is(blocked.status, 429);
  assert.ok(blocked.$('#error-summary').text().includes('Слишком много попыток'));
  assert.is(blocked.$('#accountNumber').val(), account.number);
  assert.equal(auditEvents(app, null, 'reading.without_login.throttled').map((e) => JSON.parse(e.detail!).by).includes('account'), true);
  app.clock.advance(15 * 60 + 1);
  await proved(app, account, client);
});

guest('throttled per IP: fifty wrong tries from one address stop it for every account', async ({ app }) => {
  const account = seed(app);
  const client = visitor(app, '203.0.113.77');
  for (let i = 0; i < 50; i++) {
    const page = await client.post('/readings', { accountNumber: String(700000000 + i), proof: 'SN1' });
    assert.is(page.status, 422, `try ${i}`);
  }
  const blocked = await client.post('/readings', { accountNumber: account.number, proof: account.serial! });
  assert.is(blocked.status, 429);
  await proved(app, account, visitor(app, '203.0.113.78'));
});

const badValues: [string, string, string][] = [
  ['a comma', '1150,5', 'Только цифры до запятой'],
  ['too many digits', '1234567', 'не больше 6 цифр'],
  ['a value below the last accepted', '999', 'меньше предыдущих принятых (1000)'],
  ['nothing', '', 'Введите показания'],
];

for (const [name, value, message] of badValues) {
  guest(`bad readings: ${name}`, async ({ app }) => {
    const account = seed(app);
    const { client } = await proved(app, account);
    const page = await client.post('/readings/submit', { zone1: value });
    assert.is(page.status, 422);
    assert.ok(page.$('#zone1-error').text().includes(message), page.$('#zone1-error').text());
    assert.is(page.$('#zone1').val(), value || undefined, 'the typed value is kept');
    assert.equal(stored(app, account.id), []);
    // The grant is not spent by a refusal.
    assert.is((await client.post('/readings/submit', { zone1: '1100' })).location, '/readings/done');
  });
}

guest('bad readings: a zone the meter does not have, and a missing zone of a two-zone meter', async ({ app }) => {
  const one = seed(app);
  const extra = await (await proved(app, one)).client.post('/readings/submit', { zone1: '1100', zone3: '5' });
  assert.is(extra.status, 422);
  assert.ok(extra.$('#error-summary').text().includes('зоны 3 быть не может'));
  const two = seed(app, { zones: 2 });
  const { client, form } = await proved(app, two);
  assert.is(form.$('input[name="zone2"]').length, 1);
  const missing = await client.post('/readings/submit', { zone1: '1100' });
  assert.is(missing.status, 422);
  assert.ok(missing.$('#zone2-error').text().includes('Введите показания'));
  assert.equal(stored(app, one.id), []);
  assert.equal(stored(app, two.id), []);
});

guest('a jump asks for confirmation, then is stored for review and said so', async ({ app }) => {
  const account = seed(app);
  const { client } = await proved(app, account);
  const asked = await client.post('/readings/submit', { zone1: '5000' });
  assert.is(asked.status, 200);
  assert.ok(asked.$('#confirmation').text().includes('намного больше обычного'));
  assert.is(asked.$('#zone1').val(), '5000');
  assert.is(asked.$('#confirm').length, 1);
  assert.equal(stored(app, account.id), [], 'nothing stored before the confirmation');
  const confirmed = await client.post('/readings/submit', { zone1: '5000', confirm: 'yes' });
  assert.is(confirmed.location, '/readings/done');
  const done = await client.follow(confirmed);
  assert.ok(done.$('h1').text().includes('на проверку'));
  assert.ok(done.$('#reading-status').text().includes('на проверке'));
  assert.equal(stored(app, account.id), [{ seq: 2, zone: 1, value: 5000, status: 'review', source: 'customer', user_id: null }]);
  assert.equal(auditEvents(app, account.id, 'reading.flagged').length, 1);
});

guest('the readings POST trusts only the grant: no cookie, a forged one, an expired one, an account id in the form', async ({ app }) => {
  const account = seed(app);
  const other = seed(app);
  const stranger = visitor(app);
  assert.is((await stranger.post('/readings/submit', { zone1: '1100', accountId: String(account.id), accountNumber: account.number })).location, '/readings?notice=expired');
  stranger.jar.set('svet_readings', 'a'.repeat(32));
  assert.is((await stranger.post('/readings/submit', { zone1: '1100' })).location, '/readings?notice=expired');
  assert.is((await stranger.get('/readings/done')).location, '/readings?notice=expired');

  // A grant for one account does not reach another, whatever the form says.
  const { client } = await proved(app, account);
  await client.post('/readings/submit', { zone1: '1100', accountId: String(other.id), accountNumber: other.number });
  assert.equal(stored(app, other.id), []);
  assert.equal(stored(app, account.id).length, 1);

  const late = await proved(app, account);
  app.clock.advance(15 * 60 + 1);
  assert.is((await late.client.post('/readings/submit', { zone1: '1200' })).location, '/readings?notice=expired');
  assert.equal(stored(app, account.id).length, 1);
  // Only the hash of the token is stored.
  const token = late.client.cookie('svet_readings')!;
  assert.is((app.db.prepare('SELECT count(*) AS n FROM reading_grants WHERE token_hash = ?').get(token) as { n: number }).n, 0);
  assert.is((app.db.prepare('SELECT count(*) AS n FROM reading_grants WHERE token_hash = ?').get(hashSecret(token)) as { n: number }).n, 1, 'its hash is');
});

guest('every form needs its CSRF token', async ({ app }) => {
  const account = seed(app);
  const { client } = await proved(app, account);
  assert.is((await client.post('/readings', { _csrf: 'x', accountNumber: account.number, proof: account.serial! })).status, 403);
  assert.is((await client.post('/readings/submit', { _csrf: 'x', zone1: '1100' })).status, 403);
  assert.is((await client.post('/readings/submit/check?zone=1', { _csrf: 'x', zone1: '1' })).status, 403);
  assert.equal(stored(app, account.id), []);
});

guest('htmx: a zone is checked as the visitor leaves it, only through a grant', async ({ app }) => {
  const account = seed(app);
  const { client } = await proved(app, account);
  const field = await client.post('/readings/submit/check?zone=1', { zone1: '999' }, { 'HX-Request': 'true' });
  assert.is(field.status, 200);
  assert.ok(field.$('#zone1-error').text().includes('меньше предыдущих принятых'));
  assert.is(field.$('#zone1-hint').text().trim(), 'Предыдущие принятые: 1000. Только цифры до запятой, не больше 6.', 'the value, not its date');
  assert.is(field.$('#zone1').attr('hx-post'), '/readings/submit/check?zone=1');
  assert.is((await client.post('/readings/submit/check?zone=2', { zone2: '1' })).status, 404, 'no such zone');
  assert.is((await visitor(app).post('/readings/submit/check?zone=1', { zone1: '999' })).status, 404, 'no grant');
});

guest.run();
