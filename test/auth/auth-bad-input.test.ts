// Every bad input of the first journey: a Russian message beside the field and in the summary,
// the typed values kept (never the password), a 4xx status, and nothing changed in the database.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createClient, type Page } from '../helpers/http.ts';
import { seedAccount, seedUser, type SeededAccount } from '../helpers/fixtures.ts';

type Context = { app: TestApp; free: SeededAccount; taken: SeededAccount };
const bad = suite<Context>('auth bad input');

bad.before(async (context) => {
  context.app = await startTestApp({ smtp: true });
  context.free = seedAccount(context.app.db, { serial: 'A-77' });
  context.taken = seedAccount(context.app.db);
  await seedUser(context.app.db, context.taken.id, { password: 'taken-password-1' });
});
bad.after(async ({ app }) => app.close());

function counts(app: TestApp) {
  const one = (sql: string) => (app.db.prepare(sql).get() as { n: number }).n;
  return {
    users: one('SELECT count(*) AS n FROM users'),
    links: one('SELECT count(*) AS n FROM account_links'),
    codes: one('SELECT count(*) AS n FROM one_time_codes'),
    outbox: one('SELECT count(*) AS n FROM outbox'),
    sessions: one('SELECT count(*) AS n FROM sessions'),
  };
}

function assertFieldError(page: Page, field: string, text: string) {
  const beside = page.$(`#${field}-error`).text();
  assert.ok(beside.includes(text), `expected «${text}» beside #${field}, got «${beside}»`);
  const summary = page.$(`#error-summary a[href="#${field}"]`).text();
  assert.ok(summary.includes(text), `expected «${text}» in the summary, got «${summary}»`);
  assert.is(page.$(`#${field}`).attr('aria-invalid'), 'true');
}

const registrationCases: [string, Record<string, string>, string, string][] = [
  ['8 digits', { accountNumber: '12345678' }, 'accountNumber', 'ровно 9 цифр'],
  ['10 digits', { accountNumber: '1234567890' }, 'accountNumber', 'ровно 9 цифр'],
  ['letters', { accountNumber: '12345678a' }, 'accountNumber', 'ровно 9 цифр'],
  ['an unknown account', { accountNumber: '999999999' }, 'accountNumber', 'Лицевой счёт не найден'],
  ['a wrong proof', { proof: 'A-78' }, 'proof', 'Не совпадает с данными лицевого счёта'],
  ['mismatched passwords', { passwordConfirm: 'something-else-1' }, 'passwordConfirm', 'Пароли не совпадают'],
  ['a password of 7 characters', { password: 'short12', passwordConfirm: 'short12' }, 'password', 'не короче 8 символов'],
  ['a password of 10,000 characters', { password: 'x'.repeat(10_000), passwordConfirm: 'x'.repeat(10_000) }, 'password', 'не длиннее 128 символов'],
  ['a malformed e-mail', { email: 'ivanov@' }, 'email', 'name@example.ru'],
  ['a phone that is not Russian', { phone: '+1 212 555 0100' }, 'phone', 'российский номер'],
  ['no consent to personal data processing', { consent: '' }, 'consent', 'согласие на обработку'],
  ['no agreement', { agreement: '' }, 'agreement', 'пользовательское соглашение'],
];

for (const [name, change, field, message] of registrationCases) {
  bad(`registration refuses ${name}`, async ({ app, free }) => {
    const before = counts(app);
    const client = createClient(app.baseUrl);
    const form = {
      accountNumber: free.number,
      proof: 'A-77',
      password: 'good-password-1',
      passwordConfirm: 'good-password-1',
      email: 'kept@example.ru',
      phone: '+7 910 000-00-00',
      agreement: 'yes',
      consent: 'yes',
      ...change,
    };
    const page = await client.post('/register', form);
    assert.is(page.status, 422);
    assertFieldError(page, field, message);
    assert.is(page.$('#email').val(), form.email, 'typed values are kept');
    assert.is(page.$('#password').val(), undefined, 'the password is never sent back');
    assert.not.ok(page.text.includes('good-password-1'));
    assert.equal(counts(app), before, 'nothing changed');
  });
}

bad('registration refuses an account already registered, only after the proof', async ({ app, taken }) => {
  const before = counts(app);
  const client = createClient(app.baseUrl);
  const form = { accountNumber: taken.number, proof: taken.serial!, password: 'good-password-1', passwordConfirm: 'good-password-1', email: 'x@example.ru', phone: '89100000000', agreement: 'yes', consent: 'yes' };
  const page = await client.post('/register', form);
  assert.is(page.status, 422);
  assertFieldError(page, 'accountNumber', 'уже зарегистрирован');
  const wrongProof = await client.post('/register', { ...form, proof: 'nope' });
  assertFieldError(wrongProof, 'proof', 'Не совпадает');
  assert.equal(counts(app), before);
});

bad('an expired activation code and link are refused; a new letter works', async ({ app }) => {
  const account = seedAccount(app.db);
  const client = createClient(app.baseUrl);
  const form = { accountNumber: account.number, proof: account.serial!, password: 'good-password-1', passwordConfirm: 'good-password-1', email: 'late@example.ru', phone: '89100000000', agreement: 'yes', consent: 'yes' };
  assert.is((await client.post('/register', form)).status, 303);
  const letter = await app.smtp!.waitFor('late@example.ru');
  const code = /код[^\d]*(\d{8})\b/i.exec(letter.text!)![1];
  const linkPath = new URL(/https?:\/\/\S+\/activate\/[a-z2-7]+/.exec(letter.text!)![0]).pathname;

  app.clock.advance(24 * 3600 + 1);
  const byCode = await client.post('/activate', { accountNumber: account.number, code });
  assert.is(byCode.status, 422);
  assert.ok(byCode.$('#code-error').text().includes('просроченный'));
  assert.is((await client.get(linkPath)).status, 410);
  assert.is((await client.post(linkPath, {})).status, 410);
  assert.is((app.db.prepare('SELECT activated_at FROM users WHERE email = ?').get('late@example.ru') as { activated_at: null }).activated_at, null);

  const resent = await client.post('/activate/resend', { accountNumber: account.number });
  assert.is(resent.status, 303);
  const second = await app.smtp!.waitFor('late@example.ru', { after: 1 });
  const newCode = /код[^\d]*(\d{8})\b/i.exec(second.text!)![1];
  assert.is((await client.post('/activate', { accountNumber: account.number, code })).status, 422, 'the old code died with the new letter');
  assert.is((await client.post('/activate', { accountNumber: account.number, code: newCode })).status, 303);
  app.clock.advance(-(24 * 3600 + 1));
});

bad('a code dies after five wrong tries', async ({ app }) => {
  const account = seedAccount(app.db);
  const client = createClient(app.baseUrl, { headers: { 'x-test': 'code-tries' } });
  const form = { accountNumber: account.number, proof: account.serial!, password: 'good-password-1', passwordConfirm: 'good-password-1', email: 'tries@example.ru', phone: '89100000000', agreement: 'yes', consent: 'yes' };
  await client.post('/register', form);
  const letter = await app.smtp!.waitFor('tries@example.ru');
  const code = /код[^\d]*(\d{8})\b/i.exec(letter.text!)![1];
  const wrong = code === '11111111' ? '22222222' : '11111111';
  for (let i = 0; i < 5; i++) assert.is((await client.post('/activate', { accountNumber: account.number, code: wrong })).status, 422);
  const right = await client.post('/activate', { accountNumber: account.number, code });
  assert.is(right.status, 422, 'even the right code is refused after five wrong ones');
});

bad('a forged session cookie opens nothing', async ({ app, taken }) => {
  const links = app.db.prepare('SELECT id FROM account_links WHERE account_id = ?').get(taken.id) as { id: number };
  for (const forged of ['a'.repeat(32), 'not-a-token', '']) {
    const page = await createClient(app.baseUrl, { headers: { cookie: `svet_session=${forged}` } }).get(`/a/${links.id}/`);
    assert.is(page.status, 303);
    assert.is(page.location, '/login');
  }
});

bad('a POST without the CSRF token, or from another site, changes nothing', async ({ app, free }) => {
  const before = counts(app);
  const client = createClient(app.baseUrl);
  const form = { accountNumber: free.number, proof: 'A-77', password: 'good-password-1', passwordConfirm: 'good-password-1', email: 'csrf@example.ru', phone: '89100000000', agreement: 'yes', consent: 'yes' };
  const noToken = await client.post('/register', { ...form, _csrf: '' });
  assert.is(noToken.status, 403);
  assert.ok(noToken.$('h1').text().includes('Форма устарела'));
  const wrongToken = await client.post('/register', { ...form, _csrf: 'b'.repeat(32) });
  assert.is(wrongToken.status, 403);
  const crossSite = await client.post('/register', form, { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' });
  assert.is(crossSite.status, 403);
  assert.equal(counts(app), before);
});

bad('50 wrong passwords in a row lock the account out, with a Russian message', async ({ app }) => {
  const account = seedAccount(app.db);
  await seedUser(app.db, account.id, { password: 'right-password-1' });
  const client = createClient(app.baseUrl);
  const statuses: number[] = [];
  let last: Page | null = null;
  for (let i = 0; i < 50; i++) {
    last = await client.post('/login', { accountNumber: account.number, password: `wrong-${i}` });
    statuses.push(last.status);
  }
  assert.equal(statuses.slice(0, 5), [401, 401, 401, 401, 401]);
  assert.ok(statuses.slice(5).every((s) => s === 429), 'then throttled');
  assert.ok(last!.$('#error-summary').text().includes('Слишком много попыток. Попробуйте снова через'));
  const right = await client.post('/login', { accountNumber: account.number, password: 'right-password-1' });
  assert.is(right.status, 429, 'the right password waits too');
  const failures = (app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'login.failed'").get() as { n: number }).n;
  assert.ok(failures >= 5);

  app.clock.advance(15 * 60 + 1);
  assert.is((await client.post('/login', { accountNumber: account.number, password: 'right-password-1' })).status, 303, 'the lock ends');
  app.clock.advance(-(15 * 60 + 1));
});

bad('login errors keep the account number and say nothing about which part was wrong', async ({ app, taken }) => {
  const client = createClient(app.baseUrl);
  const unknown = await client.post('/login', { accountNumber: '123123123', password: 'whatever-1' });
  const wrong = await client.post('/login', { accountNumber: taken.number, password: 'whatever-1' });
  assert.is(unknown.status, 401);
  assert.is(unknown.$('#password-error').text(), wrong.$('#password-error').text());
  assert.is(wrong.$('#accountNumber').val(), taken.number);
  const malformed = await client.post('/login', { accountNumber: '12 34', password: '' });
  assert.is(malformed.status, 422);
  assertFieldError(malformed, 'accountNumber', 'ровно 9 цифр');
  assertFieldError(malformed, 'password', 'Введите пароль');
});

bad('recovery answers the same whether or not the account and e-mail match', async ({ app, taken }) => {
  const before = app.smtp!.messages.length;
  const answers = [];
  for (const [number, email] of [[taken.number, 'nobody@example.ru'], ['111222333', 'nobody@example.ru']]) {
    const client = createClient(app.baseUrl);
    const started = await client.post('/recover', { accountNumber: number, email });
    const next = await client.get(started.location!);
    answers.push([started.status, started.location, next.$('#notice').text().trim()]);
  }
  assert.equal(answers[0], answers[1]);
  await new Promise((resolve) => setTimeout(resolve, 200));
  assert.is(app.smtp!.messages.length, before, 'no letter for a mismatch');
});

bad('an expired recovery code is refused and the password stays', async ({ app }) => {
  const account = seedAccount(app.db);
  await seedUser(app.db, account.id, { password: 'kept-password-1', email: 'expired@example.ru' });
  const client = createClient(app.baseUrl);
  await client.post('/recover', { accountNumber: account.number, email: 'expired@example.ru' });
  const letter = await app.smtp!.waitFor('expired@example.ru');
  const code = /код[^\d]*(\d{8})\b/i.exec(letter.text!)![1];
  app.clock.advance(15 * 60 + 1);
  const late = await client.post('/recover/code', { accountNumber: account.number, code, password: 'new-password-9', passwordConfirm: 'new-password-9' });
  assert.is(late.status, 422);
  assertFieldError(late, 'code', 'просроченный');
  app.clock.advance(-(15 * 60 + 1));
  assert.is((await client.post('/login', { accountNumber: account.number, password: 'kept-password-1' })).status, 303);
});

bad.run();
