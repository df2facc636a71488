// Главная, Информация and linked accounts over real HTTP.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createClient, type Client } from '../helpers/http.ts';
import { seedAccount, seedCharge, seedMonthlyCharge, seedReading, seedTariffs, seedUser, setBalance } from '../helpers/fixtures.ts';

const nbsp = '\u00a0';
const cabinet = suite<{ app: TestApp }>('cabinet');

cabinet.before(async (context) => {
  context.app = await startTestApp();
  seedTariffs(context.app.db);
});
cabinet.after(async ({ app }) => app.close());

async function loggedIn(app: TestApp, accountId: number, number: string): Promise<{ client: Client; home: string; userId: number; linkId: number }> {
  const { userId, linkId } = await seedUser(app.db, accountId, { password: 'password-123' });
  const client = createClient(app.baseUrl);
  const login = await client.post('/login', { accountNumber: number, password: 'password-123' });
  assert.is(login.location, `/a/${linkId}/`);
  return { client, home: login.location!, userId, linkId };
}

cabinet('Главная shows the debt, the amount due with its date, the last readings and the tariff', async ({ app }) => {
  const account = seedAccount(app.db, { zones: 2 });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, zone: 1, value: 1500, submittedAt: Date.parse('2026-10-20T10:00:00Z') / 1000 });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, zone: 2, value: 700, submittedAt: Date.parse('2026-10-20T10:00:00Z') / 1000 });
  seedMonthlyCharge(app.db, account.id, '2026-10', 200, 123_456, '2026-11-10');
  setBalance(app.db, account.id, 123_456);
  const { client, home } = await loggedIn(app, account.id, account.number);
  const page = await client.get(home);
  assert.is(page.status, 200);
  assert.is(page.$('#balance').text().trim(), `Задолженность: 1${nbsp}234,56${nbsp}₽`);
  assert.ok(page.$('#last-charge').text().includes('октябрь 2026'));
  assert.is(page.$('#due-date').text(), '10.11.2026');
  assert.is(page.$('#last-readings td[data-zone="1"]').text(), '1500');
  assert.is(page.$('#last-readings td[data-zone="2"]').text(), '700');
  assert.is(page.$('#tariffs td[data-zone="1"][data-band="1"]').text(), `8,00${nbsp}₽`);
  assert.is(page.$('#tariffs td[data-zone="2"][data-band="2"]').text(), `8,00${nbsp}₽`);
  assert.is(page.$('#action-readings').attr('href'), `${home}readings`);
});

cabinet('an overpayment is shown as such and nothing is due', async ({ app }) => {
  const account = seedAccount(app.db);
  setBalance(app.db, account.id, -5_000);
  const { client, home } = await loggedIn(app, account.id, account.number);
  const page = await client.get(home);
  assert.is(page.$('#balance').text().trim(), `Переплата: 50,00${nbsp}₽`);
  assert.ok(page.$('#amount-due').text().includes(`0,00${nbsp}₽`));
});

cabinet('an account without a meter has no reading form and explains the norm', async ({ app }) => {
  const account = seedAccount(app.db, { zones: null, normKwh: 95 });
  const { client, home } = await loggedIn(app, account.id, account.number);
  const page = await client.get(home);
  assert.ok(page.$('#no-meter').text().includes('нормативу'));
  assert.is(page.$('#action-readings').length, 0);
  const form = await client.get(`${home}readings`);
  assert.is(form.$('form input[name="zone1"]').length, 0);
  assert.ok(form.$('#no-meter').text().includes(`95${nbsp}кВт·ч`));
  const post = await client.post(`${home}readings`, { zone1: '100' });
  assert.is(post.status, 422);
  assert.is((app.db.prepare('SELECT count(*) AS n FROM readings WHERE account_id = ?').get(account.id) as { n: number }).n, 0);
});

cabinet('Информация shows the premises, the meter and warns of an overdue verification', async ({ app }) => {
  const account = seedAccount(app.db, { zones: 3, address: 'д. Ромоданово, ул. Полевая, д. 3' });
  app.db.prepare("UPDATE meters SET verified_until = '2026-10-01' WHERE id = ?").run(account.meterId);
  const { client, home } = await loggedIn(app, account.id, account.number);
  const page = await client.get(`${home}info`);
  assert.is(page.$('#info-address').text(), 'д. Ромоданово, ул. Полевая, д. 3');
  assert.is(page.$('#meter-serial').text(), account.serial);
  assert.ok(page.$('#meter-zones').text().includes('трёхтарифный'));
  assert.ok(page.$('#meter-zones').text().includes('Пик (07–10, 17–21)'));
  assert.ok(page.$('#verification-warning').text().includes('истёк'));
  app.db.prepare("UPDATE meters SET verified_until = '2027-01-15' WHERE id = ?").run(account.meterId);
  assert.ok((await client.get(`${home}info`)).$('#verification-warning').text().includes('скоро'));
  app.db.prepare("UPDATE meters SET verified_until = '2031-01-15' WHERE id = ?").run(account.meterId);
  assert.is((await client.get(`${home}info`)).$('#verification-warning').length, 0);
});

cabinet('linking accounts: proof, twice, a sixth, someone else\'s primary, switching', async ({ app }) => {
  const primary = seedAccount(app.db);
  const { client, home, userId } = await loggedIn(app, primary.id, primary.number);
  const mothers = seedAccount(app.db, { serial: 'MUM-1' });
  await seedUser(app.db, mothers.id, { email: 'mum@example.ru' });

  const wrongProof = await client.post(`${home}accounts/new`, { accountNumber: mothers.number, proof: 'MUM-2' });
  assert.is(wrongProof.status, 422);
  assert.ok(wrongProof.$('#proof-error').text().includes('Не совпадает'));
  assert.is(wrongProof.$('#accountNumber').val(), mothers.number);

  const added = await client.post(`${home}accounts/new`, { accountNumber: mothers.number, proof: 'mum-1' });
  assert.is(added.status, 303, 'another user\'s primary account may be linked as an additional one');
  const mumHome = added.location!;
  const mumPage = await client.get(mumHome);
  assert.is(mumPage.$('#current-account').text(), mothers.number);

  const twice = await client.post(`${home}accounts/new`, { accountNumber: mothers.number, proof: 'MUM-1' });
  assert.ok(twice.$('#accountNumber-error').text().includes('уже подключён'));
  const own = await client.post(`${home}accounts/new`, { accountNumber: primary.number, proof: primary.serial! });
  assert.ok(own.$('#accountNumber-error').text().includes('уже подключён'));

  for (let i = 0; i < 4; i++) {
    const extra = seedAccount(app.db);
    assert.is((await client.post(`${home}accounts/new`, { accountNumber: extra.number, proof: extra.serial! })).status, 303);
  }
  const sixth = seedAccount(app.db);
  const refused = await client.post(`${home}accounts/new`, { accountNumber: sixth.number, proof: sixth.serial! });
  assert.is(refused.status, 422);
  assert.ok(refused.$('#accountNumber-error').text().includes('не больше 5'));
  const links = app.db.prepare('SELECT is_primary FROM account_links WHERE user_id = ?').all(userId) as { is_primary: number }[];
  assert.is(links.length, 6);
  assert.is(links.filter((l) => l.is_primary).length, 1, 'the registration account stays primary');

  const switcher = (await client.get(home)).$('#switch-link option');
  assert.is(switcher.length, 6);
  const mumLinkId = /\/a\/(\d+)\//.exec(mumHome)![1];
  const switched = await client.get(`/switch?link=${mumLinkId}&section=info`);
  assert.is(switched.status, 303);
  assert.is(switched.location, `/a/${mumLinkId}/info`);

  const mumsOwnLink = (app.db.prepare('SELECT l.id FROM account_links l JOIN users u ON u.id = l.user_id WHERE u.account_id = ?').get(mothers.id) as { id: number }).id;
  assert.is((await client.get(`/switch?link=${mumsOwnLink}`)).status, 404, 'switching to a link that is not yours');
  assert.is((await client.get(`/a/${mumsOwnLink}/`)).status, 404);
  const logged = app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'access.foreign_link' AND user_id = ?").get(userId) as { n: number };
  assert.ok(logged.n >= 1, 'the attempt is logged');
});

cabinet('linking a no-meter account takes the last bill as proof', async ({ app }) => {
  const primary = seedAccount(app.db);
  const { client, home } = await loggedIn(app, primary.id, primary.number);
  const cottage = seedAccount(app.db, { zones: null });
  seedCharge(app.db, cottage.id, '2026-10', 45_600);
  assert.is((await client.post(`${home}accounts/new`, { accountNumber: cottage.number, proof: '456' })).status, 303);
});

cabinet.run();
