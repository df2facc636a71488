// Bills: the HTML bill and its PDF for 1-, 2- and 3-zone accounts with a history built by the real
// monthly close; the PDF's text, fonts and QR code (decoded from the rendered page); the cache;
// bad periods and foreign links; a browser killed mid-render; 20 downloads at once; hostile names.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { appendLedgerEntry } from '../../db/billing/monthly-close.ts';
import { formatMoney } from '../../services/platform/format.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchBrowser } from '../helpers/browser.ts';
import { seedAccount, seedReading, seedTariffs, seedUser, type SeededAccount } from '../helpers/fixtures.ts';
import { createClient, type Client } from '../helpers/http.ts';
import { decodeQr, pdfFirstPagePng, pdfFonts, pdfPageCount, pdfText } from '../helpers/pdf.ts';

type Customer = { account: SeededAccount; client: Client; home: string; linkId: number };
type Context = { app: TestApp; customers: Record<string, Customer> };

const bills = suite<Context>('bills');

const company = {
  name: 'ПАО «Калужская сбытовая компания»',
  inn: '4029030252',
};

let seq = 1000;
function reading(app: TestApp, account: SeededAccount, period: string, values: number[]) {
  seq++;
  values.forEach((value, i) => seedReading(app.db, { accountId: account.id, meterId: account.meterId!, period, seq, zone: i + 1, value }));
}

function pay(app: TestApp, accountId: number, period: string, kopecks: number, at: number) {
  app.db.transaction(() =>
    appendLedgerEntry(app.db, { account_id: accountId, at, kind: 'payment', period, amount_kopecks: -kopecks, payment_id: null, note: 'Оплата через банк' }),
  )();
}

/** Three months closed by the real monthly close: Aug (first reading: by the norm), Sep and Oct by readings; a payment in October. */
async function customer(app: TestApp, zones: 1 | 2 | 3, readings: number[][], options: { holder?: string; address?: string } = {}): Promise<Customer> {
  const account = seedAccount(app.db, { zones, holder: options.holder, address: options.address, normKwh: 100 });
  ['2026-08', '2026-09', '2026-10'].forEach((period, i) => {
    reading(app, account, period, readings[i]);
    app.services.monthlyClose.close(period, { accountIds: [account.id] });
  });
  pay(app, account.id, '2026-10', 50_000, Date.parse('2026-10-12T09:00:00Z') / 1000);
  const { linkId } = await seedUser(app.db, account.id, { password: 'password-123' });
  const client = createClient(app.baseUrl);
  const login = await client.post('/login', { accountNumber: account.number, password: 'password-123' });
  assert.is(login.status, 303, 'the customer logs in');
  return { account, client, home: login.location!, linkId };
}

bills.before(async (context) => {
  context.app = await startTestApp();
  seedTariffs(context.app.db);
  const app = context.app;
  context.customers = {
    one: await customer(app, 1, [[1000], [1150], [1300]]),
    two: await customer(app, 2, [[500, 200], [600, 260], [700, 330]]),
    three: await customer(app, 3, [[100, 100, 100], [150, 180, 220], [200, 250, 330]]),
    hostile: await customer(app, 1, [[10], [20], [30]], {
      holder: `О'Брайен "Кавычкин" <script>alert(1)</script> & Ко`,
      address: `г. Калуга, ${'очень длинная улица Константина Эдуардовича Циолковского '.repeat(5)}д. 1, кв. 1`.slice(0, 300),
    }),
  };
});

bills.after(async ({ app }) => {
  await app.services.pdf.close();
  await app.close();
});

/** The same string with the non-breaking and thin spaces Intl puts in money made plain. */
const plain = (text: string) => text.replace(/[\u00a0\u202f]/g, ' ');

function expectedQr(number: string, period: string, sumKopecks: number): string {
  const [year, month] = period.split('-');
  return [
    'ST00012',
    `Name=${company.name}`,
    'PersonalAcc=40702810422240101462',
    'BankName=Калужское отделение № 8608 ПАО Сбербанк',
    'BIC=042908612',
    'CorrespAcc=30101810100000000612',
    `PayeeINN=${company.inn}`,
    'KPP=402901001',
    `Sum=${sumKopecks}`,
    `Purpose=Оплата электроэнергии за октябрь 2026, л/с ${number}`,
    `PersAcc=${number}`,
    `PaymPeriod=${month}${year}`,
  ].join('|');
}


async function getPdf(app: TestApp, c: Customer, period = '2026-10'): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const cookie = [...c.client.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const response = await fetch(`${app.baseUrl}/a/${c.linkId}/bills/${period}.pdf`, { headers: { cookie } });
  return { status: response.status, headers: response.headers, body: Buffer.from(await response.arrayBuffer()) };
}

// Hand-computed with seedTariffs' prices (1 zone 7,00; 2 zones 8,00/4,00; 3 zones 9,00/7,00/4,00 ₽).
// August is the first reading, charged by the norm (100 kWh in the first zone); then readings.
const cases = [
  { key: 'one', zones: 1, aug: 100 * 700, sep: 150 * 700, oct: 150 * 700 },
  { key: 'two', zones: 2, aug: 100 * 800, sep: 100 * 800 + 60 * 400, oct: 100 * 800 + 70 * 400 },
  { key: 'three', zones: 3, aug: 100 * 900, sep: 50 * 900 + 80 * 700 + 120 * 400, oct: 50 * 900 + 70 * 700 + 110 * 400 },
] as const;

for (const c of cases) {
  bills(`${c.zones}-zone bill: the PDF carries the account, period, amounts, INN, and a ГОСТ QR code that decodes`, async ({ app, customers }) => {
    const who = customers[c.key];
    const response = await getPdf(app, who);
    assert.is(response.status, 200);
    assert.is(response.headers.get('content-type'), 'application/pdf');
    assert.is(
      response.headers.get('content-disposition'),
      `attachment; filename="schet_${who.account.number}_2026-10.pdf"; filename*=UTF-8''${encodeURIComponent(`Счёт_${who.account.number}_2026-10.pdf`)}`,
    );
    assert.ok(response.body.subarray(0, 5).toString() === '%PDF-', 'a PDF');
    assert.is(await pdfPageCount(response.body), 1, 'one A4 page');

    const text = plain(await pdfText(response.body));
    const opening = c.aug + c.sep;
    const due = opening + c.oct - 50_000;
    for (const expected of [who.account.number, 'октябрь 2026', company.inn, formatMoney(c.oct), formatMoney(opening), formatMoney(50_000), formatMoney(due), '10.11.2026', 'по показаниям']) {
      assert.ok(text.includes(plain(expected)), `the PDF text has «${expected}»:\n${text}`);
    }
    if (c.zones === 3) assert.ok(text.includes('Полупик'), 'zone names');

    const fonts = await pdfFonts(response.body);
    assert.ok(fonts.length > 0 && fonts.every((f) => f.embedded), `every font embedded: ${JSON.stringify(fonts)}`);
    assert.ok(fonts.some((f) => /DejaVu/.test(f.name)), 'DejaVu carries the Cyrillic');

    const qr = decodeQr(await pdfFirstPagePng(response.body, 150));
    assert.is(qr, expectedQr(who.account.number, '2026-10', due), 'the QR code on the PDF page');
  });
}

bills('the HTML bill: readings per zone, tariff per zone, basis, balance; its QR decodes from the page in Chromium', async ({ app, customers }) => {
  const who = customers.two;
  const page = await who.client.get(`${who.home}bills/2026-10`);
  assert.is(page.status, 200);
  const $ = page.$;
  assert.is($('#bill-account').text(), who.account.number);
  assert.is($('#bill-period').text(), 'октябрь 2026');
  assert.equal($('#bill-readings tbody tr').map((_, tr) => $(tr).find('td').map((__, td) => $(td).text().trim()).get().join(' | ')).get(), [
    'День (07–23) | 600 (сентябрь 2026) | 700 | 100',
    'Ночь (23–07) | 260 (сентябрь 2026) | 330 | 70',
  ]);
  assert.equal($('#bill-charges tbody td:nth-child(3)').map((_, td) => $(td).text()).get(), [formatMoney(800), formatMoney(400)]);
  assert.ok($('#bill-basis').text().includes('по показаниям'));
  assert.is($('#bill-opening').text(), formatMoney(80_000 + 104_000));
  assert.is($('#bill-paid').text(), formatMoney(50_000));
  assert.is($('#bill-total').text(), formatMoney(80_000 + 104_000 + 108_000 - 50_000));
  assert.is($('#bill-download').attr('href'), `/a/${who.linkId}/bills/2026-10.pdf`);
  assert.ok($('link[href="/static/bill.css"]').length === 1, 'the print stylesheet is a static file (CSP: no inline style)');
  assert.not.ok(/<style|style="/.test(page.text), 'no inline style on the page served to browsers');

  const browser = await launchBrowser();
  try {
    const tab = await browser.openPage({ baseUrl: app.baseUrl, width: 1000, client: who.client });
    // About 2 px a module at 1×: the screenshot is taken at 3× so the decoder sees each module.
    await tab.setViewport({ width: 1000, height: 900, deviceScaleFactor: 3 });
    await tab.goto(`${app.baseUrl}${who.home}bills/2026-10`, { waitUntil: 'load' });
    const element = await tab.$('#bill-qr');
    const png = Buffer.from(await element!.screenshot({ type: 'png' }));
    assert.is(decodeQr(png), expectedQr(who.account.number, '2026-10', 80_000 + 104_000 + 108_000 - 50_000));
  } finally {
    await browser.close();
  }
});

bills('a closed period is served again from the cache, without Chromium', async ({ app, customers }) => {
  const who = customers.one;
  const first = await getPdf(app, who);
  const rendered = app.services.pdf.stats().rendered;
  const again = await getPdf(app, who);
  assert.is(again.status, 200);
  assert.is(again.headers.get('x-bill-cache'), 'hit');
  assert.ok(again.body.equals(first.body));
  assert.is(app.services.pdf.stats().rendered, rendered, 'no render');

  // A payment booked to the period changes the bill: the stale PDF is not served.
  pay(app, who.account.id, '2026-10', 1_000, Date.parse('2026-10-30T09:00:00Z') / 1000);
  const changed = await getPdf(app, who);
  assert.is(changed.headers.get('x-bill-cache'), 'miss');
  assert.ok(plain(await pdfText(changed.body)).includes(plain(formatMoney(51_000))));
});

bills('bad periods and foreign accounts are a Russian 404', async ({ app, customers }) => {
  const who = customers.one;
  for (const period of ['2026-11', '2020-01', '2026-13', '2026-1', 'abc', '2026-10x', '..%2F..%2Fetc']) {
    for (const suffix of ['', '.pdf']) {
      const page = await who.client.get(`${who.home}bills/${period}${suffix}`);
      assert.is(page.status, 404, `${period}${suffix}`);
      assert.ok(page.$('h1').text().length > 0 && /не найден/.test(page.$('h1').text()), `${period}${suffix}: a Russian 404`);
    }
  }
  const theirs = customers.two;
  for (const suffix of ['', '.pdf']) {
    const page = await who.client.get(`/a/${theirs.linkId}/bills/2026-10${suffix}`);
    assert.is(page.status, 404);
    assert.not.ok(page.text.includes(theirs.account.number));
  }
  assert.equal(app.errors, []);
});

bills('a quote, an apostrophe and <script> in the name are escaped in HTML and literal in the PDF; a 300-character address wraps', async ({ app, customers }) => {
  const who = customers.hostile;
  const holder = `О'Брайен "Кавычкин" <script>alert(1)</script> & Ко`;
  const page = await who.client.get(`${who.home}bills/2026-10`);
  assert.is(page.status, 200);
  assert.not.ok(page.text.includes('<script>alert(1)'), 'escaped');
  assert.is(page.$('#bill-holder').text(), holder);
  const address = (app.db.prepare('SELECT address FROM accounts WHERE id = ?').get(who.account.id) as { address: string }).address;
  assert.is(address.length, 300);
  assert.is(page.$('#bill-address').text(), address);

  const pdf = await getPdf(app, who);
  assert.is(pdf.status, 200);
  const squash = (s: string) => s.replace(/\s+/g, '');
  const blocks = await pdfText(pdf.body, { layout: false });
  assert.ok(squash(blocks).includes(squash(holder)), `the PDF shows the name literally:\n${blocks}`);
  // The address wraps over many lines beside other cells: its words must all be there, in order.
  let from = 0;
  for (const word of address.split(/\s+/)) {
    const at = blocks.indexOf(word, from);
    assert.ok(at >= 0, `the address's «${word}» is in the PDF after position ${from}:\n${blocks}`);
    from = at + word.length;
  }
  assert.is(await pdfPageCount(pdf.body), 1);
});

bills('20 downloads at once all succeed through the queue', async ({ app, customers }) => {
  app.db.prepare('DELETE FROM bill_pdfs').run();
  const who = [customers.one, customers.two, customers.three, customers.hostile];
  let peak = 0;
  const watch = setInterval(() => (peak = Math.max(peak, app.services.pdf.queue().active)), 5);
  const started = Date.now();
  const results = await Promise.all(Array.from({ length: 20 }, (_, i) => getPdf(app, who[i % who.length])));
  clearInterval(watch);
  assert.equal(results.map((r) => r.status), Array(20).fill(200));
  assert.ok(results.every((r) => r.headers.get('content-type') === 'application/pdf'));
  assert.ok(peak <= app.services.pdf.queue().concurrency, `at most ${app.services.pdf.queue().concurrency} pages at once, saw ${peak}`);
  const downloads = Date.now() - started;

  // Identical downloads share one render; 20 distinct jobs go through the queue one slot at a time.
  const bill = (await app.services.bills.statement(customers.three.account.id, '2026-10'))!;
  app.db.prepare('DELETE FROM bill_pdfs WHERE account_id = ?').run(bill.account.id);
  const before = app.services.pdf.stats().rendered;
  const shared = await Promise.all(Array.from({ length: 5 }, () => app.services.bills.pdfOf(bill)));
  assert.ok(shared.every((d) => d.kind === 'pdf' && !d.cached));
  assert.is(app.services.pdf.stats().rendered, before + 1, 'five identical requests at once, one render');
  const html = await app.services.bills.documentHtml(bill);
  peak = 0;
  const watchJobs = setInterval(() => (peak = Math.max(peak, app.services.pdf.queue().active)), 5);
  const jobsStarted = Date.now();
  const pdfs = await Promise.all(Array.from({ length: 20 }, (_, i) => app.services.pdf.render(html.replace('</body>', `<!-- ${i} --></body>`))));
  clearInterval(watchJobs);
  assert.ok(pdfs.every((pdf) => pdf.subarray(0, 5).toString() === '%PDF-'));
  assert.is(peak, app.services.pdf.queue().concurrency, 'the queue ran jobs up to its limit, no more');
  assert.equal(app.services.pdf.queue(), { active: 0, waiting: 0, concurrency: 3 });
  console.log(`    20 downloads at once: ${downloads} ms; 20 distinct renders at once: ${Date.now() - jobsStarted} ms`);
});

bills('the browser killed mid-render: that download still ends well and the next bill renders', async ({ app, customers }) => {
  const who = customers.three;
  await app.services.pdf.warm();
  const pid = await app.services.pdf.pid();
  assert.ok(pid, 'a browser runs');
  app.db.prepare('DELETE FROM bill_pdfs').run();
  const pending = getPdf(app, who);
  for (let i = 0; i < 200 && app.services.pdf.queue().active === 0; i++) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setTimeout(r, 30));
  process.kill(pid!, 'SIGKILL');
  const during = await pending;
  assert.is(during.status, 200, 'no 500 for the download that was cut');
  assert.ok(
    during.headers.get('content-type') === 'application/pdf' || /pdf-unavailable/.test(during.body.toString()),
    'either the retry on a fresh browser gave the PDF, or the HTML bill with the note',
  );
  app.db.prepare('DELETE FROM bill_pdfs').run();
  const next = await getPdf(app, who);
  assert.is(next.status, 200);
  assert.is(next.headers.get('content-type'), 'application/pdf');
  const newPid = await app.services.pdf.pid();
  assert.ok(newPid && newPid !== pid, 'a new browser');
  assert.ok(app.services.pdf.stats().crashes >= 1);
});

bills.run();

const missing = suite<{ app: TestApp; who: Customer }>('bills without Chromium');

missing.before(async (context) => {
  context.app = await startTestApp({ env: { CHROME_PATH: '/nonexistent/chromium' } });
  seedTariffs(context.app.db);
  context.who = await customer(context.app, 1, [[1000], [1100], [1200]]);
});
missing.after(async ({ app }) => {
  await app.services.pdf.close();
  await app.close();
});

missing('the download falls back to the printable HTML bill with a Russian note, not a 500', async ({ app, who }) => {
  const page = await who.client.get(`${who.home}bills/2026-10.pdf`);
  assert.is(page.status, 200);
  assert.match(page.headers.get('content-type') ?? '', /text\/html/);
  assert.ok(page.$('#pdf-unavailable').text().includes('PDF временно недоступен'));
  assert.is(page.$('#bill-account').text(), who.account.number);
  assert.ok(page.$('#bill-qr').attr('src')?.startsWith('data:image/svg+xml;base64,'));
  assert.equal(app.errors, []);
});

missing.run();
