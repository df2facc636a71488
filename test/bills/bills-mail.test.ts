// Bills by e-mail: scripts/send-bills.ts run as a real process against the test database and a
// real SMTP server on 127.0.0.1 — one letter per account and period with the PDF attached, and a
// second run sends nothing; a lost log row is made good without a second letter.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { seedAccount, seedReading, seedTariffs, seedUser, type SeededAccount } from '../helpers/fixtures.ts';
import { pdfText } from '../helpers/pdf.ts';

const run = promisify(execFile);
const mailing = suite<{ app: TestApp }>('bills by e-mail');

mailing.before(async (context) => {
  context.app = await startTestApp({ smtp: true });
  seedTariffs(context.app.db);
});
mailing.after(async ({ app }) => {
  await app.services.pdf.close();
  await app.close();
});

let seq = 1;
function closedAccount(app: TestApp, options: { delivery: boolean }): SeededAccount {
  const account = seedAccount(app.db, { zones: 1 });
  for (const [period, value] of [['2026-09', 1000], ['2026-10', 1120]] as const) {
    seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period, seq: seq++, value });
    app.services.monthlyClose.close(period, { accountIds: [account.id] });
  }
  if (options.delivery) app.db.prepare('UPDATE accounts SET email_delivery = 1 WHERE id = ?').run(account.id);
  return account;
}

async function sendBills(app: TestApp, period: string): Promise<{ queued: number; alreadyQueued: number; unavailable: number }> {
  const { stdout } = await run(process.execPath, ['--import', 'tsx', 'scripts/send-bills.ts', '--period', period, '--chunk', '2'], {
    env: { ...process.env, NODE_ENV: 'test', DATABASE_PATH: app.dbPath, SMTP_URL: app.smtp!.url, DEMO_DATA: '0', PAYMENT_SANDBOX: '0' },
    timeout: 120_000,
  });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const countMailings = (app: TestApp) => (app.db.prepare('SELECT count(*) AS n FROM bill_mailings').get() as { n: number }).n;

mailing('one letter per account and period with the PDF; a second run sends nothing', async ({ app }) => {
  const chosen = [closedAccount(app, { delivery: true }), closedAccount(app, { delivery: true }), closedAccount(app, { delivery: true })];
  const paper = closedAccount(app, { delivery: false });
  const nobody = closedAccount(app, { delivery: true }); // chose e-mail, but no user with an address
  for (const account of [...chosen, paper]) await seedUser(app.db, account.id, { email: `bills-${account.number}@example.ru` });

  const first = await sendBills(app, '2026-10');
  assert.equal({ queued: first.queued, alreadyQueued: first.alreadyQueued, unavailable: first.unavailable }, { queued: 3, alreadyQueued: 0, unavailable: 0 });
  for (const account of chosen) {
    const letter = await app.smtp!.waitFor(`bills-${account.number}@example.ru`);
    assert.ok(letter.subject?.includes(account.number) && letter.subject.includes('октябрь 2026'), letter.subject);
    assert.is(letter.attachments.length, 1);
    const [attachment] = letter.attachments;
    assert.is(attachment.contentType, 'application/pdf');
    assert.is(attachment.filename, `Счёт_${account.number}_2026-10.pdf`);
    const text = await pdfText(attachment.content);
    assert.ok(text.includes(account.number) && text.includes('октябрь 2026'), 'the attachment is the bill');
    assert.ok(letter.text?.includes('К оплате'), 'the letter says what is due');
  }
  assert.is(app.smtp!.to(`bills-${paper.number}@example.ru`).length, 0, 'paper delivery: no letter');
  assert.is(app.smtp!.messages.length, 3);
  assert.is(countMailings(app), 3);
  void nobody;

  const second = await sendBills(app, '2026-10');
  assert.equal([second.queued, second.alreadyQueued], [0, 0]);
  await new Promise((r) => setTimeout(r, 300));
  assert.is(app.smtp!.messages.length, 3, 'the second run sent nothing');

  // A crash between the outbox and the log (simulated: the log row is lost) and a customer who
  // switches to e-mail later: the next run makes good the log without a second letter, and
  // sends the newcomer's bill.
  app.db.prepare('DELETE FROM bill_mailings WHERE account_id = ?').run(chosen[0].id);
  app.db.prepare('UPDATE accounts SET email_delivery = 1 WHERE id = ?').run(paper.id);
  const third = await sendBills(app, '2026-10');
  assert.equal([third.queued, third.alreadyQueued], [1, 1]);
  await app.smtp!.waitFor(`bills-${paper.number}@example.ru`);
  await new Promise((r) => setTimeout(r, 300));
  assert.is(app.smtp!.messages.length, 4, 'one more letter, for the newcomer only');
  assert.is(app.smtp!.to(`bills-${chosen[0].number}@example.ru`).length, 1, 'still one letter per account and period');
  assert.is(countMailings(app), 4);
});

mailing('a malformed period is refused with a usage line', async () => {
  const failed = await run(process.execPath, ['--import', 'tsx', 'scripts/send-bills.ts', '--period', '2026-13'], { env: { ...process.env, NODE_ENV: 'test' } }).catch((e) => e);
  assert.is(failed.code, 2);
  assert.match(failed.stderr, /Usage/);
});

mailing.run();
