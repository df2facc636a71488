// htmx as an enhancement: section links swap <main> only, the reading field checks itself on
// leaving it; without htmx both are ordinary full pages (the other suites run with JS off).
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { launchBrowser, type TestBrowser } from './helpers/browser.ts';
import { createClient, type Client } from './helpers/http.ts';
import { seedAccount, seedReading, seedTariffs, seedUser } from './helpers/fixtures.ts';

const htmx = suite<{ app: TestApp; browser: TestBrowser; client: Client; home: string }>('htmx');

htmx.before(async (context) => {
  context.app = await startTestApp();
  seedTariffs(context.app.db);
  const account = seedAccount(context.app.db, { address: 'г. Калуга, ул. Гагарина, д. 7' });
  seedReading(context.app.db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq: 1, value: 1000 });
  const { linkId } = await seedUser(context.app.db, account.id, { password: 'password-123' });
  context.client = createClient(context.app.baseUrl);
  await context.client.post('/login', { accountNumber: account.number, password: 'password-123' });
  context.home = `/a/${linkId}/`;
  context.browser = await launchBrowser();
});
htmx.after(async ({ app, browser }) => {
  await browser.close();
  await app.close();
});

htmx('the server sends <main> alone only when the request targets it', async ({ client, home }) => {
  const fragment = await client.get(`${home}info`, { 'HX-Request': 'true', 'HX-Target': 'main' });
  assert.is(fragment.status, 200);
  assert.not.ok(fragment.text.includes('<html'), 'no layout');
  assert.is(fragment.$('main#main').length, 1);
  assert.is(fragment.$('#cabinet-nav').attr('hx-swap-oob'), 'true', 'the navigation comes along out of band');
  assert.is(fragment.$('#cabinet-nav [aria-current="page"]').text(), 'Информация');
  const boosted = await client.get(`${home}info`, { 'HX-Request': 'true', 'HX-Boosted': 'true' });
  assert.ok(boosted.text.includes('<html'), 'a boosted request without that target gets the whole page');
  assert.ok(fragment.headers.get('vary')!.includes('HX-Target'));
});

htmx('the reading field is checked as it is left', async ({ app, client, home }) => {
  const bad = await client.post(`${home}readings/check?zone=1`, { zone1: '12,5' });
  assert.is(bad.status, 200);
  assert.ok(bad.$('#zone1-error').text().includes('Только цифры'));
  assert.is(bad.$('#zone1').val(), '12,5');
  const low = await client.post(`${home}readings/check?zone=1`, { zone1: '999' });
  assert.ok(low.$('#zone1-error').text().includes('меньше предыдущих'));
  const fine = await client.post(`${home}readings/check?zone=1`, { zone1: '1100' });
  assert.is(fine.$('#zone1-error').length, 0);
  assert.is((await client.post(`${home}readings/check?zone=2`, { zone2: '1' })).status, 404, 'a zone the meter lacks');
  assert.is((app.db.prepare("SELECT count(*) AS n FROM readings WHERE source = 'customer'").get() as { n: number }).n, 0, 'checking stores nothing');
});

htmx('the support form fields are checked as they are left', async ({ app, client, home }) => {
  const check = (field: string, form: Record<string, string>, which = 'request-form') => client.post(`${home}support/check?field=${field}&form=${which}`, form);
  const noTopic = await check('topic', { topic: '' });
  assert.is(noTopic.status, 200);
  assert.is(noTopic.$('#topic-error').text().trim(), 'Ошибка: Выберите тему обращения');
  assert.is(noTopic.$('#topic').attr('aria-invalid'), 'true');
  assert.ok(noTopic.$('#topic').attr('hx-post')!.endsWith('support/check?field=topic&form=request-form'), 'the field comes back still checking itself');
  assert.not.ok(noTopic.text.includes('<html'), 'a fragment');
  const topic = await check('topic', { topic: 'Оплата' });
  assert.is(topic.$('#topic-error').length, 0);
  assert.is(topic.$('#topic option:selected').text(), 'Оплата', 'the choice is kept');

  const blank = await check('text', { text: '   ' });
  assert.ok(blank.$('#text-error').text().includes('Опишите вопрос'));
  assert.is(blank.$('label[for="text"]').text(), 'Текст обращения');
  const long = await check('text', { text: 'я'.repeat(5001) }, 'reply-form');
  assert.ok(long.$('#text-error').text().includes('не длиннее 5000 символов'));
  assert.is(long.$('label[for="text"]').text(), 'Сообщение', 'the reply form gets its own label');
  assert.is((long.$('#text').text()).length, 5001, 'what was typed stays');
  const text = await check('text', { text: 'Почему счёт вырос?' });
  assert.is(text.$('#text-error').length, 0);
  assert.is(text.$('#text').text(), 'Почему счёт вырос?');

  const ownLink = home.split('/')[2];
  const foreign = seedAccount(app.db);
  const { linkId: foreignLink } = await seedUser(app.db, foreign.id, { password: 'password-456' });
  const notMine = await check('account', { account: String(foreignLink) });
  assert.ok(notMine.$('#account-error').text().includes('Выберите лицевой счёт из списка'));
  assert.is((await check('account', { account: 'x' })).$('#account-error').length, 1);
  assert.is((await check('account', { account: ownLink })).$('#account-error').length, 0);

  assert.is((await check('constructor', {})).status, 404, 'only the form’s fields');
  assert.is((await check('files', {})).status, 404);
  assert.is(app.db.prepare('SELECT count(*) FROM support_requests').pluck().get(), 0, 'checking stores nothing');
});

htmx('in a browser with JS: the sections swap without a reload, the field shows its error on blur', async ({ app, browser, client, home }) => {
  const page = await browser.openPage({ baseUrl: app.baseUrl, width: 360, client });
  await page.setJavaScriptEnabled(true);
  await page.goto(new URL(home, app.baseUrl).href, { waitUntil: 'networkidle0' });
  await page.evaluate(() => {
    (window as unknown as { marker: number }).marker = 42;
  });
  await page.click('nav.sections a[href$="/info"]');
  await page.waitForSelector('#info-address');
  assert.ok(page.url().endsWith('/info'), 'the URL is pushed');
  assert.is(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'no full reload');
  assert.is(await page.$eval('nav.sections [aria-current="page"]', (a) => a.textContent), 'Информация');
  assert.ok((await page.title()).startsWith('Информация'));

  await page.goto(new URL(`${home}readings`, app.baseUrl).href, { waitUntil: 'networkidle0' });
  await page.type('#zone1', '12a');
  await page.keyboard.press('Tab');
  await page.waitForSelector('#zone1-error');
  assert.ok((await page.$eval('#zone1-error', (p) => p.textContent))!.includes('Только цифры'));

  // The support form: a blank message shows its error as it is left, before any submit; fixing it clears it.
  await page.goto(new URL(`${home}support/new`, app.baseUrl).href, { waitUntil: 'networkidle0' });
  const checked = page.waitForResponse((r) => r.url().includes('/support/check?field=topic'));
  await page.select('#topic', '');
  assert.is((await checked).status(), 200);
  await page.waitForSelector('#topic-error');
  await page.type('#text', '   ');
  await page.keyboard.press('Tab');
  await page.waitForSelector('#text-error');
  assert.ok((await page.$eval('#text-error', (p) => p.textContent))!.includes('Опишите вопрос'));
  assert.ok(page.url().endsWith('/support/new'), 'no navigation');
  await page.type('#text', 'Почему счёт вырос?');
  await page.keyboard.press('Tab');
  await page.waitForFunction(() => !document.querySelector('#text-error'));
  assert.is(await page.$eval('#text', (t) => (t as HTMLTextAreaElement).value.trim()), 'Почему счёт вырос?');
  await browser.closePage(page);
});

htmx.run();
