// In headless Chromium with JavaScript off: a customer files a request with a photo, an operator
// answers it with a PDF, and the customer reads the answer (and gets the letter).
import { decodeBase32IgnorePadding } from '@oslojs/encoding';
import { generateHOTP } from '@oslojs/otp';
import { fileURLToPath } from 'node:url';
import type { ElementHandle } from 'puppeteer-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { launchBrowser, screenshot, type TestBrowser } from '../helpers/browser.ts';
import { seedAccount, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http.ts';

const photo = fileURLToPath(new URL('../fixtures/meter-photo.png', import.meta.url));
const answerPdf = fileURLToPath(new URL('../fixtures/answer.pdf', import.meta.url));

const test = suite<{ app: TestApp; browser: TestBrowser }>('support in a browser, JS off');

test.before(async (context) => {
  context.app = await startTestApp({ smtp: true });
  context.browser = await launchBrowser();
});
test.after(async ({ app, browser }) => {
  await browser?.close();
  await app?.close();
});

test('a customer files a request with a photo; an operator answers with a PDF', async ({ app, browser }) => {
  const account = seedAccount(app.db);
  const { linkId } = await seedUser(app.db, account.id, { password: 'correct-horse-1' });
  const customer = createClient(app.baseUrl);
  assert.is((await customer.post('/login', { accountNumber: account.number, password: 'correct-horse-1' })).status, 303);

  let page = await browser.openPage({ baseUrl: app.baseUrl, width: 320, client: customer });
  await page.goto(`${app.baseUrl}/a/${linkId}/support`, { waitUntil: 'load' });
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#new-request')]);
  await page.select('#topic', 'Показания и счётчик');
  await page.type('#text', 'Счётчик показывает 12345, а в счёте 13345. Фото прилагаю.');
  const input = (await page.$('#files')) as ElementHandle<HTMLInputElement>;
  await input.uploadFile(photo);
  let [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#request-form button[type="submit"]')]);
  assert.is(response?.status(), 200);
  assert.match(page.url(), new RegExp(`/a/${linkId}/support/\\d+\\?notice=sent$`));
  assert.is(await page.$eval('#request-status', (el) => el.textContent), 'новое');
  assert.is(await page.$eval('[data-attachment]', (el) => el.textContent), 'meter-photo.png');
  await screenshot(page, 'support-filed-320');
  const requestId = Number(/support\/(\d+)/.exec(page.url())![1]);
  await browser.closePage(page);

  // The operator logs in through the form, finds the request in the queue, answers with a file.
  const created = await app.services.operators.create({ login: 'sidorov', name: 'Сидоров Пётр' });
  const key = decodeBase32IgnorePadding(new URL(created.totpUri).searchParams.get('secret')!);
  page = await browser.openPage({ baseUrl: app.baseUrl, width: 320 });
  await page.goto(`${app.baseUrl}/ops/login`, { waitUntil: 'load' });
  await page.type('#login', 'sidorov');
  await page.type('#password', created.password);
  await page.type('#code', generateHOTP(key, BigInt(Math.floor(app.clock.now() / 1000 / 30)), 6));
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('form[action="/ops/login"] button[type="submit"]')]);
  await page.goto(`${app.baseUrl}/ops/requests`, { waitUntil: 'load' });
  await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click(`[data-request="${requestId}"] a`)]);
  assert.ok((await page.$eval('#conversation', (el) => el.textContent))!.includes('13345'));
  await page.type('#text', 'Проверили: в счёте опечатка, начисление пересчитано. Справка во вложении.');
  await ((await page.$('#files')) as ElementHandle<HTMLInputElement>).uploadFile(answerPdf);
  [response] = await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#answer-form button[type="submit"]')]);
  assert.is(response?.status(), 200);
  assert.is(await page.$eval('#request-status', (el) => el.textContent), 'ответ дан');
  await screenshot(page, 'support-answered-ops-320');
  await browser.closePage(page);

  const letter = await app.smtp!.waitFor(`user${account.id}@example.ru`);
  assert.ok(letter.text!.includes(`/a/${linkId}/support/${requestId}`));

  page = await browser.openPage({ baseUrl: app.baseUrl, width: 320, client: customer });
  await page.goto(`${app.baseUrl}/a/${linkId}/support/${requestId}`, { waitUntil: 'load' });
  assert.ok((await page.$eval('.message-operator', (el) => el.textContent))!.includes('пересчитано'));
  assert.is(await page.$eval('.message-operator [data-attachment]', (el) => el.textContent), 'answer.pdf');
  assert.ok((await page.evaluate(() => document.documentElement.scrollWidth)) <= 320);
  await browser.closePage(page);
});

test.run();
