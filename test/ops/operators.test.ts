// Operators: password + TOTP login, the review queue, accept / reject, the audit log.
import { generateHOTP } from '@oslojs/otp';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createClient, type Client } from '../helpers/http.ts';
import { seedAccount, seedReading, seedUser } from '../helpers/fixtures.ts';

const ops = suite<{ app: TestApp; password: string; key: Uint8Array }>('operators');

ops.before(async (context) => {
  context.app = await startTestApp();
  const created = await context.app.services.operators.create({ login: 'ivanova', name: 'Иванова Мария' });
  context.password = created.password;
  context.key = base32Decode(new URL(created.totpUri).searchParams.get('secret')!);
});
ops.after(async ({ app }) => app.close());

function base32Decode(text: string): Uint8Array {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567';
  let bits = '';
  for (const char of text.replace(/=+$/, '')) bits += alphabet.indexOf(char).toString(2).padStart(5, '0');
  return new Uint8Array(bits.match(/.{8}/g)!.map((byte) => parseInt(byte, 2)));
}

function totp(app: TestApp, key: Uint8Array, offsetSteps = 0): string {
  return generateHOTP(key, BigInt(Math.floor(app.clock.now() / 1000 / 30) + offsetSteps), 6);
}

async function operatorClient(app: TestApp, password: string, key: Uint8Array): Promise<Client> {
  const client = createClient(app.baseUrl);
  app.clock.advance(30);
  const login = await client.post('/ops/login', { login: 'ivanova', password, code: totp(app, key) });
  assert.is(login.status, 303);
  return client;
}

ops('login needs the password and a fresh TOTP code; a code works once', async ({ app, password, key }) => {
  const client = createClient(app.baseUrl);
  const noCode = await client.post('/ops/login', { login: 'ivanova', password, code: '' });
  assert.is(noCode.status, 422);
  assert.ok(noCode.$('#code-error').text().includes('6 цифр'));
  app.clock.advance(30);
  const code = totp(app, key);
  const wrongPassword = await client.post('/ops/login', { login: 'ivanova', password: 'nope-nope', code });
  assert.is(wrongPassword.status, 422);
  const stale = await client.post('/ops/login', { login: 'ivanova', password, code: totp(app, key, -5) });
  assert.is(stale.status, 422);
  const ok = await client.post('/ops/login', { login: 'ivanova', password, code });
  assert.is(ok.status, 303);
  assert.is(ok.location, '/ops/readings');
  const replay = await createClient(app.baseUrl).post('/ops/login', { login: 'ivanova', password, code });
  assert.is(replay.status, 422, 'the same code cannot log in twice');
  const events = app.db.prepare("SELECT event FROM audit_log WHERE operator_id IS NOT NULL OR event LIKE 'operator.%' ORDER BY id").all() as { event: string }[];
  assert.ok(events.some((e) => e.event === 'operator.login'));
  assert.ok(events.filter((e) => e.event === 'operator.login_failed').length >= 2);
});

ops('a customer cannot open the back office', async ({ app }) => {
  const account = seedAccount(app.db);
  await seedUser(app.db, account.id, { password: 'password-123' });
  const customer = createClient(app.baseUrl);
  await customer.post('/login', { accountNumber: account.number, password: 'password-123' });
  const page = await customer.get('/ops/readings');
  assert.is(page.status, 303);
  assert.is(page.location, '/ops/login');
  const decide = await customer.post('/ops/readings/decide', { accountId: String(account.id), seq: '1', decision: 'accept' });
  assert.is(decide.status, 303);
  assert.is(decide.location, '/ops/login');
});

ops('flagged readings are listed with the account history; accept and reject with a reason', async ({ app, password, key }) => {
  const account = seedAccount(app.db, { address: 'г. Калуга, ул. Кирова, д. 5' });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, value: 1000 });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-11', seq: 2, value: 9000, status: 'review' });
  const other = seedAccount(app.db);
  seedReading(app.db, { accountId: other.id, meterId: other.meterId!, period: '2026-11', seq: 1, value: 7000, status: 'review' });
  const client = await operatorClient(app, password, key);

  const queue = await client.get('/ops/readings');
  assert.is(queue.status, 200);
  const card = queue.$(`#review-${account.id}-2`);
  assert.ok(card.text().includes(account.number));
  assert.ok(card.text().includes('ул. Кирова'));
  assert.ok(card.find('details table').text().includes('1000'), 'the recent history is shown');

  const noReason = await client.post('/ops/readings/decide', { accountId: String(account.id), seq: '2', decision: 'reject', reason: '' });
  assert.is(noReason.status, 422);
  assert.ok(noReason.$('#error-summary').text().includes('Укажите причину'));

  const rejected = await client.post('/ops/readings/decide', { accountId: String(account.id), seq: '2', decision: 'reject', reason: 'Показания не совпадают с фото счётчика' });
  assert.is(rejected.status, 303);
  const row = app.db.prepare('SELECT status, reason FROM readings WHERE account_id = ? AND seq = 2').get(account.id);
  assert.equal(row, { status: 'rejected', reason: 'Показания не совпадают с фото счётчика' });

  assert.is((await client.post('/ops/readings/decide', { accountId: String(other.id), seq: '1', decision: 'accept' })).status, 303);
  assert.equal(app.db.prepare('SELECT status, reason FROM readings WHERE account_id = ? AND seq = 1').get(other.id), { status: 'accepted', reason: null });
  assert.is((await client.post('/ops/readings/decide', { accountId: String(other.id), seq: '1', decision: 'accept' })).status, 404, 'decided once');

  const rejectedList = await client.get('/ops/readings?status=rejected');
  assert.ok(rejectedList.$(`#review-${account.id}-2`).length === 1);
  const audit = app.db.prepare("SELECT event, account_id FROM audit_log WHERE event LIKE 'operator.reading_%' ORDER BY id").all();
  assert.equal(audit, [
    { event: 'operator.reading_reject', account_id: account.id },
    { event: 'operator.reading_accept', account_id: other.id },
  ]);
});

ops('operators read the audit log of security events, filtered by kind; a customer cannot', async ({ app, password, key }) => {
  const client = await operatorClient(app, password, key);
  const all = await client.get('/ops/audit');
  assert.is(all.status, 200);
  assert.ok(all.$('#audit-table td[data-event]').length > 0);
  const logins = await client.get('/ops/audit?event=operator.login');
  const events = logins.$('#audit-table td[data-event]').map((_, td) => logins.$(td).text()).get();
  assert.ok(events.length > 0 && events.every((e) => e.startsWith('operator.login')), events.join(','));
  assert.is((await client.get('/ops/audit?event=%27%20OR%201%3D1')).status, 200, 'a strange filter is ignored, not an error');
  const viewed = app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'operator.audit_viewed'").get() as { n: number };
  assert.ok(viewed.n >= 2, 'reading the log is itself logged');
  const customer = createClient(app.baseUrl);
  assert.is((await customer.get('/ops/audit')).location, '/ops/login');
});

ops.run();
