// The installable app in headless Chromium: no installability errors, the service worker
// controls the page, it stores no personal pages, and with the server stopped a visit shows
// the offline page.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { launchBrowser, type TestBrowser } from './helpers/browser.ts';
import { seedAccount, seedUser } from './helpers/fixtures.ts';
import { createClient } from './helpers/http.ts';
import { startLocalhostApp, type LocalhostApp } from './helpers/localhost-app.ts';

const pwa = suite<{ app: LocalhostApp; browser: TestBrowser }>('pwa');

pwa.before(async (world) => {
  world.app = await startLocalhostApp();
  world.browser = await launchBrowser();
});
pwa.after(async (world) => {
  await world.browser?.close();
  await world.app?.close();
});

pwa('manifest and worker are served as the browser wants them', async ({ app }) => {
  const manifest = await fetch(`${app.baseUrl}/manifest.webmanifest`);
  assert.is(manifest.headers.get('content-type'), 'application/manifest+json; charset=utf-8');
  const body = (await manifest.json()) as { name: string; display: string; start_url: string; icons: { sizes: string }[] };
  assert.is(body.name, 'Свет КСК — личный кабинет');
  assert.is(body.display, 'standalone');
  assert.is(body.start_url, '/');
  assert.ok(['192x192', '512x512'].every((size) => body.icons.some((icon) => icon.sizes === size)));
  const worker = await fetch(`${app.baseUrl}/sw.js`);
  assert.is(worker.headers.get('cache-control'), 'no-cache');
  assert.match(worker.headers.get('content-type') ?? '', /javascript/);
  const offline = await fetch(`${app.baseUrl}/offline`);
  assert.is(offline.status, 200);
});

pwa('installable, controlled by the worker, no personal pages cached, offline page when the server is gone', async ({ app, browser }) => {
  const account = seedAccount(app.db);
  const { linkId } = await seedUser(app.db, account.id, { password: 'password-123' });
  const page = await browser.browser.newPage();
  try {
    // Logged in as a customer (the session cookie from an HTTP login), so cabinet pages are visited while the worker runs.
    const client = createClient(app.baseUrl);
    const login = await client.post('/login', { accountNumber: account.number, password: 'password-123' });
    assert.is(login.status, 303);
    await page.setCookie(...[...client.jar].map(([name, value]) => ({ name, value, domain: 'localhost', path: '/', httpOnly: true })));
    await page.goto(`${app.baseUrl}/a/${linkId}/`, { waitUntil: 'load' });
    assert.ok(await page.$('#main'), 'the cabinet opens');
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    // clients.claim() hands the open page to the worker without a reload.
    await page.waitForFunction(() => navigator.serviceWorker.controller !== null, { timeout: 10_000 });

    const cdp = await page.createCDPSession();
    const { installabilityErrors } = (await cdp.send('Page.getInstallabilityErrors')) as { installabilityErrors: { errorId: string }[] };
    assert.equal(installabilityErrors, [], `installability errors: ${JSON.stringify(installabilityErrors)}`);
    const manifest = (await cdp.send('Page.getAppManifest')) as { errors: unknown[]; url: string };
    assert.equal(manifest.errors, [], 'the manifest parses without errors');

    await page.reload({ waitUntil: 'load' });
    assert.ok(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the worker controls the page');
    const cached = await page.evaluate(async () => {
      const urls: string[] = [];
      for (const name of await caches.keys()) for (const request of await (await caches.open(name)).keys()) urls.push(new URL(request.url).pathname);
      return urls;
    });
    assert.ok(cached.includes('/offline') && cached.includes('/static/app.css'), `the shell is cached: ${cached.join(', ')}`);
    assert.ok(cached.every((path) => path === '/offline' || path.startsWith('/static/')), `only the shell and static files: ${cached.join(', ')}`);
    const offlineCopy = await page.evaluate(async () => (await (await caches.match('/offline'))!.text()));
    assert.not.ok(offlineCopy.includes(account.number) || offlineCopy.includes('/logout'), 'the stored offline page is nobody’s');

    await app.stopServing();
    const response = await page.goto(`${app.baseUrl}/a/${linkId}/info`, { waitUntil: 'load' });
    assert.ok(response, 'the worker answered');
    assert.ok(await page.$('#offline'), 'the offline page is shown');
    assert.is(await page.$eval('h1', (h) => h.textContent), 'Нет соединения с интернетом');
  } finally {
    await page.close();
  }
});

pwa.run();
