// «Оплатить» end to end against the real sandbox bank over HTTP on 127.0.0.1: the amount, the
// bank's page, the result, the ledger, the receipt, each bad input, and exactly-once crediting.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createClient, type Client } from '../helpers/http.ts';
import { seedAccount, seedReading, seedTariffs, seedUser, setBalance, type SeededAccount } from '../helpers/fixtures.ts';
import { openOrderPage, orderForm, payThroughBank, startPaymentsApp, type PaymentsTestApp } from '../helpers/payments.ts';
import { defaultBehaviour } from '../../services/payments/sandbox-bank/sandbox-bank.ts';

const nbsp = '\u00a0';
const test = suite<{ app: PaymentsTestApp }>('payments');

test.before(async (context) => {
  context.app = await startPaymentsApp();
  seedTariffs(context.app.db);
});
test.after(async ({ app }) => app.close());
test.before.each(({ app }) => {
  Object.assign(app.bank.behaviour, defaultBehaviour);
  app.config.payment.timeoutMs = 5000;
});

type Setup = { client: Client; home: string; account: SeededAccount; email: string; linkId: number };

/** A logged-in customer; metered accounts have October's readings 1000/500/300 accepted. */
async function setup(app: PaymentsTestApp, options: { zones?: 1 | 2 | 3 | null; balance?: number } = {}): Promise<Setup> {
  const zones = options.zones === undefined ? 1 : options.zones;
  const account = seedAccount(app.db, { zones });
  if (zones) [1000, 500, 300].slice(0, zones).forEach((value, i) => seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, zone: i + 1, value }));
  if (options.balance) {
    setBalance(app.db, account.id, options.balance);
    app.db.prepare("INSERT INTO ledger (account_id, seq, at, kind, period, amount_kopecks) VALUES (?, 1, 0, 'opening', NULL, ?)").run(account.id, options.balance);
  }
  const email = `payer${account.id}@example.ru`;
  const { linkId } = await seedUser(app.db, account.id, { password: 'password-123', email });
  const client = createClient(app.baseUrl);
  const login = await client.post('/login', { accountNumber: account.number, password: 'password-123' });
  assert.is(login.status, 303);
  return { client, home: `/a/${linkId}/`, account, email, linkId };
}

type PaymentRow = { id: number; status: string; amount_kopecks: number; masked_pan: string | null; reading_seq: number | null; order_number: string; gateway_order_id: string | null; error: string | null };

function paymentsOf(app: PaymentsTestApp, accountId: number): PaymentRow[] {
  return app.db.prepare('SELECT id, status, amount_kopecks, masked_pan, reading_seq, order_number, gateway_order_id, error FROM payments WHERE account_id = ? ORDER BY id').all(accountId) as PaymentRow[];
}

function ledgerOf(app: PaymentsTestApp, accountId: number): { kind: string; amount_kopecks: number; payment_id: number | null }[] {
  return app.db.prepare("SELECT kind, amount_kopecks, payment_id FROM ledger WHERE account_id = ? AND kind IN ('payment', 'reversal') ORDER BY seq").all(accountId) as {
    kind: string;
    amount_kopecks: number;
    payment_id: number | null;
  }[];
}

function balanceOf(app: PaymentsTestApp, accountId: number): number {
  return (app.db.prepare('SELECT balance_kopecks AS b FROM accounts WHERE id = ?').get(accountId) as { b: number }).b;
}

function customerReadings(app: PaymentsTestApp, accountId: number): { seq: number; zone: number; value: number; status: string }[] {
  return app.db.prepare("SELECT seq, zone, value, status FROM readings WHERE account_id = ? AND source = 'customer' ORDER BY seq, zone").all(accountId) as {
    seq: number;
    zone: number;
    value: number;
    status: string;
  }[];
}

function auditCount(app: PaymentsTestApp, event: string): number {
  return (app.db.prepare('SELECT count(*) AS n FROM audit_log WHERE event = ?').get(event) as { n: number }).n;
}

// --- Paying end to end ---

const journeys: { name: string; zones: 1 | 2 | 3 | null; readings?: Record<string, string>; balance: number; charge: number; expectedAmount: string }[] = [
  // 150 kWh × 7,00 ₽ + 500 ₽ debt
  { name: 'a 1-zone account with a debt', zones: 1, readings: { zone1: '1150' }, balance: 50_000, charge: 105_000, expectedAmount: '1550,00' },
  // day 100 × 8,00 + night 50 × 4,00 = 1000 ₽, minus 200 ₽ overpaid
  { name: 'a 2-zone account with an overpayment', zones: 2, readings: { zone1: '1100', zone2: '550' }, balance: -20_000, charge: 100_000, expectedAmount: '800,00' },
  // 10 × 9 + 20 × 7 + 30 × 4 = 350 ₽
  { name: 'a 3-zone account', zones: 3, readings: { zone1: '1010', zone2: '520', zone3: '330' }, balance: 0, charge: 35_000, expectedAmount: '350,00' },
  // norm 120 kWh × 7,00 ₽ + 100 ₽ debt
  { name: 'an account without a meter', zones: null, balance: 10_000, charge: 84_000, expectedAmount: '940,00' },
];

for (const j of journeys) {
  test(`pays end to end: ${j.name}`, async ({ app }) => {
    const { client, home, account, email } = await setup(app, { zones: j.zones, balance: j.balance });
    const homePage = await client.get(home);
    assert.is(homePage.$('#action-pay').attr('href'), `${home}pay`);
    if (j.zones) {
      const step1 = await client.get(`${home}pay`);
      assert.is(step1.$('form[action$="/pay"] input[name^="zone"]').length, j.zones, 'one field per zone');
    }
    const order = await openOrderPage(client, home, j.readings);
    assert.is(order.$('#quote-charge').text(), `${(j.charge / 100).toLocaleString('ru-RU', { minimumFractionDigits: 2 }).replace(/\s/g, nbsp)}${nbsp}₽`);
    assert.is(order.$('#amount').val(), j.expectedAmount, 'the amount is computed and prefilled');
    assert.is(order.$('#email').val(), email, 'the e-mail is prefilled');
    assert.ok(order.$('label[for="consent"]').text().includes('обработку моих персональных данных'));
    assert.equal(customerReadings(app, account.id), [], 'nothing stored before «Перейти к оплате»');

    const paid = await payThroughBank(client, home, { readings: j.readings });
    assert.ok(paid.bankRedirect.location!.startsWith(`${app.baseUrl}${home}payments/`), 'the bank returns to the account-scoped result page');
    const result = paid.result!;
    assert.is(result.status, 200);
    assert.is(result.$('#payment-status').text(), 'оплачен');
    assert.is(result.$('#payment-card').text(), '411111**1111');

    const [payment] = paymentsOf(app, account.id);
    const kopecks = Number(j.expectedAmount.replace(',', ''));
    assert.is(payment.status, 'paid');
    assert.is(payment.amount_kopecks, kopecks);
    await app.bank.idle();
    assert.equal(ledgerOf(app, account.id), [{ kind: 'payment', amount_kopecks: -kopecks, payment_id: payment.id }], 'one ledger entry');
    assert.is(balanceOf(app, account.id), j.balance - kopecks, 'the balance moved once');
    if (j.readings) {
      const stored = customerReadings(app, account.id);
      assert.equal(stored.map((r) => String(r.value)), Object.values(j.readings), 'the readings are stored');
      assert.is(payment.reading_seq, stored[0].seq);
    } else {
      assert.is(payment.reading_seq, null);
    }

    const letter = await app.smtp!.waitFor(email);
    assert.ok(letter.subject?.includes('Оплата принята'));
    for (const part of [account.number, 'г. Калуга', 'ноябрь 2026', payment.order_number, '411111**1111', '54-ФЗ', `${j.expectedAmount.replace(/(\d)(?=(\d{3})+,)/g, `$1${nbsp}`)}${nbsp}₽`]) {
      assert.ok(letter.text?.includes(part), `the receipt carries ${part}`);
    }
    const list = await client.get(`${home}payments`);
    assert.is(list.$(`tr[data-payment="${payment.id}"] [data-status]`).text(), 'оплачен');
  });
}

test('a card that needs a confirmation code: wrong code, then 123456', async ({ app }) => {
  const { client, home, account } = await setup(app);
  const order = await openOrderPage(client, home, { zone1: '1100' });
  const created = await client.post(`${home}pay/order`, { ...orderForm(order), amount: '700', email: 'x@example.ru', consent: 'yes' });
  const bankPage = await client.get(created.location!);
  const mdOrder = String(bankPage.$('input[name="mdOrder"]').val());
  const pageUrl = new URL(bankPage.$('form').attr('action')!, created.location!).href;
  const asked = await client.post(pageUrl, { mdOrder, pan: '5555555555554444', action: 'pay' });
  assert.is(asked.status, 303);
  const codePage = await client.get(new URL(asked.location!, created.location!).href);
  assert.ok(codePage.$('h1').text().includes('Подтверждение'));
  const codeUrl = new URL(codePage.$('form').attr('action')!, created.location!).href;
  const wrong = await client.post(codeUrl, { mdOrder, code: '000000', action: 'confirm' });
  assert.is(wrong.status, 422);
  assert.ok(wrong.$('#code-error').text().includes('Неверный код'));
  assert.equal(ledgerOf(app, account.id), []);
  const right = await client.post(codeUrl, { mdOrder, code: '123456', action: 'confirm' });
  assert.is(right.status, 303);
  const result = await client.get(right.location!);
  assert.is(result.$('#payment-status').text(), 'оплачен');
  assert.is(ledgerOf(app, account.id).length, 1);
});

test('a declined card and «Отказаться» end as отклонён, nothing credited', async ({ app }) => {
  const { client, home, account } = await setup(app);
  const declined = await payThroughBank(client, home, { readings: { zone1: '1100' }, card: '4000 0000 0000 0002' });
  assert.is(declined.result!.$('#payment-status').text(), 'отклонён');
  const order = await openOrderPage(client, home, { zone1: '1100' });
  const created = await client.post(`${home}pay/order`, { ...orderForm(order), amount: '700', email: 'x@example.ru', consent: 'yes' });
  const bankPage = await client.get(created.location!);
  const refused = await client.post(new URL(bankPage.$('form').attr('action')!, created.location!).href, { mdOrder: String(bankPage.$('input[name="mdOrder"]').val()), action: 'decline' });
  const result = await client.get(refused.location!);
  assert.is(result.$('#payment-status').text(), 'отклонён');
  assert.equal(paymentsOf(app, account.id).map((p) => p.status), ['declined', 'declined']);
  await app.bank.idle();
  assert.equal(ledgerOf(app, account.id), []);
  assert.is(balanceOf(app, account.id), 0);
});

// --- Bad input ---

const badAmounts: [string, string, string][] = [
  ['zero', '0', 'больше нуля'],
  ['zero with kopecks', '0,00', 'больше нуля'],
  ['a negative amount', '-100', 'не может быть отрицательной'],
  ['more than two decimals', '100,555', 'Не больше двух знаков'],
  ['letters', '10 руб 50', 'цифрами'],
  ['above the maximum', '150000,01', `не больше 150${nbsp}000,00`],
  ['below the minimum', '0,99', `не меньше 1,00${nbsp}₽`],
  ['nothing', '', 'Введите сумму'],
];

for (const [name, amount, message] of badAmounts) {
  test(`refuses an amount: ${name}`, async ({ app }) => {
    const { client, home, account } = await setup(app);
    const order = await openOrderPage(client, home, { zone1: '1100' });
    const page = await client.post(`${home}pay/order`, { ...orderForm(order), amount, email: 'x@example.ru', consent: 'yes' });
    assert.is(page.status, 422);
    assert.ok(page.$('#amount-error').text().includes(message), page.$('#amount-error').text());
    assert.is(page.$('#error-summary a[href="#amount"]').length, 1);
    assert.is(page.$('#amount').val(), amount || undefined, 'the typed amount is kept');
    assert.equal(paymentsOf(app, account.id), []);
    assert.equal(customerReadings(app, account.id), [], 'no reading stored for a refused form');
  });
}

test('accepts «1234.56» and «1 234,56» as the same amount', async ({ app }) => {
  const { client, home, account } = await setup(app);
  for (const amount of ['1234.56', '1 234,56']) {
    const order = await openOrderPage(client, home, { zone1: '1100' });
    const page = await client.post(`${home}pay/order`, { ...orderForm(order), amount, email: 'x@example.ru', consent: 'yes' });
    assert.is(page.status, 303);
  }
  assert.equal(paymentsOf(app, account.id).map((p) => p.amount_kopecks), [123_456, 123_456]);
});

test('refuses a payment without the consent, and a bad e-mail', async ({ app }) => {
  const { client, home, account } = await setup(app);
  const order = await openOrderPage(client, home, { zone1: '1100' });
  const page = await client.post(`${home}pay/order`, { ...orderForm(order), amount: '700', email: 'not-an-email' });
  assert.is(page.status, 422);
  assert.ok(page.$('#consent-error').text().includes('согласие'));
  assert.ok(page.$('#email-error').text().length > 0);
  assert.is(page.$('#email').val(), 'not-an-email');
  assert.is(page.$('#amount').val(), '700');
  assert.equal(paymentsOf(app, account.id), []);
});

test('refuses to pay without readings when the account has a meter', async ({ app }) => {
  const { client, home, account } = await setup(app, { zones: 2 });
  const empty = await client.post(`${home}pay`, {});
  assert.is(empty.status, 422);
  assert.ok(empty.$('#zone1-error').text().includes('Введите показания'));
  const order = await openOrderPage(client, home, { zone1: '1100', zone2: '600' });
  const { formToken } = orderForm(order);
  const skipped = await client.post(`${home}pay/order`, { formToken, amount: '700', email: 'x@example.ru', consent: 'yes' });
  assert.is(skipped.status, 422);
  assert.ok(skipped.$('#error-summary').text().includes('Без показаний оплатить нельзя'));
  const half = await client.post(`${home}pay/order`, { formToken, zone1: '1100', amount: '700', email: 'x@example.ru', consent: 'yes' });
  assert.is(half.status, 422);
  assert.ok(half.$('#zone2-error').text().includes('Введите показания'));
  assert.equal(paymentsOf(app, account.id), []);
  assert.equal(customerReadings(app, account.id), []);
});

test('an implausible reading asks for confirmation before the amount, as on «Передать»', async ({ app }) => {
  const { client, home, account } = await setup(app);
  const asked = await client.post(`${home}pay`, { zone1: '9000' });
  assert.is(asked.status, 200);
  assert.ok(asked.$('#confirmation').text().includes('намного больше обычного'));
  const order = await openOrderPage(client, home, { zone1: '9000', confirm: 'yes' });
  assert.is(orderForm(order).confirm, 'yes');
  const paid = await payThroughBank(client, home, { readings: { zone1: '9000', confirm: 'yes' } });
  assert.is(paid.result!.$('#payment-status').text(), 'оплачен');
  assert.equal(customerReadings(app, account.id).map((r) => r.status), ['review']);
});

test('a double click on «Перейти к оплате» makes one order', async ({ app }) => {
  const { client, home, account } = await setup(app);
  const order = await openOrderPage(client, home, { zone1: '1100' });
  const form = { ...orderForm(order), amount: '700', email: 'x@example.ru', consent: 'yes' };
  const [first, second] = await Promise.all([client.post(`${home}pay/order`, form), client.post(`${home}pay/order`, form)]);
  const third = await client.post(`${home}pay/order`, form);
  assert.equal([first.status, second.status, third.status], [303, 303, 303]);
  assert.is(second.location, first.location, 'both clicks land on the same bank page');
  assert.is(third.location, first.location, 'a later resubmit too');
  assert.is(paymentsOf(app, account.id).length, 1, 'one order');
  assert.is(new Set(customerReadings(app, account.id).map((r) => r.seq)).size, 1, 'the readings stored once');
  const bankOrders = app.db.prepare('SELECT count(*) AS n FROM sandbox_bank_orders WHERE order_number = ?').get(paymentsOf(app, account.id)[0].order_number) as { n: number };
  assert.is(bankOrders.n, 1, 'one order at the bank');
});

test('the result page of a payment is a 404 to anyone else', async ({ app }) => {
  const mine = await setup(app);
  const theirs = await setup(app);
  const paid = await payThroughBank(mine.client, mine.home, { readings: { zone1: '1100' } });
  const url = new URL(paid.bankRedirect.location!).pathname + new URL(paid.bankRedirect.location!).search;
  assert.is((await theirs.client.get(url)).status, 404, 'their session, my link');
  const ownLink = `${theirs.home}payments/${paid.paymentId}`;
  assert.is((await theirs.client.get(ownLink)).status, 404, 'their link, my payment id');
  const guest = await createClient(app.baseUrl).get(url);
  assert.is(guest.status, 303);
  assert.is(guest.location, '/login');
  assert.not.ok((await theirs.client.get(`${theirs.home}payments`)).text.includes(paymentsOf(app, mine.account.id)[0].order_number));
});

// --- Callbacks ---

test('a callback with a wrong checksum is refused and logged; an unknown order too', async ({ app }) => {
  app.bank.behaviour.callbacks = false;
  const { client, home, account } = await setup(app);
  const paid = await payThroughBank(client, home, { readings: { zone1: '1100' }, stayAtBank: true });
  const before = auditCount(app, 'payment.callback_forged');
  assert.is(await app.bank.sendCallback(paid.orderId, 'deposited', 1, { wrongChecksum: true }), 400);
  const params = app.bank.callbackParams(paid.orderId, 'deposited', 1);
  const tampered = new URLSearchParams({ ...params, orderNumber: 'другой' });
  assert.is((await fetch(`${app.baseUrl}/payments/callback?${tampered}`)).status, 400, 'a changed parameter breaks the checksum');
  assert.is((await fetch(`${app.baseUrl}/payments/callback?mdOrder=${paid.orderId}&operation=deposited&status=1`)).status, 400, 'no checksum');
  assert.is(auditCount(app, 'payment.callback_forged') - before, 3);
  assert.equal(paymentsOf(app, account.id).map((p) => p.status), ['created'], 'a forged callback changes nothing');
  assert.equal(ledgerOf(app, account.id), []);

  const unknownBefore = auditCount(app, 'payment.callback_unknown');
  const unknown: Record<string, string> = { mdOrder: '00000000-0000-0000-0000-000000000000', orderNumber: 'x', operation: 'deposited', status: '1' };
  const { callbackChecksum } = await import('../../services/payments/gateway.ts');
  const signed = new URLSearchParams({ ...unknown, checksum: callbackChecksum(unknown, app.config.payment.callbackKey) });
  assert.is((await fetch(`${app.baseUrl}/payments/callback?${signed}`)).status, 404);
  assert.is(auditCount(app, 'payment.callback_unknown') - unknownBefore, 1);
});

test('a bank that reports another amount is not credited, and it is logged', async ({ app }) => {
  app.bank.behaviour.callbacks = false;
  const { client, home, account } = await setup(app);
  const paid = await payThroughBank(client, home, { readings: { zone1: '1100' }, stayAtBank: true });
  app.bank.behaviour.reportedAmountDelta = -50_00;
  const before = auditCount(app, 'payment.amount_mismatch');
  assert.is(await app.bank.sendCallback(paid.orderId), 200);
  const result = await client.get(paid.bankRedirect.location!);
  assert.ok(result.$('#payment-message').text().includes('не совпадает'));
  assert.is(auditCount(app, 'payment.amount_mismatch') - before, 2, 'the callback and the return page both noticed');
  assert.equal(ledgerOf(app, account.id), []);
  assert.is(balanceOf(app, account.id), 0);
});

test('20 callbacks at once, out of order, plus the redirect: credited once; a refund reverses once', async ({ app }) => {
  app.bank.behaviour.callbacks = false;
  const { client, home, account } = await setup(app, { balance: 100_000 });
  const paid = await payThroughBank(client, home, { readings: { zone1: '1100' }, amount: '1000', stayAtBank: true });
  const operations: [string, 0 | 1][] = [['deposited', 1], ['approved', 1], ['deposited', 0], ['declinedByTimeout', 0]];
  const calls: Promise<number>[] = [];
  for (let i = 0; i < 20; i++) {
    const [operation, status] = operations[(i * 7) % operations.length];
    calls.push(app.bank.sendCallback(paid.orderId, operation, status));
    if (i === 10) calls.push(client.get(paid.bankRedirect.location!).then((page) => page.status));
  }
  const statuses = await Promise.all(calls);
  assert.ok(statuses.every((s) => s === 200), statuses.join(','));
  const [payment] = paymentsOf(app, account.id);
  assert.is(payment.status, 'paid');
  assert.equal(ledgerOf(app, account.id), [{ kind: 'payment', amount_kopecks: -100_000, payment_id: payment.id }]);
  assert.is(balanceOf(app, account.id), 0);
  assert.is((app.db.prepare('SELECT count(*) AS n FROM outbox WHERE kind = ? AND dedupe_key = ?').get('receipt', `receipt:payment:${payment.id}`) as { n: number }).n, 1, 'one receipt');

  // The refund: the bank calls back (three times), and a stale «deposited» comes after it.
  app.bank.behaviour.callbacks = true;
  app.bank.behaviour.duplicateCallbacks = 2;
  assert.ok(app.bank.refund(paid.orderId));
  await app.bank.idle();
  assert.is(await app.bank.sendCallback(paid.orderId, 'deposited', 1), 200);
  assert.is(paymentsOf(app, account.id)[0].status, 'refunded');
  assert.equal(ledgerOf(app, account.id), [
    { kind: 'payment', amount_kopecks: -100_000, payment_id: payment.id },
    { kind: 'reversal', amount_kopecks: 100_000, payment_id: payment.id },
  ]);
  assert.is(balanceOf(app, account.id), 100_000);
  const ledgerSum = app.db.prepare('SELECT sum(amount_kopecks) AS s FROM ledger WHERE account_id = ?').get(account.id) as { s: number };
  assert.is(ledgerSum.s, balanceOf(app, account.id), 'the cached balance equals the ledger');
  const result = await client.get(paid.bankRedirect.location!);
  assert.is(result.$('#payment-status').text(), 'возвращён');
});

test('a late callback after the redirect changes nothing more', async ({ app }) => {
  app.bank.behaviour.callbackDelayMs = 300;
  const { client, home, account } = await setup(app);
  const paid = await payThroughBank(client, home, { readings: { zone1: '1100' }, amount: '100' });
  assert.is(paid.result!.$('#payment-status').text(), 'оплачен', 'the redirect settled it first');
  await app.bank.idle();
  assert.is(ledgerOf(app, account.id).length, 1);
});

test('reconciliation settles an order nobody came back for', async ({ app }) => {
  app.bank.behaviour.callbacks = false;
  const { client, home, account } = await setup(app);
  await payThroughBank(client, home, { readings: { zone1: '1100' }, amount: '100', stayAtBank: true });
  assert.equal((await app.services.payments.reconcile()).checked, 0, 'too young to reconcile');
  app.clock.advance(20 * 60);
  const report = await app.services.payments.reconcile();
  app.clock.set('2026-11-20T09:00:00Z');
  assert.ok(report.credited >= 1, 'this order (and any unsettled one of earlier tests) is credited');
  assert.equal(paymentsOf(app, account.id).map((p) => p.status), ['paid']);
  assert.is(ledgerOf(app, account.id).length, 1);
});

// --- The gateway failing ---

async function tryToPay(app: PaymentsTestApp, zones = { zone1: '1100' }) {
  const s = await setup(app);
  const order = await openOrderPage(s.client, s.home, zones);
  const page = await s.client.post(`${s.home}pay/order`, { ...orderForm(order), amount: '700', email: 'x@example.ru', consent: 'yes' });
  return { ...s, page };
}

test('the bank answering an error code: a Russian message, nothing charged, readings kept', async ({ app }) => {
  app.bank.behaviour.registerError = { code: '5', message: 'Доступ запрещён' };
  const { page, account, home, client } = await tryToPay(app);
  assert.is(page.status, 502);
  assert.ok(page.$('#payment-failure').text().includes('Банк не принял заказ (код 5: Доступ запрещён)'), page.$('#payment-failure').text());
  assert.ok(page.$('#payment-failure').text().includes('Деньги не списаны'));
  assert.ok(page.$('#payment-failure').text().includes('Показания сохранены'));
  assert.equal(paymentsOf(app, account.id).map((p) => p.status), ['declined']);
  assert.equal(ledgerOf(app, account.id), []);
  assert.is(customerReadings(app, account.id).length, 1);
  // The same page offers a fresh form: paying again works once the bank is back.
  app.bank.behaviour.registerError = null;
  const retry = await client.post(`${home}pay/order`, { ...orderForm(page), amount: '700', email: 'x@example.ru', consent: 'yes' });
  assert.is(retry.status, 303);
});

test('the bank not answering in time: a Russian message, nothing charged', async ({ app }) => {
  app.bank.behaviour.answerDelayMs = 1500;
  app.config.payment.timeoutMs = 300;
  const { page, account } = await tryToPay(app);
  assert.is(page.status, 502);
  assert.ok(page.$('#payment-failure').text().includes('Банк не ответил вовремя'), page.$('#payment-failure').text());
  assert.equal(paymentsOf(app, account.id).map((p) => p.status), ['declined']);
  assert.equal(ledgerOf(app, account.id), []);
});

test('the bank unreachable (a closed port): a Russian message, nothing charged', async ({ app }) => {
  const saved = app.config.payment.gatewayUrl;
  app.config.payment.gatewayUrl = 'http://127.0.0.1:9/payment/rest/';
  try {
    const { page, account } = await tryToPay(app);
    assert.is(page.status, 502);
    assert.ok(page.$('#payment-failure').text().includes('Не удалось связаться с банком'), page.$('#payment-failure').text());
    assert.equal(ledgerOf(app, account.id), []);
  } finally {
    app.config.payment.gatewayUrl = saved;
  }
});

test('the status check failing on return: the page says so and nothing is credited yet', async ({ app }) => {
  app.bank.behaviour.callbacks = false;
  const { client, home, account } = await setup(app);
  const paid = await payThroughBank(client, home, { readings: { zone1: '1100' }, amount: '100', stayAtBank: true });
  app.bank.behaviour.answerDelayMs = 1000;
  app.config.payment.timeoutMs = 200;
  const result = await client.get(paid.bankRedirect.location!);
  assert.is(result.$('#payment-status').text(), 'создан');
  assert.ok(result.$('#payment-message').text().includes('Банк пока не подтвердил'));
  assert.equal(ledgerOf(app, account.id), []);
  app.bank.behaviour.answerDelayMs = 0;
  app.config.payment.timeoutMs = 5000;
  assert.is((await client.get(paid.bankRedirect.location!)).$('#payment-status').text(), 'оплачен');
});

// --- Public pages and the measurement ---

test('the merchant pages are public and linked from the footer', async ({ app }) => {
  const guest = createClient(app.baseUrl);
  const login = await guest.get('/login');
  for (const path of ['/documents/agreement', '/payment-security', '/refunds', '/delivery', '/requisites']) {
    assert.ok(login.$(`footer a[href="${path}"]`).length >= 1, `footer links ${path}`);
    assert.is((await guest.get(path)).status, 200, path);
  }
  assert.ok((await guest.get('/requisites')).$('#requisites').text().includes(app.config.company.inn));
  assert.ok((await guest.get('/refunds')).text.includes('не может быть возвращён'));
  assert.ok((await guest.get('/payment-security')).text.includes('процессинговом центре банка-эквайера'));
});

test('the CSP lets the «Оплатить» form redirect to the bank', async ({ app }) => {
  const page = await createClient(app.baseUrl).get('/login');
  assert.ok(page.headers.get('content-security-policy')!.includes(`form-action 'self' ${app.bank.origin}`));
});

test('measures the end-to-end payment time through the sandbox (median of 20)', async ({ app }) => {
  const { client, home, account } = await setup(app);
  const times: number[] = [];
  for (let i = 0; i < 20; i++) {
    const started = performance.now();
    const paid = await payThroughBank(client, home, { readings: { zone1: String(1100 + i) }, amount: '10' });
    assert.is(paid.result!.$('#payment-status').text(), 'оплачен');
    times.push(performance.now() - started);
  }
  await app.bank.idle();
  times.sort((a, b) => a - b);
  console.log(`\n  payment through the sandbox, readings → bank → result: median ${times[10].toFixed(1)} ms, min ${times[0].toFixed(1)} ms, max ${times[19].toFixed(1)} ms (20 runs)`);
  assert.is(ledgerOf(app, account.id).length, 20);
});

test.run();
