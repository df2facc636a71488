// Biometrics with a virtual platform authenticator in headless Chromium (CDP WebAuthn): enrolment
// after the PIN, login by passkey on that device, a replayed challenge refused, and user
// verification required.
import type { Page } from 'puppeteer-core';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { launchBrowser, type TestBrowser } from '../helpers/browser.ts';
import { seedAccount, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http.ts';
import { startLocalhostApp, type LocalhostApp } from '../helpers/localhost-app.ts';

const passkeys = suite<{ app: LocalhostApp; browser: TestBrowser }>('passkeys');

passkeys.before(async (world) => {
  world.app = await startLocalhostApp();
  world.browser = await launchBrowser();
});
passkeys.after(async (world) => {
  await world.browser?.close();
  await world.app?.close();
});

async function cookieHeader(page: Page): Promise<string> {
  return (await page.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
}

passkeys('enrol after the PIN, log in with the passkey, refuse a replay and an unverified user', async ({ app, browser }) => {
  assert.is(app.config.mobile.webauthnRpId, 'localhost');
  const account = seedAccount(app.db);
  const { linkId } = await seedUser(app.db, account.id, { password: 'password-123' });
  const client = createClient(app.baseUrl);
  assert.is((await client.post('/login', { accountNumber: account.number, password: 'password-123' })).status, 303);
  assert.is((await client.post(`/a/${linkId}/security/pin`, { password: 'password-123', pin: '2468', pinConfirm: '2468' })).status, 303);

  const page = await browser.browser.newPage();
  try {
    await page.setCookie(...[...client.jar].map(([name, value]) => ({ name, value, domain: 'localhost', path: '/', httpOnly: true })));
    const cdp = await page.createCDPSession();
    await cdp.send('WebAuthn.enable');
    const { authenticatorId } = (await cdp.send('WebAuthn.addVirtualAuthenticator', {
      options: { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true, automaticPresenceSimulation: true },
    })) as { authenticatorId: string };

    // Enrolment: the form only JS shows; a wrong PIN first.
    await page.goto(`${app.baseUrl}/a/${linkId}/security`, { waitUntil: 'load' });
    await page.waitForSelector('#passkey-enrol-form:not([hidden])');
    assert.ok(await page.$eval('#passkey-needs-js', (el) => (el as HTMLElement).hidden), 'the no-JS note is hidden');
    await page.type('#passkeyPin', '1111');
    await page.click('#passkey-enrol-form button[type="submit"]');
    await page.waitForSelector('#passkey-error:not([hidden])');
    assert.match(await page.$eval('#passkey-error', (el) => el.textContent ?? ''), /Неверный PIN-код/);
    await page.$eval('#passkeyPin', (el) => ((el as HTMLInputElement).value = ''));
    await page.type('#passkeyPin', '2468');
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#passkey-enrol-form button[type="submit"]')]);
    assert.match(page.url(), /notice=passkey-on$/);
    assert.ok(await page.$('#passkey-on'));
    const stored = app.db.prepare('SELECT user_id, counter FROM passkeys').all() as { user_id: number }[];
    assert.is(stored.length, 1);
    const { credentials } = (await cdp.send('WebAuthn.getCredentials', { authenticatorId })) as { credentials: { isResidentCredential: boolean }[] };
    assert.is(credentials.length, 1, 'the authenticator holds the credential');

    // Log out (the session cookie goes), then log in by passkey on the same device.
    await page.deleteCookie({ name: 'svet_session', domain: 'localhost' });
    await page.goto(`${app.baseUrl}/login`, { waitUntil: 'load' });
    await page.waitForSelector('#passkey-login:not([hidden])');
    let captured: string | undefined;
    page.on('request', (request) => {
      if (request.url().endsWith('/passkey/login') && request.method() === 'POST') captured = request.postData();
    });
    await Promise.all([page.waitForNavigation({ waitUntil: 'load' }), page.click('#passkey-login-button')]);
    assert.is(new URL(page.url()).pathname, `/a/${linkId}/`, 'the passkey opened the cabinet');
    assert.ok((await page.cookies()).some((c) => c.name === 'svet_session'));
    const logins = (app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'login.passkey'").get() as { n: number }).n;
    assert.is(logins, 1);

    // The same signed answer again: its challenge is spent.
    assert.ok(captured, 'the login request was seen');
    const cookies = (await cookieHeader(page)).split('; ').filter((c) => !c.startsWith('svet_session=')).join('; ');
    const replay = await fetch(`${app.baseUrl}/passkey/login`, { method: 'POST', headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded' }, body: captured });
    assert.is(replay.status, 400);
    assert.is(((await replay.json()) as { error: { code: string } }).error.code, 'bad_challenge');
    assert.equal(replay.headers.getSetCookie().filter((c) => c.startsWith('svet_session=')), [], 'no session from a replay');

    // The API's passkey variant, as a native app would use it: device token → challenge → signed answer → bearer token.
    const deviceToken = client.jar.get('svet_device')!;
    await page.deleteCookie({ name: 'svet_session', domain: 'localhost' });
    await page.goto(`${app.baseUrl}/login`, { waitUntil: 'load' });
    await page.waitForSelector('#passkey-login:not([hidden])');
    // A string, not a function: tsx would wrap a function's inner arrows in a helper the page lacks.
    const apiLogin = (await page.evaluate(`(async (token) => {
      const post = (path, body) => fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
        .then(async (r) => ({ status: r.status, data: await r.json() }));
      const options = await post('/api/v1/login/passkey/options', { deviceToken: token });
      const response = await window.SimpleWebAuthnBrowser.startAuthentication({ optionsJSON: options.data.options });
      const first = await post('/api/v1/login/passkey', { deviceToken: token, response });
      const replayed = await post('/api/v1/login/passkey', { deviceToken: token, response });
      return { optionsStatus: options.status, first, replayed };
    })(${JSON.stringify(deviceToken)})`)) as { optionsStatus: number; first: { status: number; data: { token: string } }; replayed: { status: number } };
    assert.is(apiLogin.optionsStatus, 200);
    assert.is(apiLogin.first.status, 200);
    assert.match(apiLogin.first.data.token, /^[a-z2-7]{32}$/);
    const accounts = await fetch(`${app.baseUrl}/api/v1/accounts`, { headers: { authorization: `Bearer ${apiLogin.first.data.token}` } });
    assert.is(((await accounts.json()) as { accounts: { accountNumber: string }[] }).accounts[0].accountNumber, account.number);
    assert.is(apiLogin.replayed.status, 400, 'the API refuses a replayed answer too');

    // User verification is required: an authenticator that cannot verify the user gets nowhere.
    await cdp.send('WebAuthn.setUserVerified', { authenticatorId, isUserVerified: false });
    await page.deleteCookie({ name: 'svet_session', domain: 'localhost' });
    await page.goto(`${app.baseUrl}/login`, { waitUntil: 'load' });
    await page.waitForSelector('#passkey-login:not([hidden])');
    await page.click('#passkey-login-button');
    await page.waitForSelector('#passkey-error:not([hidden])', { timeout: 15_000 });
    assert.is(new URL(page.url()).pathname, '/login');
    assert.is((app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'login.passkey'").get() as { n: number }).n, 2, 'the web and the API logins, no third');
    assert.equal(app.errors, []);
  } finally {
    await page.close();
  }
});

passkeys('a device without a passkey gets no login challenge; no device cookie, none either', async ({ app }) => {
  const client = createClient(app.baseUrl);
  const none = await client.post('/passkey/login/options', {});
  assert.is(none.status, 403);
  assert.is(JSON.parse(none.text).error.code, 'no_device');
});

passkeys.run();
