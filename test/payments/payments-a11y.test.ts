// The payment pages in Chromium with JS off at 320 px: no horizontal scroll, no axe WCAG 2.1 AA
// violation — the app's steps, the result and list, the merchant pages and the sandbox bank's
// own pages — and one real browser payment (the CSP lets the form's 303 reach the bank).
import { AxePuppeteer } from '@axe-core/puppeteer';
import type { Page as BrowserPage } from 'puppeteer-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { insertAccountLink } from '../../db/auth/users.ts';
import { launchBrowser, screenshot, type TestBrowser } from '../helpers/browser.ts';
import { seedAccount, seedReading, seedTariffs, seedUser, setBalance } from '../helpers/fixtures.ts';
import { createClient, type Client } from '../helpers/http.ts';
import { answerInBankApp, openOrderPage, orderForm, payThroughBank, startPaymentsApp, startSbp, type PaymentsTestApp } from '../helpers/payments.ts';
import { decodeQr } from '../helpers/pdf.ts';

const narrow = 320;
type World = { app: PaymentsTestApp; browser: TestBrowser; client: Client; home: string; noMeterHome: string; resultUrl: string };
const test = suite<World>('payments: pages in a browser, JS off, 320 px, axe');

test.before(async (world) => {
  world.app = await startPaymentsApp({ smtp: false });
  world.browser = await launchBrowser();
  const { db } = world.app;
  seedTariffs(db);
  const account = seedAccount(db, { zones: 2 });
  seedReading(db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, zone: 1, value: 1000 });
  seedReading(db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, zone: 2, value: 500 });
  setBalance(db, account.id, 123_456);
  const { userId } = await seedUser(db, account.id, { password: 'password-123' });
  const noMeter = seedAccount(db, { zones: null });
  const noMeterLink = insertAccountLink(db, { user_id: userId, account_id: noMeter.id, is_primary: 0, created_at: 1_790_000_000 });
  world.client = createClient(world.app.baseUrl);
  const login = await world.client.post('/login', { accountNumber: account.number, password: 'password-123' });
  world.home = login.location!;
  world.noMeterHome = `/a/${noMeterLink}/`;
  const paid = await payThroughBank(world.client, world.home, { readings: { zone1: '1100', zone2: '550' } });
  world.resultUrl = new URL(paid.bankRedirect.location!).pathname;
});

test.after(async (world) => {
  await world.browser?.close();
  await world.app?.close();
});

async function check(world: World, tab: BrowserPage, name: string): Promise<void> {
  const scroll = await tab.evaluate(() => document.documentElement.scrollWidth);
  await screenshot(tab, `${name}-${narrow}`);
  assert.ok(scroll <= narrow, `${name}: ${scroll} px wide at ${narrow} px`);
  await tab.setJavaScriptEnabled(true);
  const results = await new AxePuppeteer(tab).options({ resultTypes: ['violations'] }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).setLegacyMode(true).analyze();
  const violations = results.violations.map((v) => `${v.id}: ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
  assert.equal(violations, [], `${name}: axe violations`);
  void world;
}

async function open(world: World, url: string, options: { guest?: boolean } = {}): Promise<BrowserPage> {
  const tab = await world.browser.openPage({ baseUrl: world.app.baseUrl, width: narrow, client: options.guest ? undefined : world.client });
  await tab.goto(new URL(url, world.app.baseUrl).href, { waitUntil: 'load' });
  return tab;
}

async function submit(tab: BrowserPage, form: string, fields: Record<string, string>, button = 'button[type="submit"]'): Promise<number | undefined> {
  for (const [name, value] of Object.entries(fields)) {
    await tab.$eval(`${form} [name="${name}"]`, (el, v) => {
      const input = el as HTMLInputElement;
      if (input.type === 'checkbox') input.checked = v === 'yes';
      else input.value = v;
    }, value);
  }
  const [response] = await Promise.all([tab.waitForNavigation({ waitUntil: 'load' }), tab.click(`${form} ${button}`)]);
  return response?.status();
}

const cases: { name: string; run: (world: World) => Promise<BrowserPage> }[] = [
  { name: 'pay-readings', run: (w) => open(w, `${w.home}pay`) },
  {
    name: 'pay-readings-empty',
    run: async (w) => {
      const tab = await open(w, `${w.home}pay`);
      assert.is(await submit(tab, 'form[action$="/pay"]', {}), 422);
      return tab;
    },
  },
  {
    name: 'pay-order',
    run: async (w) => {
      const tab = await open(w, `${w.home}pay`);
      assert.is(await submit(tab, 'form[action$="/pay"]', { zone1: '1100', zone2: '550' }), 200);
      assert.ok(await tab.$('#quote'));
      return tab;
    },
  },
  {
    name: 'pay-order-errors',
    run: async (w) => {
      const tab = await open(w, `${w.home}pay`);
      await submit(tab, 'form[action$="/pay"]', { zone1: '1100', zone2: '550' });
      assert.is(await submit(tab, 'form[action$="/pay/order"]', { amount: '-5', email: 'bad' }), 422);
      assert.ok(await tab.$('#consent-error'));
      return tab;
    },
  },
  { name: 'pay-no-meter', run: (w) => open(w, `${w.noMeterHome}pay`) },
  { name: 'payment-result', run: (w) => open(w, w.resultUrl) },
  { name: 'payments-list', run: (w) => open(w, `${w.home}payments`) },
  {
    name: 'pay-sbp',
    run: async (w) => {
      const tab = await open(w, `${w.home}payments/${(await startSbp(w.client, w.home, { readings: { zone1: '1100', zone2: '550' }, amount: '100' })).paymentId}`);
      assert.ok(await tab.$('#sbp-qr'), 'the QR page');
      return tab;
    },
  },
  {
    name: 'pay-sbp-expired',
    run: async (w) => {
      const started = await startSbp(w.client, w.home, { readings: { zone1: '1100', zone2: '550' }, amount: '100' });
      await answerInBankApp(w.client, started, 'expire');
      const tab = await open(w, `${w.home}payments/${started.paymentId}`);
      assert.is(await tab.$eval('#payment-status', (el) => el.getAttribute('data-status')), 'declined');
      assert.ok((await tab.content()).includes('Срок действия QR-кода истёк'), 'the expiry message');
      return tab;
    },
  },
  {
    name: 'sandbox-bank-sbp',
    run: async (w) => {
      const tab = await open(w, (await startSbp(w.client, w.home, { readings: { zone1: '1100', zone2: '550' }, amount: '100' })).testerUrl, { guest: true });
      assert.is(await tab.$eval('#qr-state', (el) => el.getAttribute('data-state')), 'STARTED');
      return tab;
    },
  },
  { name: 'payment-security', run: (w) => open(w, '/payment-security', { guest: true }) },
  { name: 'refunds', run: (w) => open(w, '/refunds', { guest: true }) },
  { name: 'delivery', run: (w) => open(w, '/delivery', { guest: true }) },
  { name: 'requisites', run: (w) => open(w, '/requisites', { guest: true }) },
  {
    name: 'sandbox-bank-page',
    run: async (w) => {
      const order = await openOrderPage(w.client, w.home, { zone1: '1100', zone2: '550' });
      const created = await w.client.post(`${w.home}pay/order`, { ...orderForm(order), amount: '1234,56', email: 'x@example.ru', consent: 'yes' });
      return open(w, created.location!);
    },
  },
  {
    name: 'sandbox-bank-code',
    run: async (w) => {
      const order = await openOrderPage(w.client, w.home, { zone1: '1100', zone2: '550' });
      const created = await w.client.post(`${w.home}pay/order`, { ...orderForm(order), amount: '100', email: 'x@example.ru', consent: 'yes' });
      const tab = await open(w, created.location!);
      assert.is(await submit(tab, 'form', { pan: '5555 5555 5555 4444' }, '#pay'), 200);
      assert.ok(await tab.$('#code'));
      return tab;
    },
  },
];

for (const c of cases) {
  test(c.name, async (world) => {
    const tab = await c.run(world);
    try {
      await check(world, tab, c.name);
    } finally {
      await world.browser.closePage(tab);
    }
  });
}

test('a real browser with JS off pays: form → 303 to the bank (CSP allows it) → card → back', async (world) => {
  const tab = await open(world, `${world.home}pay`);
  try {
    await submit(tab, 'form[action$="/pay"]', { zone1: '1100', zone2: '550' });
    const bankStatus = await submit(tab, 'form[action$="/pay/order"]', { amount: '100', consent: 'yes' });
    assert.is(bankStatus, 200);
    assert.ok(tab.url().startsWith(world.app.bank.origin), `on the bank's page: ${tab.url()}`);
    const back = await submit(tab, 'form', { pan: '4111 1111 1111 1111' }, '#pay');
    assert.is(back, 200);
    assert.ok(tab.url().startsWith(world.app.baseUrl), tab.url());
    assert.is(await tab.$eval('#payment-status', (el) => el.textContent), 'оплачен');
  } finally {
    await world.browser.closePage(tab);
  }
});

test('by СБП with JS off: the QR on the screen decodes to the bank’s payload; the app pays; «Проверить оплату»', async (world) => {
  const tab = await open(world, `${world.home}pay`);
  try {
    await submit(tab, 'form[action$="/pay"]', { zone1: '1100', zone2: '550' });
    assert.is(await submit(tab, 'form[action$="/pay/order"]', { amount: '100', consent: 'yes' }, '#pay-sbp'), 200);
    assert.ok(tab.url().startsWith(`${world.app.baseUrl}${world.home}payments/`), `on our own page: ${tab.url()}`);
    const paymentId = Number(/payments\/(\d+)/.exec(tab.url())![1]);
    const stored = world.app.db.prepare('SELECT qr_payload, gateway_order_id FROM payments WHERE id = ?').get(paymentId) as { qr_payload: string; gateway_order_id: string };
    assert.is(stored.qr_payload, world.app.bank.order(stored.gateway_order_id)!.qr_payload, 'the payload is the bank’s');
    const size = await tab.$eval('#sbp-qr', (el) => el.getBoundingClientRect().width);
    assert.ok(size >= 250, `big enough to scan from a screen: ${size} px at 320 px`);
    const png = Buffer.from(await (await tab.$('#sbp-qr'))!.screenshot({ type: 'png' }));
    assert.is(decodeQr(png), stored.qr_payload, 'the code on the screen carries the payload');
    assert.is(await tab.$eval('#sbp-open', (el) => el.getAttribute('href')), stored.qr_payload, 'the phone’s link opens the same payload');
    await tab.goto(await tab.$eval('#sbp-tester', (el) => (el as HTMLAnchorElement).href), { waitUntil: 'load' });
    await submit(tab, 'form', {}, '#sbp-pay');
    await tab.goto(`${world.app.baseUrl}${world.home}payments/${paymentId}`, { waitUntil: 'load' });
    assert.is(await tab.$eval('#payment-status', (el) => el.textContent), 'оплачен');
  } finally {
    await world.browser.closePage(tab);
  }
});

test.run();
