// Настройки: e-mail change by code, phone, password, bill delivery, linked accounts, closing the
// cabinet, sessions; each bad input of issue 7 that belongs here.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { insertAccountLink } from '../../db/auth/users.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { seedAccount, seedReading, seedUser } from '../helpers/fixtures.ts';
import { createClient, type Client } from '../helpers/http.ts';

const test = suite<{ app: TestApp }>('settings');

test.before(async (context) => {
  context.app = await startTestApp({ smtp: true });
});
test.after(async ({ app }) => app.close());

async function customer(app: TestApp, options: { email?: string; userAgent?: string } = {}) {
  const account = seedAccount(app.db);
  const password = 'correct-horse-1';
  const email = options.email ?? `user${account.id}@example.ru`;
  const { userId, linkId } = await seedUser(app.db, account.id, { password, email });
  const client = login(app, options.userAgent);
  const page = await client.post('/login', { accountNumber: account.number, password });
  assert.is(page.status, 303);
  return { account, userId, linkId, client, password, email, home: `/a/${linkId}` };
}

function login(app: TestApp, userAgent = 'Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/130.0 Mobile Safari/537.36'): Client {
  return createClient(app.baseUrl, { headers: { 'user-agent': userAgent } });
}

function codeFrom(text: string): string {
  return /\b(\d{8})\b/.exec(text)![1];
}

test('the settings page shows personal data, accounts, delivery and sessions', async ({ app }) => {
  const me = await customer(app);
  const page = await me.client.get(`${me.home}/settings`);
  assert.is(page.status, 200);
  assert.is(page.$('#current-email').text(), me.email);
  assert.is(page.$('#current-phone').text(), '+79101234567');
  assert.is(page.$('#linked-accounts li').length, 1);
  assert.ok(page.$('#current-session').text().includes('Chrome, Android'));
  assert.ok(page.$('#current-session').text().includes('это устройство'));
  assert.is(page.$('[aria-current="page"]').text(), 'Настройки');
});

test('e-mail change: code to the new address, takes effect only after it, the old address is told', async ({ app }) => {
  const me = await customer(app);
  const asked = await me.client.post(`${me.home}/settings/email`, { email: 'New.Address@example.ru' });
  assert.is(asked.status, 303);
  assert.is(asked.location, `${me.home}/settings/email/confirm`);
  const letter = await app.smtp!.waitFor('new.address@example.ru');
  const code = codeFrom(letter.text!);
  const row = app.db.prepare("SELECT code_hash, payload FROM one_time_codes WHERE user_id = ? AND purpose = 'email_change'").get(me.userId) as { code_hash: string; payload: string };
  assert.not.ok(row.code_hash.includes(code), 'the code is stored hashed');
  assert.is((app.db.prepare('SELECT email FROM users WHERE id = ?').get(me.userId) as { email: string }).email, me.email, 'not changed before the code');

  const wrong = await me.client.post(`${me.home}/settings/email/confirm`, { code: code === '00000000' ? '11111111' : '00000000' });
  assert.is(wrong.status, 422);
  assert.ok(wrong.$('#code-error').text().includes('Неверный или просроченный код'));

  const ok = await me.client.post(`${me.home}/settings/email/confirm`, { code });
  assert.is(ok.status, 303);
  assert.is((app.db.prepare('SELECT email FROM users WHERE id = ?').get(me.userId) as { email: string }).email, 'New.Address@example.ru');
  const notice = await app.smtp!.waitFor(me.email);
  assert.ok(notice.text!.includes('изменён'), 'the old address gets a notice');
  assert.ok(notice.text!.includes('N***@example.ru'));
  const again = await me.client.post(`${me.home}/settings/email/confirm`, { code });
  assert.is(again.status, 422, 'a code works once');
});

test('e-mail change: an expired code and too many tries are refused', async ({ app }) => {
  const me = await customer(app);
  await me.client.post(`${me.home}/settings/email`, { email: 'late@example.ru' });
  const code = codeFrom((await app.smtp!.waitFor('late@example.ru')).text!);
  app.clock.advance(16 * 60);
  const late = await me.client.post(`${me.home}/settings/email/confirm`, { code });
  assert.is(late.status, 422);
  assert.ok(late.$('#code-error').text().includes('просроченный'));
  app.clock.advance(-16 * 60);

  await me.client.post(`${me.home}/settings/email`, { email: 'tries@example.ru' });
  const code2 = codeFrom((await app.smtp!.waitFor('tries@example.ru')).text!);
  const wrongCode = code2 === '12345678' ? '87654321' : '12345678';
  for (let i = 0; i < 5; i++) assert.is((await me.client.post(`${me.home}/settings/email/confirm`, { code: wrongCode })).status, 422);
  const right = await me.client.post(`${me.home}/settings/email/confirm`, { code: code2 });
  assert.is(right.status, 422, 'the code dies after five wrong tries');
  assert.is((app.db.prepare('SELECT email FROM users WHERE id = ?').get(me.userId) as { email: string }).email, me.email);
});

test('e-mail change to an address another user has is refused with a clear message', async ({ app }) => {
  const other = await customer(app, { email: 'taken@example.ru' });
  const me = await customer(app);
  const page = await me.client.post(`${me.home}/settings/email`, { email: 'TAKEN@example.ru' });
  assert.is(page.status, 422);
  assert.ok(page.$('#email-error').text().includes('уже указан в другом личном кабинете'));
  assert.is(page.$('#email').attr('value'), 'TAKEN@example.ru', 'the typed value is kept');
  assert.ok(other.userId > 0);
  const bad = await me.client.post(`${me.home}/settings/email`, { email: 'not-an-email' });
  assert.is(bad.status, 422);
});

test('phone change takes a Russian number in any usual form', async ({ app }) => {
  const me = await customer(app);
  const bad = await me.client.post(`${me.home}/settings/phone`, { phone: '12345' });
  assert.is(bad.status, 422);
  assert.ok(bad.$('#phone-error').text().includes('российский номер'));
  const ok = await me.client.post(`${me.home}/settings/phone`, { phone: '8 (910) 555-44-33' });
  assert.is(ok.status, 303);
  assert.is((app.db.prepare('SELECT phone FROM users WHERE id = ?').get(me.userId) as { phone: string }).phone, '+79105554433');
});

test('password change asks for the current one, ends other sessions and renews this one', async ({ app }) => {
  const me = await customer(app);
  const other = login(app, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:133.0) Gecko/20100101 Firefox/133.0');
  await other.post('/login', { accountNumber: me.account.number, password: me.password });
  assert.is((await other.get(`${me.home}/`)).status, 200);
  const oldCookie = me.client.cookie('svet_session');

  const wrong = await me.client.post(`${me.home}/settings/password`, { current: 'nope-nope-1', password: 'new-password-2', passwordConfirm: 'new-password-2' });
  assert.is(wrong.status, 422);
  assert.ok(wrong.$('#current-error').text().includes('Неверный пароль'));
  const mismatch = await me.client.post(`${me.home}/settings/password`, { current: me.password, password: 'new-password-2', passwordConfirm: 'other-one-2' });
  assert.is(mismatch.status, 422);
  assert.ok(mismatch.$('#passwordConfirm-error').length === 1);

  const ok = await me.client.post(`${me.home}/settings/password`, { current: me.password, password: 'new-password-2', passwordConfirm: 'new-password-2' });
  assert.is(ok.status, 303);
  assert.is.not(me.client.cookie('svet_session'), oldCookie, 'a new session token');
  assert.is((await me.client.get(`${me.home}/settings`)).status, 200, 'this browser stays in');
  assert.is((await other.get(`${me.home}/`)).status, 303, 'the other device is out');
  const stale = createClient(app.baseUrl);
  stale.jar.set('svet_session', oldCookie!);
  assert.is((await stale.get(`${me.home}/`)).status, 303, 'the old token is dead');
  assert.is((app.db.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ?').get(me.userId) as { n: number }).n, 1);
});

test('bill delivery by e-mail and refusal of paper bills, with the date', async ({ app }) => {
  const me = await customer(app);
  const refuseWithoutEmail = await me.client.post(`${me.home}/settings/delivery`, { paperRefused: 'yes' });
  assert.is(refuseWithoutEmail.status, 422);
  assert.ok(refuseWithoutEmail.$('#paperRefused-error').text().includes('электронную почту'));
  const ok = await me.client.post(`${me.home}/settings/delivery`, { emailDelivery: 'yes', paperRefused: 'yes' });
  assert.is(ok.status, 303);
  const row = app.db.prepare('SELECT email_delivery, paper_refused_at FROM accounts WHERE id = ?').get(me.account.id) as { email_delivery: number; paper_refused_at: number };
  assert.equal(row, { email_delivery: 1, paper_refused_at: Math.floor(app.clock.now() / 1000) });
  const page = await me.client.get(`${me.home}/settings`);
  assert.ok(page.$('#emailDelivery').is('[checked]'));
  assert.ok(page.$('#paper-refused-at').text().includes('20.11.2026'));
  await me.client.post(`${me.home}/settings/delivery`, {});
  const off = app.db.prepare('SELECT email_delivery, paper_refused_at FROM accounts WHERE id = ?').get(me.account.id);
  assert.equal(off, { email_delivery: 0, paper_refused_at: null });
});

test('an additional account is removed (the link only); then the primary is shown', async ({ app }) => {
  const me = await customer(app);
  const extra = seedAccount(app.db);
  const extraLink = insertAccountLink(app.db, { user_id: me.userId, account_id: extra.id, is_primary: 0, created_at: 1_790_000_000 });
  const confirm = await me.client.get(`/a/${extraLink}/settings/remove`);
  assert.is(confirm.status, 200);
  assert.is(confirm.$('#password').length, 0, 'no password for an additional account');
  const done = await me.client.post(`/a/${extraLink}/settings/remove`, {});
  assert.is(done.status, 303);
  assert.is(done.location, `${me.home}/settings?notice=link-removed`);
  assert.is((app.db.prepare('SELECT count(*) AS n FROM account_links WHERE user_id = ?').get(me.userId) as { n: number }).n, 1);
  assert.ok(app.db.prepare('SELECT id FROM accounts WHERE id = ?').get(extra.id), 'the account stays');
  assert.is((await me.client.get(`/a/${extraLink}/`)).status, 404);
});

test('closing the cabinet needs the password; it deletes the user and keeps the billing side', async ({ app }) => {
  const me = await customer(app);
  seedReading(app.db, { accountId: me.account.id, meterId: me.account.meterId!, period: '2026-10', seq: 1, value: 100 });
  const other = login(app);
  await other.post('/login', { accountNumber: me.account.number, password: me.password });
  await me.client.post(`${me.home}/settings/email`, { email: 'pending@example.ru' });

  const noPassword = await me.client.post(`${me.home}/settings/remove`, {});
  assert.is(noPassword.status, 422);
  assert.ok(noPassword.$('#password-error').text().includes('Введите пароль'));
  const wrong = await me.client.post(`${me.home}/settings/remove`, { password: 'wrong-password-1' });
  assert.is(wrong.status, 422);
  assert.ok(wrong.$('#password-error').text().includes('Неверный пароль'));
  assert.ok(app.db.prepare('SELECT id FROM users WHERE id = ?').get(me.userId));

  const closed = await me.client.post(`${me.home}/settings/remove`, { password: me.password });
  assert.is(closed.status, 200);
  assert.ok(closed.$('#cabinet-closed').length === 1);
  for (const table of ['users WHERE id', 'account_links WHERE user_id', 'sessions WHERE user_id', 'one_time_codes WHERE user_id']) {
    assert.is((app.db.prepare(`SELECT count(*) AS n FROM ${table} = ?`).get(me.userId) as { n: number }).n, 0, table);
  }
  assert.ok(app.db.prepare('SELECT id FROM accounts WHERE id = ?').get(me.account.id), 'the account stays');
  assert.is((app.db.prepare('SELECT count(*) AS n FROM readings WHERE account_id = ?').get(me.account.id) as { n: number }).n, 1, 'readings stay');
  assert.ok(app.db.prepare("SELECT id FROM audit_log WHERE event = 'settings.cabinet_closed' AND user_id = ?").get(me.userId));
  assert.is((await other.get(`${me.home}/`)).status, 303, 'every session is gone');
  assert.is((await me.client.get(`${me.home}/`)).status, 303);
});

test('sessions: end the others (this one stays), or all including this one', async ({ app }) => {
  const me = await customer(app);
  const phone = login(app, 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1');
  await phone.post('/login', { accountNumber: me.account.number, password: me.password });
  const page = await me.client.get(`${me.home}/settings`);
  assert.is(page.$('#session-list li').length, 2);
  assert.ok(page.text.includes('Safari, iOS'));
  const ended = await me.client.post(`${me.home}/settings/sessions/end-others`, {});
  assert.is(ended.status, 303);
  assert.is((await phone.get(`${me.home}/`)).status, 303);
  assert.is((await me.client.get(`${me.home}/`)).status, 200);

  await phone.post('/login', { accountNumber: me.account.number, password: me.password });
  const all = await me.client.post(`${me.home}/settings/sessions/end-all`, {});
  assert.is(all.location, '/login?notice=logged-out');
  assert.is((await phone.get(`${me.home}/`)).status, 303);
  assert.is((await me.client.get(`${me.home}/`)).status, 303);
});

test('sessions: «Завершить» ends the one chosen session; a foreign or unknown one does nothing', async ({ app }) => {
  const me = await customer(app);
  const iPhone = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Version/17.0 Mobile/15E148 Safari/604.1';
  const phone = login(app, iPhone);
  await phone.post('/login', { accountNumber: me.account.number, password: me.password });
  const laptop = login(app, 'Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0');
  await laptop.post('/login', { accountNumber: me.account.number, password: me.password });
  const stranger = await customer(app);

  const page = await me.client.get(`${me.home}/settings`);
  assert.is(page.$('#session-list li').length, 3);
  assert.is(page.$('#current-session [data-test="end-session"]').length, 0, 'no «Завершить» for this device');
  const ids = app.db.prepare('SELECT id FROM sessions WHERE user_id = ?').pluck().all(me.userId) as string[];
  for (const id of ids) assert.not.ok(page.text.includes(id.slice(0, 12)), 'the session key never appears in the page');
  const phoneItem = page.$('#session-list li').filter((_i, li) => page.$(li).text().includes('Safari, iOS'));
  const phoneId = phoneItem.find('input[name="session"]').val() as string;
  assert.match(phoneId, /^[0-9a-f]{16}$/);

  // The stranger's own list names his session; posted into my cabinet's form, it is not mine.
  const strangerPage = await stranger.client.get(`${stranger.home}/settings`);
  assert.is(strangerPage.$('#session-list li').length, 1);
  const strangerId = app.db.prepare('SELECT id FROM sessions WHERE user_id = ?').pluck().get(stranger.userId) as string;
  const { publicSessionId } = await import('../../services/accounts/session-list.ts');
  for (const foreign of [publicSessionId(strangerId), '0123456789abcdef', 'not-an-id', '']) {
    const refused = await me.client.post(`${me.home}/settings/sessions/end`, { session: foreign });
    assert.is(refused.status, 303);
    assert.ok(refused.location!.includes('notice=session-not-found'), String(refused.location));
  }
  assert.is((await stranger.client.get(`${stranger.home}/`)).status, 200, "the stranger's session is alive");
  assert.is(app.db.prepare('SELECT count(*) FROM sessions WHERE user_id = ?').pluck().get(me.userId), 3);

  const ended = await me.client.post(`${me.home}/settings/sessions/end`, { session: phoneId });
  assert.is(ended.status, 303);
  assert.ok(ended.location!.includes('notice=session-ended'));
  assert.is((await phone.get(`${me.home}/`)).status, 303, 'that phone is logged out');
  assert.is((await laptop.get(`${me.home}/`)).status, 200, 'the other device stays');
  assert.is((await me.client.get(`${me.home}/`)).status, 200, 'and this one');
  const after = await me.client.get(ended.location!);
  assert.is(after.$('#session-list li').length, 2);
  assert.not.ok(after.text.includes('Safari, iOS'));
  assert.is(after.$('#notice').text(), 'Сеанс на том устройстве завершён.');
  const { hashSecret } = await import('../../services/platform/tokens.ts');
  const own = await me.client.post(`${me.home}/settings/sessions/end`, { session: publicSessionId(hashSecret(me.client.cookie('svet_session')!)) });
  assert.ok(own.location!.includes('notice=session-not-found'), 'this device is ended by «Выйти на всех устройствах», not here');
  assert.is((await me.client.get(`${me.home}/`)).status, 200);
});

test.run();
