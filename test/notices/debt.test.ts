// Debt notices over real SMTP: after the monthly close, a letter to customers with bills by e-mail
// who owe past the due date — with the overdue amount and a pay link — once per period; not to
// those whose debt is not yet due, who get paper bills, who switched it off, or who overpaid; the
// one-click unsubscribe switches it off; `npm run close-period` sends them after the close.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { fixedClock } from '../helpers/clock.ts';
import { createClient } from '../helpers/http.ts';
import { seedAccount, seedMonthlyCharge, seedTariffs, seedUser, setBalance } from '../helpers/fixtures.ts';

const run = promisify(execFile);
const test = suite<{ app: TestApp }>('debt notices');

test.before(async (context) => {
  // 4 December 2026, 12:00 in Moscow: October's charge (due 10 November) is past due, November's (due 10 December) is not.
  context.app = await startTestApp({ smtp: true, clock: fixedClock('2026-12-04T09:00:00Z') });
  seedTariffs(context.app.db);
});
test.after(async ({ app }) => app.close());

async function customer(app: TestApp, options: { owedOctober: number; november: number; emailDelivery?: boolean; notices?: boolean; balance?: number }) {
  const account = seedAccount(app.db);
  const email = `debt-${account.number}@example.ru`;
  const { userId, linkId } = await seedUser(app.db, account.id, { email });
  seedMonthlyCharge(app.db, account.id, '2026-10', 100, 70_000, '2026-11-10');
  seedMonthlyCharge(app.db, account.id, '2026-11', 100, options.november, '2026-12-10');
  setBalance(app.db, account.id, options.balance ?? options.owedOctober + options.november);
  app.db.prepare('UPDATE accounts SET email_delivery = ? WHERE id = ?').run(options.emailDelivery === false ? 0 : 1, account.id);
  if (options.notices === false) app.db.prepare('UPDATE users SET debt_notices = 0 WHERE id = ?').run(userId);
  return { account, email, userId, linkId };
}

const settle = () => new Promise((resolve) => setTimeout(resolve, 300));

test('after the close: the overdue amount and a pay link to those who owe past the due date, once per period', async ({ app }) => {
  const owes = await customer(app, { owedOctober: 70_000, november: 65_432 });
  const notYetDue = await customer(app, { owedOctober: 0, november: 65_432 });
  const paper = await customer(app, { owedOctober: 70_000, november: 65_432, emailDelivery: false });
  const switchedOff = await customer(app, { owedOctober: 70_000, november: 65_432, notices: false });
  const overpaid = await customer(app, { owedOctober: 0, november: 65_432, balance: -10_000 });

  const report = await app.services.notices.sendDebtNotices('2026-11', { chunk: 2 });
  assert.equal(report, { period: '2026-11', queued: 1, alreadyQueued: 0 });
  const letter = await app.smtp!.waitFor(owes.email);
  assert.is(letter.subject, `Задолженность по лицевому счёту № ${owes.account.number}: 700,00\u00a0₽`);
  assert.ok(letter.text!.includes('срок оплаты которой прошёл: 700,00\u00a0₽'), letter.text);
  assert.ok(letter.text!.includes('Всего к оплате сейчас: 1\u00a0354,32\u00a0₽'), letter.text);
  assert.ok(String(letter.html).includes(`href="${app.baseUrl}/a/${owes.linkId}/pay"`), 'a link to pay');
  assert.match(letter.headerLines.find((line) => line.key === 'list-unsubscribe-post')?.line ?? '', /List-Unsubscribe=One-Click/);

  await settle();
  for (const other of [notYetDue, paper, switchedOff, overpaid]) assert.equal(app.smtp!.to(other.email), [], `no letter to ${other.email}`);

  const again = await app.services.notices.sendDebtNotices('2026-11');
  assert.equal(again, { period: '2026-11', queued: 0, alreadyQueued: 0 }, 'a second run finds nothing to send');
  await settle();
  assert.is(app.smtp!.to(owes.email).length, 1);
  const bad = await app.services.notices.sendDebtNotices('2026-13').then(() => null, (error: Error) => error.message);
  assert.is(bad, 'Not a period: 2026-13');
});

test('the letter’s one-click unsubscribe switches debt notices off, without login', async ({ app }) => {
  const owes = await customer(app, { owedOctober: 70_000, november: 1_000 });
  await app.services.notices.sendDebtNotices('2026-11');
  const letter = await app.smtp!.waitFor(owes.email);
  const link = /<(http[^>]+)>/.exec(letter.headerLines.find((line) => line.key === 'list-unsubscribe')!.line.replace(/\r?\n\s+/g, ''))![1];
  const response = await fetch(link, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' }, body: 'List-Unsubscribe=One-Click' });
  assert.is(response.status, 303);
  assert.is((app.db.prepare('SELECT debt_notices FROM users WHERE id = ?').get(owes.userId) as { debt_notices: number }).debt_notices, 0);
  assert.is((app.db.prepare('SELECT reading_reminders FROM users WHERE id = ?').get(owes.userId) as { reading_reminders: number }).reading_reminders, 1, 'reading reminders stay as they were');
});

test('npm run close-period closes the month, then sends its debt notices', async ({ app }) => {
  // A debt two years past due: past due whatever day the test runs on (the script uses the real clock).
  const account = seedAccount(app.db);
  const email = `debt-script-${account.number}@example.ru`;
  await seedUser(app.db, account.id, { email });
  seedMonthlyCharge(app.db, account.id, '2024-10', 100, 50_000, '2024-11-10');
  setBalance(app.db, account.id, 50_000);
  app.db.prepare('UPDATE accounts SET email_delivery = 1 WHERE id = ?').run(account.id);
  const env = { ...process.env, NODE_ENV: 'test', DATABASE_PATH: app.dbPath, SMTP_URL: app.smtp!.url, BASE_URL: app.baseUrl, DEMO_DATA: '0', PAYMENT_SANDBOX: '0' };
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/close-period.ts', '--period', '2026-11'], { env, timeout: 120_000 });
  const report = JSON.parse(stdout.trim().split('\n').pop()!) as { debtNotices: { period: string; queued: number } };
  assert.is(report.debtNotices.period, '2026-11');
  assert.ok(report.debtNotices.queued >= 1, stdout);
  const letter = await app.smtp!.waitFor(email);
  assert.ok(letter.subject!.startsWith(`Задолженность по лицевому счёту № ${account.number}`));
});

test('Настройки: the debt notices box, on by default, switched off and on', async ({ app }) => {
  const account = seedAccount(app.db);
  const { userId, linkId } = await seedUser(app.db, account.id, { password: 'correct-horse-1' });
  const client = createClient(app.baseUrl);
  assert.is((await client.post('/login', { accountNumber: account.number, password: 'correct-horse-1' })).status, 303);
  assert.is((await client.get(`/a/${linkId}/settings`)).$('#debtNotices').attr('checked'), 'checked');
  const debtNotices = () => (app.db.prepare('SELECT debt_notices FROM users WHERE id = ?').get(userId) as { debt_notices: number }).debt_notices;
  assert.is((await client.post(`/a/${linkId}/settings/notices`, { readingReminders: 'yes' })).status, 303);
  assert.is(debtNotices(), 0);
  await client.post(`/a/${linkId}/settings/notices`, { readingReminders: 'yes', debtNotices: 'yes' });
  assert.is(debtNotices(), 1);
});

test.run();
