// Reading reminders over real SMTP: scripts/send-reminders.ts run as a real process against the
// test database — the letter (HTML and text), its RFC 8058 headers and links, once per account,
// period and kind however often it runs, the second letter only where still nothing came, the
// one-click unsubscribe without login (and no letter after it), the timer's look, the settings box.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { ParsedMail } from 'mailparser';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { fixedClock } from '../helpers/clock.ts';
import { seedAccount, seedReading, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http.ts';

const run = promisify(execFile);
const test = suite<{ app: TestApp }>('reading reminders');

test.before(async (context) => {
  // 10:00 in Moscow on the 14th, the day before the window (15th–25th) opens.
  context.app = await startTestApp({ smtp: true, clock: fixedClock('2026-11-14T07:00:00Z') });
});
test.after(async ({ app }) => app.close());

let seq = 1;
async function customer(app: TestApp, options: { meter?: boolean; activated?: boolean; reminders?: boolean; lastReading?: number } = {}) {
  const account = seedAccount(app.db, { zones: options.meter === false ? null : 2 });
  const email = `reminder-${account.number}@example.ru`;
  const { userId, linkId } = await seedUser(app.db, account.id, { email, activated: options.activated });
  if (options.reminders === false) app.db.prepare('UPDATE users SET reading_reminders = 0 WHERE id = ?').run(userId);
  if (account.meterId && options.lastReading !== undefined) {
    const s = seq++;
    seedReading(app.db, { accountId: account.id, meterId: account.meterId, period: '2026-10', seq: s, zone: 1, value: options.lastReading, submittedAt: 1_792_900_000 });
    seedReading(app.db, { accountId: account.id, meterId: account.meterId, period: '2026-10', seq: s, zone: 2, value: 4321 });
  }
  return { account, email, userId, linkId };
}

function submitFor(app: TestApp, who: { account: { id: number; meterId: number | null } }, period: string, status = 'accepted') {
  const s = seq++;
  for (const zone of [1, 2]) seedReading(app.db, { accountId: who.account.id, meterId: who.account.meterId!, period, seq: s, zone, value: 20_000, status });
}

async function sendReminders(app: TestApp, args: string[]): Promise<{ period: string; kind: string | null; queued: number; alreadyQueued: number }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/send-reminders.ts', ...args, '--chunk', '2'], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_PATH: app.dbPath, SMTP_URL: app.smtp!.url, BASE_URL: app.baseUrl, DEMO_DATA: '0', PAYMENT_SANDBOX: '0' },
    timeout: 60_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const header = (letter: ParsedMail, name: string) => letter.headerLines.find((line) => line.key === name)?.line.replace(/^[^:]+:\s*/, '').replace(/\r?\n\s+/g, ' ');
const settle = () => new Promise((resolve) => setTimeout(resolve, 300));
const reminders = (app: TestApp, userId: number) => (app.db.prepare('SELECT reading_reminders AS on_ FROM users WHERE id = ?').get(userId) as { on_: number }).on_;

test('the window opening: one letter per account with a meter and no reading, with headers and links; a second run sends nothing', async ({ app }) => {
  const [due, alsoDue, third] = [await customer(app, { lastReading: 12345 }), await customer(app, { lastReading: 7 }), await customer(app)];
  const submitted = await customer(app, { lastReading: 100 });
  submitFor(app, submitted, '2026-11');
  const inReview = await customer(app, { lastReading: 100 });
  submitFor(app, inReview, '2026-11', 'review');
  const rejected = await customer(app, { lastReading: 100 });
  submitFor(app, rejected, '2026-11', 'rejected');
  const noMeter = await customer(app, { meter: false });
  const optedOut = await customer(app, { reminders: false, lastReading: 5 });
  const inactive = await customer(app, { activated: false });

  const before = await sendReminders(app, ['--period', '2026-11', '--date', '2026-11-14']);
  assert.equal([before.kind, before.queued], [null, 0], 'the window is not open yet');

  const first = await sendReminders(app, ['--period', '2026-11', '--date', '2026-11-15']);
  assert.equal(first, { period: '2026-11', kind: 'reading-opened', queued: 4, alreadyQueued: 0 });
  const letter = await app.smtp!.waitFor(due.email);
  assert.is(letter.subject, 'Передайте показания счётчика за ноябрь 2026');
  assert.ok(letter.text!.includes(`лицевому счёту № ${due.account.number}`), letter.text);
  assert.ok(letter.text!.includes('до 25.11.2026 включительно'));
  assert.ok(letter.text!.includes('День (07–23): 12\u00a0345 (от'), 'the last accepted reading of each zone');
  assert.ok(letter.text!.includes('Ночь (23–07): 4\u00a0321'));
  assert.ok(String(letter.html).includes(`href="${app.baseUrl}/a/${due.linkId}/readings"`), 'a link to the readings form');
  assert.ok(String(letter.html).includes('12\u00a0345'));
  const unsubscribe = header(letter, 'list-unsubscribe')!;
  assert.match(unsubscribe, new RegExp(`^<${app.baseUrl}/unsubscribe/${due.userId}\\.readings\\.[A-Za-z0-9_-]{43}>$`));
  assert.is(header(letter, 'list-unsubscribe-post'), 'List-Unsubscribe=One-Click');
  assert.ok(String(letter.html).includes(`href="${unsubscribe.slice(1, -1)}"`) && letter.text!.includes(unsubscribe.slice(1, -1)), 'the same link in the body');
  await app.smtp!.waitFor(alsoDue.email);
  await app.smtp!.waitFor(third.email);
  const rejectedLetter = await app.smtp!.waitFor(rejected.email);
  assert.ok(rejectedLetter.text!.includes('Последние принятые показания'), 'a rejected reading still needs a new one');
  assert.ok((await app.smtp!.waitFor(third.email)).text!.includes('Принятых показаний по счётчику у нас пока нет'));
  await settle();
  for (const none of [submitted, inReview, noMeter, optedOut, inactive]) assert.is(app.smtp!.to(none.email).length, 0, `no letter to ${none.email}`);

  const again = await sendReminders(app, ['--period', '2026-11', '--date', '2026-11-16']);
  assert.equal([again.kind, again.queued, again.alreadyQueued], ['reading-opened', 0, 0]);
  // A log row lost after its letter went: the outbox's dedupe key still holds it to one letter.
  app.db.prepare("DELETE FROM notice_mailings WHERE account_id = ? AND kind = 'reading-opened'").run(due.account.id);
  const afterLoss = await sendReminders(app, ['--period', '2026-11', '--date', '2026-11-17']);
  assert.equal([afterLoss.queued, afterLoss.alreadyQueued], [0, 1]);
  await settle();
  assert.is(app.smtp!.to(due.email).length, 1, 'once per account, period and kind');
  assert.is(app.smtp!.messages.length, 4);
});

test('a period whose window is not open that day is refused quietly; a bad --period gets the usage line', async ({ app }) => {
  const count = app.smtp!.messages.length;
  const other = await sendReminders(app, ['--period', '2026-12', '--date', '2026-11-20']);
  assert.equal([other.kind, other.queued], [null, 0]);
  const failed = await run(process.execPath, ['--import', 'tsx', 'scripts/send-reminders.ts', '--period', '2026-13'], { env: { ...process.env, NODE_ENV: 'test' } }).catch((e) => e);
  assert.is(failed.code, 2);
  assert.match(failed.stderr, /Usage/);
  assert.is(app.smtp!.messages.length, count);
});

test('one-click unsubscribe without login: GET confirms, the RFC 8058 POST needs no cookie or CSRF token; then no second letter', async ({ app }) => {
  const me = await customer(app, { lastReading: 500 });
  const stillDue = await customer(app, { lastReading: 600 });
  const cameLater = await customer(app, { lastReading: 700 });
  const opened = await sendReminders(app, ['--period', '2026-11', '--date', '2026-11-18']);
  assert.is(opened.queued, 3);
  const link = header(await app.smtp!.waitFor(me.email), 'list-unsubscribe')!.slice(1, -1);
  await app.smtp!.waitFor(stillDue.email);
  await app.smtp!.waitFor(cameLater.email);

  const page = await createClient(app.baseUrl).get(link);
  assert.is(page.status, 200);
  assert.ok(page.$('#unsubscribe-what').text().includes('напоминания о передаче показаний'));
  assert.is(page.$('#unsubscribe-form').attr('action'), new URL(link).pathname);
  assert.is(reminders(app, me.userId), 1, 'GET changes nothing');

  const tampered = link.replace(/.$/, (c) => (c === 'A' ? 'B' : 'A'));
  assert.is((await createClient(app.baseUrl).get(tampered)).status, 404);
  const forged = await fetch(tampered, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded' }, redirect: 'manual' });
  assert.is(forged.status, 303);
  assert.is((await createClient(app.baseUrl).get(forged.headers.get('location')!)).status, 404, 'a forged token is not valid');
  const otherUser = link.replace(`/unsubscribe/${me.userId}.`, `/unsubscribe/${stillDue.userId}.`);
  assert.is((await createClient(app.baseUrl).get(otherUser)).status, 404, "a token does not fit another user's id");
  assert.is(reminders(app, stillDue.userId), 1);

  // What a mail client sends: no cookie, no CSRF field, a cross-site request.
  const oneClick = await fetch(link, { method: 'POST', body: 'List-Unsubscribe=One-Click', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' }, redirect: 'manual' });
  assert.is(oneClick.status, 303);
  assert.is(oneClick.headers.get('location'), `${new URL(link).pathname}/done`);
  assert.is(reminders(app, me.userId), 0);
  const done = await createClient(app.baseUrl).get(oneClick.headers.get('location')!);
  assert.is(done.status, 200);
  assert.ok(done.$('#unsubscribe-done').text().includes('напоминания о передаче показаний'));
  assert.ok((await createClient(app.baseUrl).get(link)).$('#unsubscribe-already').length === 1, 'the link now says so');
  const audit = app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'notices.unsubscribed' AND user_id = ?").get(me.userId) as { n: number };
  assert.is(audit.n, 1);

  // Two days before the window closes: only where still nothing came, and not to who unsubscribed.
  submitFor(app, cameLater, '2026-11');
  const count = app.smtp!.messages.length;
  const closing = await sendReminders(app, ['--period', '2026-11', '--date', '2026-11-23']);
  assert.is(closing.kind, 'reading-closing');
  const second = await app.smtp!.waitFor(stillDue.email, { after: 1 });
  assert.is(second.subject, 'Приём показаний заканчивается 25.11.2026');
  assert.ok(second.text!.includes('ещё не поступили'));
  assert.ok(header(second, 'list-unsubscribe-post') === 'List-Unsubscribe=One-Click');
  await settle();
  assert.is(app.smtp!.to(me.email).length, 1, 'no letter after unsubscribing');
  assert.is(app.smtp!.to(cameLater.email).length, 1, 'the reading came: no second letter');
  const closingAgain = await sendReminders(app, ['--period', '2026-11', '--date', '2026-11-25']);
  assert.equal([closingAgain.kind, closingAgain.queued], ['reading-closing', 0]);
  await settle();
  assert.is(app.smtp!.messages.length, count + closing.queued, 'the second letter once per account and period');
  assert.is(app.smtp!.to(stillDue.email).length, 2);
});

test("the timer's look acts from 9:00 company time, on the window's days, once", async ({ app }) => {
  const me = await customer(app, { lastReading: 800 });
  app.clock.set('2026-11-19T05:30:00Z'); // 08:30 in Moscow
  await app.services.notices.tick();
  await settle();
  assert.is(app.smtp!.to(me.email).length, 0, 'not before 9:00');
  app.clock.set('2026-11-19T06:30:00Z'); // 09:30
  await app.services.notices.tick();
  await app.smtp!.waitFor(me.email);
  await app.services.notices.tick();
  await settle();
  assert.is(app.smtp!.to(me.email).length, 1);
  app.clock.set('2026-11-27T08:00:00Z'); // after the window: nothing
  const later = await customer(app, { lastReading: 900 });
  await app.services.notices.tick();
  await settle();
  assert.is(app.smtp!.to(later.email).length, 0);
});

test('Настройки: the reminders box is on for a new user and switches them off and on', async ({ app }) => {
  const account = seedAccount(app.db, { zones: 1 });
  const { userId, linkId } = await seedUser(app.db, account.id, { password: 'correct-horse-1' });
  const client = createClient(app.baseUrl);
  assert.is((await client.post('/login', { accountNumber: account.number, password: 'correct-horse-1' })).status, 303);
  const page = await client.get(`/a/${linkId}/settings`);
  assert.is(page.$('#readingReminders').attr('checked'), 'checked', 'on by default for a new registration');
  const off = await client.post(`/a/${linkId}/settings/notices`, {});
  assert.is(off.status, 303);
  assert.is(reminders(app, userId), 0);
  const shown = await client.follow(off);
  assert.is(shown.$('#readingReminders').attr('checked'), undefined);
  assert.ok(shown.text.includes('Настройки уведомлений сохранены'));
  await client.post(`/a/${linkId}/settings/notices`, { readingReminders: 'yes' });
  assert.is(reminders(app, userId), 1);
  const register = await createClient(app.baseUrl).get('/register');
  assert.ok(register.$('#reminders-note').text().includes('Отключить напоминания можно'), 'the registration page says so');
});

test.run();
