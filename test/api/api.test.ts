// The JSON API /api/v1: login and tokens, every resource, the bad input the issue lists, and the
// OpenAPI document (valid OpenAPI 3, every route in it).
import { Validator } from '@seriousme/openapi-schema-validator';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { seedAccount, seedMonthlyCharge, seedReading, seedTariffs, seedUser, setBalance, type SeededAccount } from '../helpers/fixtures.ts';
import { startPaymentsApp, type PaymentsTestApp } from '../helpers/payments.ts';
import { listApiRoutes } from '../helpers/routes.ts';

type World = { app: PaymentsTestApp; account: SeededAccount; linkId: number; token: string };
const api = suite<World>('api');

const password = 'password-123';

async function call(world: { app: PaymentsTestApp }, method: string, path: string, options: { token?: string; body?: unknown; raw?: string; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...options.headers };
  if (options.token) headers.authorization = `Bearer ${options.token}`;
  let body: string | undefined;
  if (options.raw !== undefined) body = options.raw;
  else if (options.body !== undefined) body = JSON.stringify(options.body);
  if (body !== undefined) headers['content-type'] ??= 'application/json';
  const response = await fetch(`${world.app.baseUrl}/api/v1${path}`, { method, headers, body, redirect: 'manual' });
  const type = response.headers.get('content-type') ?? '';
  const data = type.includes('json') ? await response.json() : Buffer.from(await response.arrayBuffer());
  return { status: response.status, headers: response.headers, data: data as any };
}

api.before(async (world) => {
  world.app = await startPaymentsApp({ smtp: false });
  seedTariffs(world.app.db);
  world.account = seedAccount(world.app.db, { zones: 2 });
  seedReading(world.app.db, { accountId: world.account.id, meterId: world.account.meterId!, period: '2026-09', seq: 1, zone: 1, value: 1000 });
  seedReading(world.app.db, { accountId: world.account.id, meterId: world.account.meterId!, period: '2026-09', seq: 1, zone: 2, value: 500 });
  seedMonthlyCharge(world.app.db, world.account.id, '2026-10', 150, 98_765, '2026-11-10');
  setBalance(world.app.db, world.account.id, 98_765);
  world.linkId = (await seedUser(world.app.db, world.account.id, { password })).linkId;
});
api.after(async ({ app }) => app.close());

api('login gives a token; wrong password, unknown account and bad input do not', async (world) => {
  const ok = await call(world, 'POST', '/login', { body: { accountNumber: world.account.number, password } });
  assert.is(ok.status, 200);
  assert.match(ok.data.token, /^[a-z2-7]{32}$/);
  assert.ok(Date.parse(ok.data.expiresAt) > world.app.clock.now(), 'expires in the future');
  assert.is(ok.headers.get('cache-control'), 'no-store');
  assert.is(ok.headers.get('set-cookie'), null, 'no cookies from the API');
  world.token = ok.data.token;
  const stored = world.app.db.prepare('SELECT id FROM api_tokens').all() as { id: string }[];
  assert.ok(stored.every((row) => row.id !== ok.data.token), 'only the hash is stored');

  const wrong = await call(world, 'POST', '/login', { body: { accountNumber: world.account.number, password: 'nope-nope' } });
  assert.is(wrong.status, 401);
  assert.is(wrong.data.error.code, 'invalid_credentials');
  assert.is(wrong.data.error.message, 'Неверный номер лицевого счёта или пароль.');
  const unknown = await call(world, 'POST', '/login', { body: { accountNumber: '999999999', password } });
  assert.equal(unknown.data, wrong.data, 'an unknown account answers exactly like a wrong password');

  const bad = await call(world, 'POST', '/login', { body: { accountNumber: '12 34', password: '' } });
  assert.is(bad.status, 422);
  assert.is(bad.data.error.code, 'validation');
  assert.ok(bad.data.error.fields.accountNumber.includes('9 цифр'));
  assert.ok(bad.data.error.fields.password);
});

api('login is throttled by the same counters as the web form', async (world) => {
  const other = seedAccount(world.app.db);
  await seedUser(world.app.db, other.id, { password });
  for (let i = 0; i < 5; i++) assert.is((await call(world, 'POST', '/login', { body: { accountNumber: other.number, password: 'wrong-wrong' } })).status, 401);
  const limited = await call(world, 'POST', '/login', { body: { accountNumber: other.number, password } });
  assert.is(limited.status, 429);
  assert.is(limited.data.error.code, 'throttled');
  assert.ok(Number(limited.headers.get('retry-after')) > 0);
  // The web form shares the counter: it is refused too.
  const web = await fetch(`${world.app.baseUrl}/login`);
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await web.text())![1];
  const cookie = web.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const form = await fetch(`${world.app.baseUrl}/login`, { method: 'POST', redirect: 'manual', headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams({ _csrf: csrf, accountNumber: other.number, password }).toString() });
  assert.is(form.status, 429);
});

api('no token, a wrong one or an expired one: 401 with WWW-Authenticate', async (world) => {
  const none = await call(world, 'GET', '/accounts');
  assert.is(none.status, 401);
  assert.is(none.data.error.code, 'unauthorized');
  assert.is(none.headers.get('www-authenticate'), 'Bearer');
  assert.is((await call(world, 'GET', '/accounts', { token: 'a'.repeat(32) })).status, 401);
  assert.is((await call(world, 'GET', '/accounts', { headers: { authorization: `Basic ${world.token}` } })).status, 401);

  const login = await call(world, 'POST', '/login', { body: { accountNumber: world.account.number, password } });
  assert.is((await call(world, 'GET', '/accounts', { token: login.data.token })).status, 200);
  world.app.clock.advance(world.app.config.mobile.apiTokenTtlHours * 3600 + 1);
  try {
    const expired = await call(world, 'GET', '/accounts', { token: login.data.token });
    assert.is(expired.status, 401);
    assert.ok(expired.data.error.message.includes('истёк'));
  } finally {
    world.app.clock.advance(-(world.app.config.mobile.apiTokenTtlHours * 3600 + 1));
  }
  // world.token was issued at the same moment: it expired too. Log in again.
  world.token = (await call(world, 'POST', '/login', { body: { accountNumber: world.account.number, password } })).data.token;
});

api('accounts and balance', async (world) => {
  const list = await call(world, 'GET', '/accounts', { token: world.token });
  assert.equal(list.data.accounts, [{ id: world.linkId, accountNumber: world.account.number, address: 'г. Калуга, ул. Ленина, д. 1, кв. 1', primary: true }]);
  const balance = await call(world, 'GET', `/accounts/${world.linkId}/balance`, { token: world.token });
  assert.is(balance.status, 200);
  assert.is(balance.data.state, 'debt');
  assert.is(balance.data.balanceKopecks, 98_765);
  assert.is(balance.data.amountDueKopecks, 98_765);
  assert.is(balance.data.dueOn, '2026-11-10');
  assert.is(balance.data.meter.zones, 2);
  assert.equal(balance.data.lastReadings.map((r: { value: number }) => r.value), [1000, 500]);
});

api('readings: the same rules as the form, confirmation as a field', async (world) => {
  const path = `/accounts/${world.linkId}/readings`;
  const bad = await call(world, 'POST', path, { token: world.token, body: { zone1: 900, zone2: 600 } });
  assert.is(bad.status, 422);
  assert.ok(bad.data.error.fields.zone1.includes('меньше предыдущих'));
  const missing = await call(world, 'POST', path, { token: world.token, body: { zone1: 1100 } });
  assert.is(missing.status, 422);
  assert.ok(missing.data.error.fields.zone2);
  const typed = await call(world, 'POST', path, { token: world.token, body: { zone1: '1100', zone2: 1.5 } });
  assert.is(typed.status, 422);
  assert.ok(typed.data.error.fields.zone1 && typed.data.error.fields.zone2);

  const jump = await call(world, 'POST', path, { token: world.token, body: { zone1: 90_000, zone2: 600 } });
  assert.is(jump.status, 409);
  assert.is(jump.data.error.code, 'confirmation_required');
  assert.ok(jump.data.error.confirmation.jump);
  const count = () => (world.app.db.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n;
  const before = count();
  const ok = await call(world, 'POST', path, { token: world.token, body: { zone1: 1100, zone2: 550 } });
  assert.is(ok.status, 201, JSON.stringify(ok.data));
  assert.is(ok.data.status, 'accepted');
  assert.equal(ok.data.consumptionKwh, [100, 50]);
  assert.ok(ok.data.estimateKopecks > 0);
  assert.is(count(), before + 2);
  const confirmed = await call(world, 'POST', path, { token: world.token, body: { zone1: 90_000, zone2: 600, confirmed: true } });
  assert.is(confirmed.status, 201);
  assert.is(confirmed.data.status, 'review');
});

api('history: four views with a range; a bad range is a 422', async (world) => {
  for (const view of ['readings', 'payments', 'charges', 'consumption']) {
    const page = await call(world, 'GET', `/accounts/${world.linkId}/history/${view}?from=2026-01&to=2026-11`, { token: world.token });
    assert.is(page.status, 200, `${view}: ${JSON.stringify(page.data)}`);
    assert.is(page.data.view, view);
    assert.is(page.data.range.to, '2026-11');
    assert.match(page.data.range.from, /^2026-\d\d$/);
    assert.ok(Array.isArray(page.data.months));
    assert.not.ok('chart' in page.data, 'no chart geometry in the API');
  }
  const charges = await call(world, 'GET', `/accounts/${world.linkId}/history/charges`, { token: world.token });
  assert.ok(charges.data.months.some((m: { period: string }) => m.period === '2026-10'));
  const bad = await call(world, 'GET', `/accounts/${world.linkId}/history/readings?from=garbage`, { token: world.token });
  assert.is(bad.status, 422);
  assert.ok(bad.data.error.fields.from);
});

api('payments: readings first, then the bank form URL', async (world) => {
  const path = `/accounts/${world.linkId}/payments`;
  const noConsent = await call(world, 'POST', path, { token: world.token, body: { zone1: 1150, zone2: 560 } });
  assert.is(noConsent.status, 422);
  assert.ok(noConsent.data.error.fields.consent);
  const noReadings = await call(world, 'POST', path, { token: world.token, body: { consent: true } });
  assert.is(noReadings.status, 422);
  assert.ok(noReadings.data.error.fields.zone1);
  const tooSmall = await call(world, 'POST', path, { token: world.token, body: { zone1: 1150, zone2: 560, consent: true, amountKopecks: 1 } });
  assert.is(tooSmall.status, 422);
  assert.ok(tooSmall.data.error.fields.amountKopecks);
  const started = await call(world, 'POST', path, { token: world.token, body: { zone1: 1150, zone2: 560, consent: true } });
  assert.is(started.status, 201, JSON.stringify(started.data));
  assert.match(started.data.formUrl, /^http:\/\/127\.0\.0\.1:\d+\//);
  const again = await call(world, 'POST', path, { token: world.token, body: { zone1: 1150, zone2: 560, consent: true, requestId: started.data.requestId } });
  assert.is(again.data.formUrl, started.data.formUrl, 'the same requestId is the same order');
  const orders = (world.app.db.prepare('SELECT count(*) AS n FROM payments WHERE form_token = ?').get(started.data.requestId) as { n: number }).n;
  assert.is(orders, 1);
  assert.is(started.data.method, 'card');
  world.app.db.prepare("UPDATE payments SET status = 'paid' WHERE id = ?").run(started.data.paymentId);
  const paid = await call(world, 'POST', path, { token: world.token, body: { zone1: 1150, zone2: 560, consent: true, requestId: started.data.requestId } });
  assert.is(paid.status, 409, 'a paid order is not offered again');
  assert.equal([paid.data.error.code, paid.data.error.paymentId], ['payment_finished', started.data.paymentId]);
});

api('payments by СБП: the QR payload and id of the order, the same for the same requestId', async (world) => {
  const path = `/accounts/${world.linkId}/payments`;
  const bad = await call(world, 'POST', path, { token: world.token, body: { zone1: 1150, zone2: 560, consent: true, method: 'cash' } });
  assert.is(bad.status, 422);
  assert.ok(bad.data.error.fields.method);
  const started = await call(world, 'POST', path, { token: world.token, body: { zone1: 1150, zone2: 560, consent: true, method: 'sbp' } });
  assert.is(started.status, 201, JSON.stringify(started.data));
  assert.is(started.data.method, 'sbp');
  assert.is(started.data.formUrl, undefined, 'no card page');
  assert.match(started.data.sbp.payload, /^https:\/\/qr\.nspk\.ru\/AD[0-9A-F]{30}\?type=02&bank=\d{12}&sum=\d+&cur=RUB$/);
  const row = world.app.db.prepare('SELECT method, qr_id, qr_payload, gateway_order_id FROM payments WHERE id = ?').get(started.data.paymentId) as { method: string; qr_id: string; qr_payload: string; gateway_order_id: string };
  assert.equal([row.method, row.qr_id, row.qr_payload], ['sbp', started.data.sbp.qrId, started.data.sbp.payload]);
  assert.is(world.app.bank.order(row.gateway_order_id)!.qr_id, started.data.sbp.qrId, 'the code the bank gave');
  assert.is(Date.parse(started.data.sbp.expiresAt), Math.floor(world.app.clock.now() / 1000) * 1000 + 20 * 60_000, 'valid for PAYMENT_SBP_TTL_MINUTES (20)');
  const again = await call(world, 'POST', path, { token: world.token, body: { zone1: 1150, zone2: 560, consent: true, method: 'sbp', requestId: started.data.requestId } });
  assert.equal(again.data.sbp, started.data.sbp, 'the same requestId is the same code');
  world.app.clock.advance(20 * 60);
  const expired = await call(world, 'POST', path, { token: world.token, body: { zone1: 1150, zone2: 560, consent: true, method: 'sbp', requestId: started.data.requestId } });
  assert.is(expired.status, 409, 'an expired code is not answered again');
  assert.equal([expired.data.error.code, expired.data.error.paymentId, expired.data.sbp], ['payment_finished', started.data.paymentId, undefined]);
  const doc = JSON.stringify(await (await fetch(`${world.app.baseUrl}/api/v1/openapi.json`)).json());
  assert.ok(doc.includes('"enum":["card","sbp"]'), 'the OpenAPI document names the methods');
  assert.ok(doc.includes('qr.nspk.ru'), 'and describes the СБП answer');
});

api('bills: the PDF of a closed month; an open month is a 404', async (world) => {
  const pdf = await call(world, 'GET', `/accounts/${world.linkId}/bills/2026-10`, { token: world.token });
  assert.is(pdf.status, 200);
  assert.is(pdf.headers.get('content-type'), 'application/pdf');
  assert.is((pdf.data as Buffer).subarray(0, 5).toString(), '%PDF-');
  const open = await call(world, 'GET', `/accounts/${world.linkId}/bills/2026-11`, { token: world.token });
  assert.is(open.status, 404);
  assert.is(open.data.error.code, 'not_found');
  assert.is((await call(world, 'GET', `/accounts/${world.linkId}/bills/2026-13`, { token: world.token })).status, 404);
});

api('support requests: create, list, read', async (world) => {
  const path = `/accounts/${world.linkId}/support/requests`;
  const empty = await call(world, 'POST', path, { token: world.token, body: { topic: 'Оплата', text: '   ' } });
  assert.is(empty.status, 422);
  assert.ok(empty.data.error.fields.text);
  const badTopic = await call(world, 'POST', path, { token: world.token, body: { topic: 'Жалоба', text: 'Текст' } });
  assert.ok(badTopic.data.error.fields.topic);
  const created = await call(world, 'POST', path, { token: world.token, body: { topic: 'Оплата', text: 'Платёж не виден' } });
  assert.is(created.status, 201);
  const list = await call(world, 'GET', path, { token: world.token });
  assert.equal(list.data.requests.map((r: { id: number; status: string }) => [r.id, r.status]), [[created.data.id, 'new']]);
  const one = await call(world, 'GET', `${path}/${created.data.id}`, { token: world.token });
  assert.is(one.data.messages[0].text, 'Платёж не виден');
  assert.is((await call(world, 'GET', `${path}/999999`, { token: world.token })).status, 404);
});

api('bad bodies: malformed JSON 400, 10 MB 413, not JSON 415, unknown route 404 — all JSON', async (world) => {
  const malformed = await call(world, 'POST', '/login', { raw: '{"accountNumber": "5000' });
  assert.is(malformed.status, 400);
  assert.is(malformed.data.error.code, 'bad_json');
  const huge = await call(world, 'POST', '/login', { raw: JSON.stringify({ accountNumber: world.account.number, password: 'x'.repeat(10 * 1024 * 1024) }) });
  assert.is(huge.status, 413);
  assert.is(huge.data.error.code, 'too_large');
  const form = await call(world, 'POST', '/login', { raw: `accountNumber=${world.account.number}&password=${password}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
  assert.is(form.status, 415);
  const nowhere = await call(world, 'GET', '/nowhere', { token: world.token });
  assert.is(nowhere.status, 404);
  assert.is(nowhere.data.error.code, 'not_found');
  assert.equal(world.app.errors, [], 'no server errors');
});

api('CORS stays closed: no Access-Control-Allow-Origin, even on a preflight', async (world) => {
  const preflight = await fetch(`${world.app.baseUrl}/api/v1/accounts`, { method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' } });
  assert.is(preflight.headers.get('access-control-allow-origin'), null);
  const get = await call(world, 'GET', '/accounts', { token: world.token, headers: { origin: 'https://evil.example' } });
  assert.is(get.headers.get('access-control-allow-origin'), null);
});

api('the OpenAPI document is valid OpenAPI 3 and names every API route', async (world) => {
  const doc = await call(world, 'GET', '/openapi.json');
  assert.is(doc.status, 200);
  const validator = new Validator();
  const result = await validator.validate(doc.data);
  assert.ok(result.valid, JSON.stringify(result.errors, null, 2));
  assert.is(validator.version, '3.1');
  const routes = listApiRoutes(world.app.services).filter((r) => r.pattern !== '/api/v1/openapi.json' && r.pattern !== '/api/v1/docs');
  assert.ok(routes.length >= 14, `found ${routes.length} API routes`);
  for (const r of routes) {
    const path = r.pattern.slice('/api/v1'.length).replace(/:(\w+)/g, '{$1}');
    assert.ok(doc.data.paths[path]?.[r.method.toLowerCase()], `${r.method} ${r.pattern} is in the document`);
  }
});

api('logout revokes the token', async (world) => {
  const login = await call(world, 'POST', '/login', { body: { accountNumber: world.account.number, password } });
  assert.is((await call(world, 'POST', '/logout', { token: login.data.token })).status, 204);
  assert.is((await call(world, 'GET', '/accounts', { token: login.data.token })).status, 401);
  assert.is((await call(world, 'GET', '/accounts', { token: world.token })).status, 200, 'other tokens live on');
});

api('PIN variant: set a PIN with the password, then log in with the device token and 4 digits; 5 wrong PINs lock it', async (world) => {
  const account = seedAccount(world.app.db);
  await seedUser(world.app.db, account.id, { password });
  const login = await call(world, 'POST', '/login', { body: { accountNumber: account.number, password } });
  const token = login.data.token as string;

  const wrongPassword = await call(world, 'POST', '/pin', { token, body: { password: 'nope-nope', pin: '2468' } });
  assert.is(wrongPassword.status, 422);
  const badPin = await call(world, 'POST', '/pin', { token, body: { password, pin: '246' } });
  assert.is(badPin.status, 422);
  const set = await call(world, 'POST', '/pin', { token, body: { password, pin: '2468' } });
  assert.is(set.status, 200);
  const deviceToken = set.data.deviceToken as string;
  assert.match(deviceToken, /^[a-z2-7]{32}$/);

  const byPin = await call(world, 'POST', '/login/pin', { body: { deviceToken, pin: '2468' } });
  assert.is(byPin.status, 200);
  assert.is((await call(world, 'GET', '/accounts', { token: byPin.data.token })).data.accounts[0].accountNumber, account.number, 'the device opens its own user only');
  assert.is((await call(world, 'POST', '/login/pin', { body: { deviceToken: 'a'.repeat(32), pin: '2468' } })).status, 401, 'an unknown device');

  for (let i = 0; i < 4; i++) assert.is((await call(world, 'POST', '/login/pin', { body: { deviceToken, pin: '0000' } })).status, 401);
  const fifth = await call(world, 'POST', '/login/pin', { body: { deviceToken, pin: '0000' } });
  assert.is(fifth.status, 423);
  assert.is((await call(world, 'POST', '/login/pin', { body: { deviceToken, pin: '2468' } })).status, 423, 'even the right PIN after the lockout');
});

api.run();
