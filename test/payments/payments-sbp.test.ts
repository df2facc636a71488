// Paying by СБП against the real sandbox bank over HTTP: the QR order, paying "from the banking
// app", declining, the code expiring, «Проверить оплату» without JS, htmx polling, and a callback
// racing the reconciler (credited once), with the receipt over real SMTP.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createClient, type Client } from '../helpers/http.ts';
import { seedAccount, seedReading, seedTariffs, seedUser } from '../helpers/fixtures.ts';
import { answerInBankApp, openOrderPage, orderForm, startPaymentsApp, startSbp, type PaymentsTestApp } from '../helpers/payments.ts';
import { defaultBehaviour } from '../../services/payments/sandbox-bank/sandbox-bank.ts';

const test = suite<{ app: PaymentsTestApp }>('payments by СБП');

test.before(async (context) => {
  context.app = await startPaymentsApp({ env: { PAYMENT_SBP_TTL_MINUTES: '15' } });
  seedTariffs(context.app.db);
});
test.after(async ({ app }) => app.close());
test.before.each(({ app }) => {
  Object.assign(app.bank.behaviour, defaultBehaviour);
});

async function setup(app: PaymentsTestApp): Promise<{ client: Client; home: string; accountId: number; email: string }> {
  const account = seedAccount(app.db, { zones: 1 });
  seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, zone: 1, value: 1000 });
  const email = `sbp${account.id}@example.ru`;
  const { linkId } = await seedUser(app.db, account.id, { password: 'password-123', email });
  const client = createClient(app.baseUrl);
  assert.is((await client.post('/login', { accountNumber: account.number, password: 'password-123' })).status, 303);
  return { client, home: `/a/${linkId}/`, accountId: account.id, email };
}

type Row = { status: string; method: string; qr_id: string | null; qr_payload: string | null; gateway_order_id: string | null; error: string | null; amount_kopecks: number };

function payment(app: PaymentsTestApp, id: number): Row {
  return app.db.prepare('SELECT status, method, qr_id, qr_payload, gateway_order_id, error, amount_kopecks FROM payments WHERE id = ?').get(id) as Row;
}

function credits(app: PaymentsTestApp, accountId: number): { amount_kopecks: number; note: string }[] {
  return app.db.prepare("SELECT amount_kopecks, note FROM ledger WHERE account_id = ? AND kind = 'payment'").all(accountId) as { amount_kopecks: number; note: string }[];
}

test('pays by СБП end to end: the QR page, the banking app, the callback, the result and the receipt', async ({ app }) => {
  const { client, home, accountId, email } = await setup(app);
  const order = await client.post(`${home}pay`, { zone1: '1150' });
  assert.is(order.$('#go-to-bank').text(), 'Картой');
  assert.is(order.$('#pay-sbp').text(), 'По СБП');

  const started = await startSbp(client, home, { readings: { zone1: '1150' } });
  const row = payment(app, started.paymentId);
  assert.is(row.method, 'sbp');
  assert.is(row.status, 'created');
  assert.match(started.payload, /^https:\/\/qr\.nspk\.ru\/AD[0-9A-F]{30}\?type=02&bank=\d{12}&sum=105000&cur=RUB$/);
  assert.is(started.payload, row.qr_payload, 'the page links the payload the bank gave');
  assert.is(app.bank.order(row.gateway_order_id!)!.qr_payload, started.payload);
  const page = started.sbpPage;
  assert.is(page.$('h1').text(), 'Оплата по СБП');
  assert.match(page.$('#sbp-qr').attr('src')!, /^data:image\/svg\+xml;base64,/);
  assert.match(page.$('#sbp-valid').text(), /QR-код действует ещё 15 мин\. — до /);
  assert.ok(page.$('#sbp-wait').attr('hx-trigger')?.startsWith('every '), 'htmx polls while the code lives');
  assert.is(page.$(`form[action="${home}payments/${started.paymentId}/check"] input[name="_csrf"]`).length, 1);

  await answerInBankApp(client, started, 'pay');
  await app.bank.idle();
  assert.is(payment(app, started.paymentId).status, 'paid', 'the callback settled it');
  const result = await client.get(`${home}payments/${started.paymentId}`);
  assert.is(result.$('h1').text(), 'Оплата прошла');
  assert.is(result.$('#payment-method').text(), 'СБП');
  assert.equal(credits(app, accountId), [{ amount_kopecks: -105_000, note: `Оплата по СБП, заказ ${result.$('#payment-order').text()}` }]);
  const letter = await app.smtp!.waitFor(email);
  assert.ok(letter.subject?.includes('Оплата принята'));
  assert.ok(letter.text?.includes(result.$('#payment-order').text()));
  const period = new Date(app.clock.now()).toISOString().slice(0, 7);
  const history = await client.get(`${home}history/payments/${period}`);
  assert.is(history.$(`[data-col="channel"]`).first().text().trim(), 'СБП', 'История names the way it was paid');
});

test('without JS: «Проверить оплату» asks the bank (no callback came) and shows the status', async ({ app }) => {
  app.bank.behaviour.callbacks = false;
  const { client, home, accountId } = await setup(app);
  const started = await startSbp(client, home, { readings: { zone1: '1100' } });
  const early = await client.post(`${home}payments/${started.paymentId}/check`, {});
  assert.is(early.status, 303);
  const waiting = await client.get(early.location!);
  assert.is(waiting.$('#payment-status').attr('data-status'), 'created', 'not paid yet: still the QR page');
  await answerInBankApp(client, started, 'pay');
  const checked = await client.follow(await client.post(`${home}payments/${started.paymentId}/check`, {}));
  assert.is(checked.$('#payment-status').attr('data-status'), 'paid');
  assert.is(credits(app, accountId).length, 1);
  const foreign = await setup(app);
  assert.is((await foreign.client.post(`${foreign.home}payments/${started.paymentId}/check`, {})).status, 404, 'someone else’s payment is not found');
});

test('with htmx: the poll answers the waiting box, then sends the page on once paid', async ({ app }) => {
  app.bank.behaviour.callbacks = false;
  const { client, home } = await setup(app);
  const started = await startSbp(client, home, { readings: { zone1: '1100' } });
  const url = `${home}payments/${started.paymentId}?poll=3`;
  const htmx = { 'HX-Request': 'true', 'HX-Target': 'sbp-wait' };
  const box = await client.get(url, htmx);
  assert.is(box.status, 200);
  assert.is(box.$('#sbp-wait').length, 1);
  assert.is(box.$('h1').length, 0, 'a fragment, not the page');
  assert.ok(box.$('#sbp-wait').attr('hx-get')!.endsWith('?poll=4'), 'the count goes on');
  const last = await client.get(`${home}payments/${started.paymentId}?poll=120`, htmx);
  assert.is(last.$('#sbp-wait').attr('hx-trigger'), undefined, 'polling stops at its limit');
  assert.ok(last.text.includes('Проверить оплату'));
  await answerInBankApp(client, started, 'pay');
  const moved = await client.get(url, htmx);
  assert.is(moved.status, 204);
  assert.is(moved.headers.get('HX-Redirect'), url, 'htmx loads the result page');
});

test('declined in the banking app: the payment ends declined, nothing credited, a Russian message', async ({ app }) => {
  const { client, home, accountId } = await setup(app);
  const started = await startSbp(client, home, { readings: { zone1: '1100' } });
  await answerInBankApp(client, started, 'decline');
  await app.bank.idle();
  const result = await client.get(`${home}payments/${started.paymentId}`);
  assert.is(result.$('#payment-status').attr('data-status'), 'declined');
  assert.ok(result.$('#payment-result').text().includes('Оплата по СБП отклонена'));
  assert.equal(credits(app, accountId), []);
});

test('the code expires: declined with the expiry message; paying after it is impossible', async ({ app }) => {
  const { client, home, accountId } = await setup(app);
  const started = await startSbp(client, home, { readings: { zone1: '1100' } });
  await answerInBankApp(client, started, 'expire');
  await app.bank.idle();
  const row = payment(app, started.paymentId);
  assert.is(row.status, 'declined');
  assert.match(row.error!, /Срок действия QR-кода истёк/);
  const result = await client.get(`${home}payments/${started.paymentId}`);
  assert.ok(result.$('#payment-result').text().includes('Срок действия QR-кода истёк'));
  const late = await client.get(started.testerUrl);
  assert.is(late.$('#qr-state').attr('data-state'), 'EXPIRED');
  assert.is(late.$('#sbp-pay').length, 0, 'the banking app no longer offers to pay');
  assert.equal(credits(app, accountId), []);
});

test('the bank lets the order run out by itself (its session timeout): declined as expired', async ({ app }) => {
  app.bank.behaviour.callbacks = false;
  const { client, home } = await setup(app);
  const started = await startSbp(client, home, { readings: { zone1: '1100' } });
  const row = payment(app, started.paymentId);
  const order = app.bank.order(row.gateway_order_id!)!;
  assert.is(order.expires_at - order.created_at, 15 * 60, 'register.do asked for the code’s lifetime (sessionTimeoutSecs)');
  app.db.prepare('UPDATE sandbox_bank_orders SET expires_at = ? WHERE order_id = ?').run(Math.floor(Date.now() / 1000) - 1, order.order_id);
  const result = await client.get(`${home}payments/${started.paymentId}`);
  assert.is(result.$('#payment-status').attr('data-status'), 'declined');
  assert.ok(result.$('#payment-result').text().includes('Срок действия QR-кода истёк'));
});

test('a callback and the reconciler racing (and the page, twice): credited once, one receipt', async ({ app }) => {
  app.bank.behaviour.callbacks = false;
  const { client, home, accountId } = await setup(app);
  const started = await startSbp(client, home, { readings: { zone1: '1100' } });
  await answerInBankApp(client, started, 'pay');
  const orderId = payment(app, started.paymentId).gateway_order_id!;
  const [callbacks, report] = await Promise.all([
    Promise.all([app.bank.sendCallback(orderId), app.bank.sendCallback(orderId)]),
    app.services.payments.reconcile({ olderThanSeconds: -60 }),
    client.get(`${home}payments/${started.paymentId}`),
    client.post(`${home}payments/${started.paymentId}/check`, {}),
  ]);
  assert.equal(callbacks, [200, 200]);
  assert.ok(report.checked >= 1);
  assert.is(payment(app, started.paymentId).status, 'paid');
  assert.is(credits(app, accountId).length, 1, 'one ledger entry');
  const receipts = app.db.prepare("SELECT count(*) AS n FROM outbox WHERE dedupe_key = ?").get(`receipt:payment:${started.paymentId}`) as { n: number };
  assert.is(receipts.n, 1, 'one receipt');
});

test('the same form sent twice (a double click on «По СБП»): one order, one QR code', async ({ app }) => {
  const { client, home, accountId } = await setup(app);
  const started = await startSbp(client, home, { readings: { zone1: '1100' } });
  const form = { ...orderForm(started.order), amount: String(started.order.$('#amount').val()), email: 'x@example.ru', consent: 'yes', method: 'sbp' };
  const again = await client.post(`${home}pay/order`, form);
  assert.is(again.location, `${home}payments/${started.paymentId}`);
  assert.is((app.db.prepare('SELECT count(*) AS n FROM payments WHERE account_id = ?').get(accountId) as { n: number }).n, 1);
});

test('the bank refuses the QR code: the order ends declined, the form is shown again with the reason', async ({ app }) => {
  const { client, home } = await setup(app);
  const order = await client.post(`${home}pay`, { zone1: '1100' });
  const form = orderForm(order);
  app.bank.behaviour.qrError = { code: '10', message: 'СБП для магазина не подключён' };
  const failed = await client.post(`${home}pay/order`, { ...form, amount: String(order.$('#amount').val()), email: 'x@example.ru', consent: 'yes', method: 'sbp' });
  assert.is(failed.status, 502);
  assert.ok(failed.$('#payment-failure').text().includes('Банк не принял заказ (код 10'));
  const row = app.db.prepare('SELECT status, gateway_order_id FROM payments ORDER BY id DESC LIMIT 1').get() as { status: string; gateway_order_id: string | null };
  assert.equal(row, { status: 'declined', gateway_order_id: null }, 'an order without a code can never be paid: it ends here');
});

test.run();

const off = suite<{ app: PaymentsTestApp }>('payments by СБП turned off (PAYMENT_SBP=0)');

off.before(async (context) => {
  context.app = await startPaymentsApp({ env: { PAYMENT_SBP: '0' } });
  seedTariffs(context.app.db);
});
off.after(async ({ app }) => app.close());

off('no «По СБП» on the form; an order asking for СБП, by the form or the API, is a card order', async ({ app }) => {
  const { client, home, accountId } = await setup(app);
  const order = await openOrderPage(client, home, { zone1: '1150' });
  assert.is(order.$('#pay-sbp').length, 0, 'no СБП button');
  assert.ok(order.$('#go-to-bank').length > 0, 'the card button stays');
  const created = await client.post(`${home}pay/order`, { ...orderForm(order), amount: '100', email: 'sbp-off@example.ru', consent: 'yes', method: 'sbp' });
  assert.is(created.status, 303);
  assert.not.match(created.location ?? '', /\/payments\/\d+$/, 'to the bank\'s card page, not an СБП page');
  const account = app.db.prepare('SELECT number FROM accounts WHERE id = ?').get(accountId) as { number: string };
  const login = await fetch(`${app.baseUrl}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountNumber: account.number, password: 'password-123' }) });
  const { token } = (await login.json()) as { token: string };
  const link = Number(home.split('/')[2]);
  const started = await fetch(`${app.baseUrl}/api/v1/accounts/${link}/payments`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ zone1: 1160, consent: true, amountKopecks: 10_000, method: 'sbp' }),
  });
  assert.is(started.status, 201);
  assert.is(((await started.json()) as { method: string }).method, 'card');
  assert.equal(app.db.prepare("SELECT DISTINCT method FROM payments WHERE account_id = ?").pluck().all(accountId), ['card']);
});

off.run();
