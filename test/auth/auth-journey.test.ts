// The first journey over real HTTP: register → letter → activate → log in → log out; recovery.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createClient } from '../helpers/http.ts';
import { seedAccount, seedCharge, seedUser } from '../helpers/fixtures.ts';

const journey = suite<{ app: TestApp }>('auth journey');

journey.before(async (context) => {
  context.app = await startTestApp({ smtp: true });
});
journey.after(async ({ app }) => app.close());

const password = 'Лампочка-2026';

function registrationForm(number: string, proof: string, email: string) {
  return { accountNumber: number, proof, password, passwordConfirm: password, email, phone: '8 (910) 123-45-67', agreement: 'yes', consent: 'yes' };
}

function codeFrom(text: string): string {
  const match = /код[^\d]*(\d{8})\b/i.exec(text);
  if (!match) throw new Error(`no code in letter: ${text}`);
  return match[1];
}

journey('register, activate by the link, log in and out', async ({ app }) => {
  const account = seedAccount(app.db, { serial: '0123456' });
  const client = createClient(app.baseUrl);
  const registered = await client.post('/register', registrationForm(account.number, ' 0123456 ', 'link@example.ru'));
  assert.is(registered.status, 303);
  assert.is(registered.location, '/register/done');

  const letter = await app.smtp!.waitFor('link@example.ru');
  assert.is(letter.subject, 'Активация личного кабинета');
  assert.ok(letter.html && letter.text, 'letter has HTML and plain text');
  const link = /https?:\/\/\S+\/activate\/([a-z2-7]+)/.exec(letter.text!)!;
  assert.ok(link, 'letter carries the link');
  assert.ok(letter.text!.includes(account.number));

  const beforeActivation = await client.post('/login', { accountNumber: account.number, password });
  assert.is(beforeActivation.status, 403);
  assert.ok(beforeActivation.$('#not-activated').text().includes('не активирована'));

  const confirm = await client.get(new URL(link[0]).pathname);
  assert.is(confirm.status, 200);
  assert.is((app.db.prepare('SELECT activated_at FROM users WHERE email = ?').get('link@example.ru') as { activated_at: number | null }).activated_at, null, 'GET does not activate');
  const activated = await client.post(new URL(link[0]).pathname, {});
  assert.is(activated.status, 303);
  assert.is(activated.location, '/login?notice=activated');

  const reused = await client.post(new URL(link[0]).pathname, {});
  assert.is(reused.status, 410, 'a used link is dead');

  const login = await client.post('/login', { accountNumber: account.number, password });
  assert.is(login.status, 303);
  assert.match(login.location!, /^\/a\/\d+\/$/);
  const home = await client.get(login.location!);
  assert.is(home.status, 200);
  assert.is(home.$('#current-account').text(), account.number);
  assert.is(home.headers.get('cache-control'), 'no-store');
  const cookie = client.cookie('svet_session')!;
  const stored = app.db.prepare('SELECT id FROM sessions').all() as { id: string }[];
  assert.is(stored.length, 1);
  assert.is.not(stored[0].id, cookie, 'only the hash of the token is stored');

  const logout = await client.post('/logout', {});
  assert.is(logout.status, 303);
  assert.is((app.db.prepare('SELECT count(*) AS n FROM sessions').get() as { n: number }).n, 0);
  const after = await client.get(login.location!);
  assert.is(after.status, 303);
  assert.is(after.location, '/login');
});

journey('register a no-meter account by its last bill, activate by the code', async ({ app }) => {
  const account = seedAccount(app.db, { zones: null });
  seedCharge(app.db, account.id, '2026-09', 98_765);
  seedCharge(app.db, account.id, '2026-10', 123_456);
  const client = createClient(app.baseUrl);
  const registered = await client.post('/register', registrationForm(account.number, '1 234,56', 'code@example.ru'));
  assert.is(registered.status, 303);
  const letter = await app.smtp!.waitFor('code@example.ru');

  const wrong = await client.post('/activate', { accountNumber: account.number, code: '00000000' });
  assert.is(wrong.status, 422);
  assert.ok(wrong.$('#code-error').text().includes('Неверный или просроченный код'));

  const activated = await client.post('/activate', { accountNumber: account.number, code: codeFrom(letter.text!) });
  assert.is(activated.status, 303);
  const again = await client.post('/activate', { accountNumber: account.number, code: codeFrom(letter.text!) });
  assert.is(again.status, 422, 'a used code is refused');

  const login = await client.post('/login', { accountNumber: account.number, password });
  assert.is(login.status, 303);
  const user = app.db.prepare('SELECT phone, agreement_version, consent_version FROM users WHERE email = ?').get('code@example.ru') as Record<string, string>;
  assert.equal(user, { phone: '+79101234567', agreement_version: '2026-01', consent_version: '2026-01' });
});

journey('recover the password: letter → code → new password, every old session ends', async ({ app }) => {
  const account = seedAccount(app.db);
  const { userId } = await seedUser(app.db, account.id, { password: 'old-password-1', email: 'Recover@Example.ru' });
  const sessionsOfUser = () => (app.db.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = ?').get(userId) as { n: number }).n;
  const phone = createClient(app.baseUrl);
  const laptop = createClient(app.baseUrl);
  const home = (await phone.post('/login', { accountNumber: account.number, password: 'old-password-1' })).location!;
  await laptop.post('/login', { accountNumber: account.number, password: 'old-password-1' });
  assert.is((await phone.get(home)).status, 200);
  assert.is(sessionsOfUser(), 2);

  const stranger = createClient(app.baseUrl);
  const started = await stranger.post('/recover', { accountNumber: account.number, email: 'recover@example.ru' });
  assert.is(started.status, 303);
  const page = await stranger.get(started.location!);
  assert.is(page.$('#accountNumber').val(), account.number, 'the account number is carried to the code step');
  const letter = await app.smtp!.waitFor('Recover@Example.ru');
  assert.is(letter.subject, 'Код для восстановления пароля');

  const mismatched = await stranger.post('/recover/code', { accountNumber: account.number, code: codeFrom(letter.text!), password: 'new-password-2', passwordConfirm: 'other-password-2' });
  assert.is(mismatched.status, 422);
  assert.ok(mismatched.$('#passwordConfirm-error').text().includes('Пароли не совпадают'));

  const done = await stranger.post('/recover/code', { accountNumber: account.number, code: codeFrom(letter.text!), password: 'new-password-2', passwordConfirm: 'new-password-2' });
  assert.is(done.status, 303);
  assert.is(done.location, '/login?notice=password-reset');
  assert.is(sessionsOfUser(), 0);
  assert.is((await phone.get(home)).status, 303, 'the old session on the phone is gone');
  assert.is((await laptop.get(home)).status, 303, 'and on the laptop');

  const reused = await stranger.post('/recover/code', { accountNumber: account.number, code: codeFrom(letter.text!), password: 'third-password-3', passwordConfirm: 'third-password-3' });
  assert.is(reused.status, 422, 'the code works once');
  assert.is((await stranger.post('/login', { accountNumber: account.number, password: 'old-password-1' })).status, 401);
  assert.is((await stranger.post('/login', { accountNumber: account.number, password: 'new-password-2' })).status, 303);
});

journey.run();
