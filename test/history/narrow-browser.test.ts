// История on a 320 px phone in Chromium, JS off: the wide tables (charges by month, a month's
// readings) stack into one card per row instead of scrolling sideways in their box, and the
// charts' text is drawn at a readable size. Screenshots go to SCREENSHOTS_DIR when it is set.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { Page } from 'puppeteer-core';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { join } from 'node:path';
import { launchBrowser, screenshot, screenshotsDir, type TestBrowser } from '../helpers/browser.ts';
import { seedAccount, seedMonthlyCharge, seedReading, seedTariffs, seedUser } from '../helpers/fixtures.ts';
import { createClient, type Client } from '../helpers/http.ts';

type World = { app: TestApp; browser: TestBrowser; client: Client; home: string };
const narrow = suite<World>('history at 320 px');

narrow.before(async (world) => {
  world.app = await startTestApp();
  const { db } = world.app;
  seedTariffs(db);
  const account = seedAccount(db, { zones: 2 });
  for (let m = 0; m < 12; m++) {
    const period = `${m < 1 ? 2025 : 2026}-${String(((m + 11) % 12) + 1).padStart(2, '0')}`;
    seedMonthlyCharge(db, account.id, period, 12_345, 123_456_789, `${period}-28`);
    db.prepare("INSERT INTO payments (account_id, order_number, amount_kopecks, channel, status, created_at, paid_at, updated_at) VALUES (?, ?, 98_765_432, 'bank', 'paid', ?, ?, ?)").run(
      account.id, `N${m}`, Date.parse(`${period}-20T09:00:00Z`) / 1000, Date.parse(`${period}-20T09:00:00Z`) / 1000, Date.parse(`${period}-20T09:00:00Z`) / 1000,
    );
  }
  const at = Date.parse('2026-10-20T10:00:00Z') / 1000;
  for (const [seq, status] of [[1, 'rejected'], [2, 'accepted']] as const) {
    seedReading(db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq, zone: 1, value: 123_456 + seq, submittedAt: at + seq * 60, status });
    seedReading(db, { accountId: account.id, meterId: account.meterId!, period: '2026-10', seq, zone: 2, value: 65_432 + seq, submittedAt: at + seq * 60, status });
  }
  db.prepare("UPDATE readings SET reason = 'Показания меньше предыдущих принятых' WHERE account_id = ? AND seq = 1").run(account.id);
  await seedUser(db, account.id, { password: 'correct-horse-1' });
  world.client = createClient(world.app.baseUrl);
  const login = await world.client.post('/login', { accountNumber: account.number, password: 'correct-horse-1' });
  world.home = login.location!;
  world.browser = await launchBrowser();
});
narrow.after(async ({ app, browser }) => {
  await browser.close();
  await app.close();
});

async function open(world: World, path: string): Promise<Page> {
  const page = await world.browser.openPage({ baseUrl: world.app.baseUrl, width: 320, client: world.client });
  const response = await page.goto(new URL(`${world.home}${path}`, world.app.baseUrl).href, { waitUntil: 'load' });
  assert.is(response?.status(), 200, path);
  return page;
}

/** Facts about a table at this width: does its box scroll sideways, and where its cells sit. */
function layoutOf(page: Page, selector: string) {
  return page.$eval(selector, (table) => {
    const box = table.closest('.table-scroll') as HTMLElement;
    const row = table.querySelector('tbody tr') as HTMLElement;
    const cells = [...row.children].map((cell) => cell.getBoundingClientRect());
    const header = table.querySelector('thead') as HTMLElement;
    const firstCell = row.querySelector('td') as HTMLElement;
    return {
      page: document.documentElement.scrollWidth,
      box: { scroll: box.scrollWidth, client: box.clientWidth },
      lefts: cells.map((c) => Math.round(c.left)),
      tops: cells.map((c) => Math.round(c.top)),
      rowWidth: Math.round(row.getBoundingClientRect().width),
      headerShown: header.getBoundingClientRect().height > 1,
      label: getComputedStyle(firstCell, '::before').content,
      rowRole: row.getAttribute('role'),
    };
  });
}

for (const [name, path, selector] of [
  ['charges by month', 'history/charges', '#history-table'],
  ["a month's readings", 'history/readings/2026-10', '#month-table'],
] as const) {
  narrow(`${name}: rows stack into cards, nothing scrolls sideways`, async (world) => {
    const page = await open(world, path);
    const layout = await layoutOf(page, selector);
    await screenshot(page, `history-stacked-${path.replace(/\W+/g, '-')}-320`);
    await world.browser.closePage(page);
    assert.ok(layout.page <= 320, `the page is ${layout.page} px wide`);
    assert.ok(layout.box.scroll <= layout.box.client, `the table scrolls in its box: ${layout.box.scroll} px in ${layout.box.client} px`);
    assert.ok(new Set(layout.lefts).size === 1, `every cell of a row starts at the same left edge: ${layout.lefts}`);
    assert.ok(layout.tops.every((top, i) => i === 0 || top > layout.tops[i - 1]), `each cell below the one before: ${layout.tops}`);
    assert.not.ok(layout.headerShown, 'the column headers are not drawn (each cell says its own)');
    assert.match(layout.label, /\S/, 'a cell is labelled');
    assert.is(layout.rowRole, 'row', 'the row keeps its role once it is a block');
  });
}

narrow('at 800 px the same tables are tables again', async (world) => {
  const page = await world.browser.openPage({ baseUrl: world.app.baseUrl, width: 800, client: world.client });
  await page.goto(new URL(`${world.home}history/charges`, world.app.baseUrl).href, { waitUntil: 'load' });
  const layout = await layoutOf(page, '#history-table');
  await world.browser.closePage(page);
  assert.ok(new Set(layout.tops).size === 1, 'the cells of a row side by side');
  assert.ok(layout.headerShown);
});

narrow('the charts are drawn at one unit a pixel: their text is 13 px at 320', async (world) => {
  for (const [path, id] of [['history/charges', '#charges-chart'], ['history/consumption', '#consumption-chart']] as const) {
    const page = await open(world, path);
    const sizes = await page.$eval(id, (svg) => {
      const scale = (svg as SVGSVGElement).getScreenCTM()!.a;
      return [...svg.querySelectorAll('text')].map((t) => parseFloat(getComputedStyle(t).fontSize) * scale);
    });
    const width = await page.evaluate(() => document.documentElement.scrollWidth);
    const dir = screenshotsDir();
    if (dir) await (await page.$(id))!.screenshot({ path: join(dir, `history-chart-${path.replace(/\W+/g, '-')}-320.png`) as `${string}.png` });
    await world.browser.closePage(page);
    assert.ok(sizes.length > 10, path);
    assert.ok(Math.min(...sizes) >= 12.5, `${path}: the smallest chart text is ${Math.min(...sizes).toFixed(1)} px`);
    assert.ok(width <= 320, `${path}: ${width} px`);
  }
});

narrow.run();
