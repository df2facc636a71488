// PIN login on a trusted device: setting it after the password, logging in with 4 digits, change,
// turning off, the lockout after 5 wrong PINs, and the abuse the issue lists.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { seedAccount, seedUser } from '../helpers/fixtures.ts';
import { createClient, type Client } from '../helpers/http.ts';

type Person = { number: string; linkId: number; password: string };
type World = { app: TestApp; a: Person; b: Person };
const pin = suite<World>('pin');

pin.before(async (world) => {
  world.app = await startTestApp();
  const a = seedAccount(world.app.db);
  const b = seedAccount(world.app.db);
  world.a = { number: a.number, password: 'password-aaa', linkId: (await seedUser(world.app.db, a.id, { password: 'password-aaa' })).linkId };
  world.b = { number: b.number, password: 'password-bbb', linkId: (await seedUser(world.app.db, b.id, { password: 'password-bbb' })).linkId };
});
pin.after(async ({ app }) => app.close());

async function loggedIn(world: World, who: Person, client: Client = createClient(world.app.baseUrl)): Promise<Client> {
  const page = await client.post('/login', { accountNumber: who.number, password: who.password });
  assert.is(page.status, 303);
  return client;
}

async function setPin(client: Client, who: Person, value: string, password = who.password) {
  return client.post(`/a/${who.linkId}/security/pin`, { password, pin: value, pinConfirm: value });
}

const devices = (app: TestApp) => app.db.prepare('SELECT id, user_id, token_hash, pin_hash, failed_pins, disabled_at FROM trusted_devices ORDER BY id').all() as { id: number; user_id: number; token_hash: string; pin_hash: string; failed_pins: number; disabled_at: number | null }[];

pin('setting a PIN: the password first, 4 digits twice', async (world) => {
  const client = await loggedIn(world, world.a);
  const page = await client.get(`/a/${world.a.linkId}/security`);
  assert.is(page.status, 200);
  assert.ok(page.$('#pin-set-form').length, 'the set form is shown');

  for (const [value, message] of [['123', '4 цифры'], ['12345', '4 цифры'], ['12a4', '4 цифры'], ['', 'Придумайте']] as const) {
    const bad = await client.post(`/a/${world.a.linkId}/security/pin`, { password: world.a.password, pin: value, pinConfirm: value });
    assert.is(bad.status, 422, value);
    assert.ok(bad.$('#pin-error').text().includes(message), `${value}: ${bad.$('#pin-error').text()}`);
  }
  const mismatch = await client.post(`/a/${world.a.linkId}/security/pin`, { password: world.a.password, pin: '1234', pinConfirm: '4321' });
  assert.ok(mismatch.$('#pinConfirm-error').text().includes('не совпадают'));
  const wrongPassword = await setPin(client, world.a, '2468', 'not-my-password');
  assert.is(wrongPassword.status, 422);
  assert.ok(wrongPassword.$('#password-error').text().includes('Неверный пароль'));
  assert.is(client.cookie('svet_device'), undefined, 'no device yet');
  assert.is(devices(world.app).length, 0);

  const done = await setPin(client, world.a, '2468');
  assert.is(done.status, 303);
  assert.is(done.location, `/a/${world.a.linkId}/security?notice=pin-set`);
  const cookieHeader = done.headers.getSetCookie().find((c) => c.startsWith('svet_device='))!;
  assert.match(cookieHeader, /HttpOnly/i);
  assert.match(cookieHeader, /SameSite=Lax/i);
  assert.ok(Number(/Max-Age=(\d+)/i.exec(cookieHeader)![1]) >= 300 * 86400, 'a long-lived cookie');
  const [row] = devices(world.app);
  assert.not.ok(row.token_hash.includes(client.cookie('svet_device')!), 'only the hash of the cookie is stored');
  assert.match(row.pin_hash, /^\$argon2id\$/);
  deviceCookieOfA = client.cookie('svet_device')!;
  const after = await client.follow(done);
  assert.ok(after.$('#pin-on').length && after.$('#notice').length);
});

pin('the trusted device logs in with the 4 digits alone', async (world) => {
  const client = createClient(world.app.baseUrl);
  client.jar.set('svet_device', devicesCookie(world));
  const login = await client.get('/login');
  assert.is(login.$('#pin-login-link a').attr('href'), '/pin');
  assert.is(login.$('#passkey-login').length, 0, 'no biometrics button without a passkey');
  const page = await client.get('/pin');
  assert.is(page.status, 200);
  const inputs = page.$('#pin-form input:not([type="hidden"])');
  assert.is(inputs.length, 1, 'only the PIN is asked');
  assert.is(inputs.attr('inputmode'), 'numeric');

  for (const value of ['123', '12345', 'abcd', '12 4']) {
    const bad = await client.post('/pin', { pin: value });
    assert.is(bad.status, 422, value);
    assert.ok(bad.$('#pin-error').text().includes('4 цифры'));
  }
  assert.is(devices(world.app)[0].failed_pins, 0, 'malformed input is no attempt');

  const ok = await client.post('/pin', { pin: '2468' });
  assert.is(ok.status, 303);
  assert.is(ok.location, `/a/${world.a.linkId}/`);
  assert.is((await client.get(ok.location!)).status, 200, 'a normal session');
  const sessions = (world.app.db.prepare('SELECT count(*) AS n FROM sessions WHERE user_id = (SELECT user_id FROM trusted_devices LIMIT 1)').get() as { n: number }).n;
  assert.ok(sessions >= 1);
});

/** The cookie value of A's device, kept from the first test's client. */
let deviceCookieOfA = '';
function devicesCookie(_world: World): string {
  return deviceCookieOfA;
}

pin('change the PIN: the current one first', async (world) => {
  const client = createClient(world.app.baseUrl);
  client.jar.set('svet_device', deviceCookieOfA);
  await client.post('/pin', { pin: '2468' });
  const wrong = await client.post(`/a/${world.a.linkId}/security/pin/change`, { currentPin: '1111', pin: '1357', pinConfirm: '1357' });
  assert.is(wrong.status, 422);
  assert.ok(wrong.$('#currentPin-error').text().includes('Осталось попыток: 4'));
  const ok = await client.post(`/a/${world.a.linkId}/security/pin/change`, { currentPin: '2468', pin: '1357', pinConfirm: '1357' });
  assert.is(ok.status, 303);
  assert.is(devices(world.app)[0].failed_pins, 0, 'the right PIN resets the count');
  const fresh = createClient(world.app.baseUrl);
  fresh.jar.set('svet_device', deviceCookieOfA);
  assert.is((await fresh.post('/pin', { pin: '2468' })).status, 401, 'the old PIN no longer works');
  assert.is((await fresh.post('/pin', { pin: '1357' })).status, 303);
});

pin("a stolen device cookie opens only its own user's cabinet, never another's", async (world) => {
  // B trusts their own device with 9753.
  const b = await loggedIn(world, world.b);
  assert.is((await setPin(b, world.b, '9753')).status, 303);
  const deviceOfB = b.cookie('svet_device')!;
  // Someone with B's cookie types A's PIN: refused, no session, and it counts against B's device.
  const thief = createClient(world.app.baseUrl);
  thief.jar.set('svet_device', deviceOfB);
  const tried = await thief.post('/pin', { pin: '1357' });
  assert.is(tried.status, 401);
  assert.is(thief.cookie('svet_session'), undefined);
  // A logged in with a password on B's device: the security page does not treat it as A's,
  // and A's PIN set there makes A's own device without touching B's.
  const a = await loggedIn(world, world.a, createClient(world.app.baseUrl));
  a.jar.set('svet_device', deviceOfB);
  const page = await a.get(`/a/${world.a.linkId}/security`);
  assert.ok(page.$('#pin-set-form').length, "B's device is not A's");
  assert.is((await a.post(`/a/${world.a.linkId}/security/pin/off`, {})).status, 303);
  const bRow = devices(world.app).find((d) => d.token_hash && d.user_id !== devices(world.app)[0].user_id);
  assert.ok(bRow && bRow.disabled_at === null, "A cannot turn off B's device");
});

pin('five wrong PINs end the PIN login on that device; the sixth and even the right one are refused', async (world) => {
  const client = createClient(world.app.baseUrl);
  client.jar.set('svet_device', deviceCookieOfA);
  for (let attempt = 1; attempt <= 4; attempt++) {
    const wrong = await client.post('/pin', { pin: '0000' });
    assert.is(wrong.status, 401);
    assert.ok(wrong.$('#pin-error').text().includes(`Осталось попыток: ${5 - attempt}`), wrong.$('#pin-error').text());
  }
  const fifth = await client.post('/pin', { pin: '0000' });
  assert.is(fifth.status, 403);
  assert.ok(fifth.$('#pin-locked').length);
  assert.is(client.cookie('svet_device'), undefined, 'the device cookie is dropped');
  const row = devices(world.app)[0];
  assert.is(row.failed_pins, 5);
  assert.ok(row.disabled_at !== null, 'the device record is disabled');

  client.jar.set('svet_device', deviceCookieOfA);
  assert.is((await client.post('/pin', { pin: '0000' })).status, 403, 'a sixth attempt');
  const right = await client.post('/pin', { pin: '1357' });
  assert.is(right.status, 403, 'even the right PIN');
  assert.is(client.cookie('svet_session'), undefined);
  client.jar.set('svet_device', deviceCookieOfA);
  assert.ok((await client.get('/pin')).$('#pin-locked').length);
  assert.is((await client.get('/login')).$('#pin-login-link').length, 0, 'the login page demands the password');
  // The full login, then a new PIN: a new device replaces the disabled one.
  await loggedIn(world, world.a, client);
  assert.is((await setPin(client, world.a, '8642')).status, 303);
  assert.not.equal(client.cookie('svet_device'), deviceCookieOfA);
  deviceCookieOfA = client.cookie('svet_device')!;
});

pin('no device cookie: the PIN page sends to the password login', async (world) => {
  const client = createClient(world.app.baseUrl);
  assert.ok((await client.get('/pin')).$('#pin-unavailable').length);
  const post = await client.post('/pin', { pin: '1357' });
  assert.is(post.status, 403);
  assert.ok(post.$('#pin-unavailable').length);
  client.jar.set('svet_device', 'a'.repeat(32));
  assert.is((await client.post('/pin', { pin: '1357' })).status, 403, 'a made-up cookie');
});

pin('biometrics cannot be enrolled without a PIN on the device', async (world) => {
  const client = await loggedIn(world, world.b, createClient(world.app.baseUrl));
  const page = await client.post(`/a/${world.b.linkId}/security/passkey/options`, { passkeyPin: '9753' });
  assert.is(page.status, 403);
  assert.is(JSON.parse(page.text).error.code, 'pin_required');
});

pin('turning the PIN off forgets the device', async (world) => {
  const client = createClient(world.app.baseUrl);
  client.jar.set('svet_device', deviceCookieOfA);
  assert.is((await client.post('/pin', { pin: '8642' })).status, 303);
  const count = devices(world.app).length;
  const off = await client.post(`/a/${world.a.linkId}/security/pin/off`, {});
  assert.is(off.status, 303);
  assert.is(client.cookie('svet_device'), undefined);
  assert.is(devices(world.app).length, count - 1);
  const fresh = createClient(world.app.baseUrl);
  fresh.jar.set('svet_device', deviceCookieOfA);
  assert.ok((await fresh.get('/pin')).$('#pin-unavailable').length);
});

pin.run();
