// The real app and the real sandbox bank, each on its own 127.0.0.1 port, sharing the temp
// SQLite file; plus a customer's way through «Оплатить» and the bank's page over HTTP.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import * as assert from 'uvu/assert';
import { startSandboxBank, type RunningSandboxBank, type SandboxBehaviour } from '../../services/payments/sandbox-bank/sandbox-bank.ts';
import { startTestApp, type TestApp } from './app.ts';
import type { Client, Page } from './http.ts';

export type PaymentsTestApp = TestApp & { bank: RunningSandboxBank };

export async function startPaymentsApp(options: { smtp?: boolean; env?: Record<string, string>; behaviour?: Partial<SandboxBehaviour> } = {}): Promise<PaymentsTestApp> {
  // The bank's port first: the app's config (and its CSP) needs the gateway URL.
  const bankServer = createServer();
  await new Promise<void>((resolve) => bankServer.listen(0, '127.0.0.1', resolve));
  const bankPort = (bankServer.address() as AddressInfo).port;
  const app = await startTestApp({
    smtp: options.smtp ?? true,
    env: { PAYMENT_GATEWAY_URL: `http://127.0.0.1:${bankPort}/payment/rest/`, PAYMENT_GATEWAY_TIMEOUT_MS: '5000', ...options.env },
  });
  const bank = await startSandboxBank(
    { db: app.db, username: app.config.payment.username, password: app.config.payment.password, callbackKey: app.config.payment.callbackKey, behaviour: options.behaviour, log: () => {} },
    { server: bankServer },
  );
  const closeApp = app.close;
  return Object.assign(app, {
    bank,
    async close() {
      await bank.close();
      await closeApp();
    },
  });
}

/** The hidden fields and values of the «Перейти к оплате» form on an order page. */
export function orderForm(page: Page): Record<string, string> {
  const form: Record<string, string> = {};
  page.$('form[action$="/pay/order"] input[type="hidden"]').each((_i, el) => {
    const name = page.$(el).attr('name')!;
    if (name !== '_csrf') form[name] = page.$(el).attr('value') ?? '';
  });
  return form;
}

export type PayOptions = {
  /** Readings for step 1 (zone1…); none for an account without a meter. */
  readings?: Record<string, string>;
  amount?: string;
  email?: string;
  card?: string;
  /** Stop after the bank's answer, without following it back to the app. */
  stayAtBank?: boolean;
};

export type Paid = { order: Page; bankRedirect: Page; result: Page | null; paymentId: number; orderId: string };

/** Step 1 (or straight to step 2 without a meter): returns the order page. */
export async function openOrderPage(client: Client, home: string, readings?: Record<string, string>): Promise<Page> {
  const page = readings ? await client.post(`${home}pay`, readings) : await client.get(`${home}pay`);
  assert.is(page.status, 200, `the order page opens (${page.$('#error-summary').text().trim()})`);
  assert.ok(page.$('form[action$="/pay/order"]').length === 1, 'the order form is shown');
  return page;
}

/** The whole way: readings → amount → the bank's page → card → back to the result page. */
export async function payThroughBank(client: Client, home: string, options: PayOptions = {}): Promise<Paid> {
  const order = await openOrderPage(client, home, options.readings);
  const form = { ...orderForm(order), amount: options.amount ?? String(order.$('#amount').val()), email: options.email ?? String(order.$('#email').val()), consent: 'yes' };
  const created = await client.post(`${home}pay/order`, form);
  assert.is(created.status, 303, `the order goes to the bank (${created.status}: ${created.$('#error-summary, #payment-failure').text().trim()})`);
  const bankPage = await client.get(created.location!);
  assert.is(bankPage.status, 200, 'the bank shows its page');
  const mdOrder = String(bankPage.$('input[name="mdOrder"]').val());
  const action = new URL(bankPage.$('form').attr('action')!, created.location!).href;
  const bankRedirect = await client.post(action, { mdOrder, pan: options.card ?? '4111 1111 1111 1111', action: 'pay' });
  assert.is(bankRedirect.status, 303, 'the bank redirects');
  const paymentId = Number(/\/payments\/(\d+)/.exec(bankRedirect.location ?? '')?.[1] ?? 0);
  if (options.stayAtBank) return { order, bankRedirect, result: null, paymentId, orderId: mdOrder };
  const result = await client.get(bankRedirect.location!);
  return { order, bankRedirect, result, paymentId, orderId: mdOrder };
}

export type SbpStarted = { order: Page; sbpPage: Page; paymentId: number; payload: string; testerUrl: string; qrId: string };

/** «По СБП»: readings → amount → our page with the QR code; nothing paid yet. */
export async function startSbp(client: Client, home: string, options: { readings?: Record<string, string>; amount?: string } = {}): Promise<SbpStarted> {
  const order = await openOrderPage(client, home, options.readings);
  const form = { ...orderForm(order), amount: options.amount ?? String(order.$('#amount').val()), email: String(order.$('#email').val()), consent: 'yes', method: 'sbp' };
  const created = await client.post(`${home}pay/order`, form);
  assert.is(created.status, 303, `the СБП order is registered (${created.status}: ${created.$('#error-summary, #payment-failure').text().trim()})`);
  const paymentId = Number(/\/payments\/(\d+)$/.exec(created.location ?? '')?.[1] ?? 0);
  assert.ok(paymentId > 0, `back to our own page, not the bank's (${created.location})`);
  const sbpPage = await client.get(created.location!);
  assert.is(sbpPage.status, 200);
  const payload = String(sbpPage.$('#sbp-open').attr('href'));
  const testerUrl = String(sbpPage.$('#sbp-tester').attr('href'));
  return { order, sbpPage, paymentId, payload, testerUrl, qrId: new URL(testerUrl).searchParams.get('qrId')! };
}

/** The tester's answer in the sandbox bank's "banking app": pay, decline or expire. */
export async function answerInBankApp(client: Client, started: SbpStarted, action: 'pay' | 'decline' | 'expire'): Promise<Page> {
  const app = await client.get(started.testerUrl);
  assert.is(app.status, 200, 'the sandbox «banking app» opens');
  const done = await client.post(new URL(app.$('form').attr('action')!, started.testerUrl).href, { qrId: started.qrId, action });
  assert.is(done.status, 303, 'the «banking app» took the answer');
  return done;
}
