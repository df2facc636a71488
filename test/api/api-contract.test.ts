// What every API route promises whatever it does: no token, no answer (401) — except the logins
// and the description itself; and bad input is a 4xx with the JSON error body and a Russian
// message, never a stack trace.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { seedAccount, seedTariffs, seedUser, type SeededAccount } from '../helpers/fixtures.ts';

type World = { app: TestApp; account: SeededAccount; token: string; link: number };
const test = suite<World>('api: the contract of every route');

const publicRoutes = ['POST /login', 'POST /login/pin', 'POST /login/passkey/options', 'POST /login/passkey'];
const cyrillic = /[а-яё]/i;

async function send(world: World, method: string, path: string, init: { body?: string; type?: string; token?: boolean } = {}) {
  const headers: Record<string, string> = {};
  if (init.type) headers['content-type'] = init.type;
  if (init.token !== false) headers.authorization = `Bearer ${world.token}`;
  const response = await fetch(`${world.app.baseUrl}/api/v1${path}`, { method, headers, body: init.body });
  const text = await response.text();
  assert.match(response.headers.get('content-type') ?? '', /application\/json/, `${method} ${path}: JSON`);
  assert.not.match(text, /\bat .+\.ts:\d+/, 'no stack trace');
  return { status: response.status, error: (JSON.parse(text) as { error: { code: string; message: string; fields?: Record<string, string> } }).error };
}

test.before(async (world) => {
  world.app = await startTestApp({ smtp: false });
  seedTariffs(world.app.db);
  world.account = seedAccount(world.app.db);
  world.link = (await seedUser(world.app.db, world.account.id, { password: 'password-123' })).linkId;
  const login = await fetch(`${world.app.baseUrl}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountNumber: world.account.number, password: 'password-123' }) });
  world.token = ((await login.json()) as { token: string }).token;
});
test.after(async ({ app }) => app.close());

test('every route in the OpenAPI document but the logins answers 401 without a token', async (world) => {
  const doc = (await (await fetch(`${world.app.baseUrl}/api/v1/openapi.json`)).json()) as { paths: Record<string, Record<string, unknown>> };
  const tried: string[] = [];
  for (const [path, methods] of Object.entries(doc.paths)) {
    for (const method of Object.keys(methods)) {
      const key = `${method.toUpperCase()} ${path}`;
      const url = path.replace('{link}', String(world.link)).replace('{period}', '2026-10').replace('{request}', '1');
      const answer = await send(world, method.toUpperCase(), url, { token: false, type: 'application/json', body: method === 'get' ? undefined : '{}' });
      if (publicRoutes.includes(key)) assert.is.not(answer.status, 401, `${key} is a login: no token needed`);
      else {
        assert.is(answer.status, 401, key);
        assert.is(answer.error.code, 'unauthorized');
      }
      tried.push(key);
    }
  }
  assert.ok(tried.length >= 17, `${tried.length} routes tried`);
  for (const key of publicRoutes) assert.ok(tried.includes(key), `${key} is in the document`);
  assert.is((await fetch(`${world.app.baseUrl}/api/v1/openapi.json`)).status, 200, 'the document itself is public');
});

test('malformed JSON is a 400 bad_json', async (world) => {
  const answer = await send(world, 'POST', `/accounts/${world.link}/readings`, { type: 'application/json', body: '{"zone1": 12' });
  assert.is(answer.status, 400);
  assert.is(answer.error.code, 'bad_json');
  assert.match(answer.error.message, cyrillic);
});

test('a wrong content type is a 415', async (world) => {
  const answer = await send(world, 'POST', `/accounts/${world.link}/readings`, { type: 'text/plain', body: '{"zone1": 1200}' });
  assert.is(answer.status, 415);
  assert.is(answer.error.code, 'unsupported_media_type');
  assert.match(answer.error.message, cyrillic);
});

test('a body over 100 KB is a 413, before anything reads it', async (world) => {
  const answer = await send(world, 'POST', `/accounts/${world.link}/support/requests`, { type: 'application/json', body: JSON.stringify({ topic: 'Оплата', text: 'я'.repeat(120_000) }) });
  assert.is(answer.status, 413);
  assert.is(answer.error.code, 'too_large');
  assert.match(answer.error.message, cyrillic);
  assert.is((world.app.db.prepare('SELECT count(*) AS n FROM support_requests').get() as { n: number }).n, 0);
});

test('an unknown field is a 422 naming it', async (world) => {
  const answer = await send(world, 'POST', `/accounts/${world.link}/readings`, { type: 'application/json', body: JSON.stringify({ zone1: 1200, zone9: 5 }) });
  assert.is(answer.status, 422);
  assert.is(answer.error.code, 'validation');
  assert.match(answer.error.fields!.zone9, cyrillic);
  assert.is((world.app.db.prepare('SELECT count(*) AS n FROM readings').get() as { n: number }).n, 0, 'nothing saved');
});

test('a number where a string is expected is a 422 with a Russian message at the field', async (world) => {
  const answer = await send(world, 'POST', '/login/pin', { type: 'application/json', token: false, body: JSON.stringify({ deviceToken: 12345, pin: '1234' }) });
  assert.is(answer.status, 422);
  assert.is(answer.error.code, 'validation');
  assert.match(answer.error.fields!.deviceToken, cyrillic);
  const login = await send(world, 'POST', '/login', { type: 'application/json', token: false, body: JSON.stringify({ accountNumber: 500000001, password: 'x' }) });
  assert.is(login.status, 422);
  assert.match(login.error.fields!.accountNumber, cyrillic);
});

test('the reference page /api/v1/docs lists every operation, with no script', async (world) => {
  const response = await fetch(`${world.app.baseUrl}/api/v1/docs`);
  assert.is(response.status, 200);
  assert.match(response.headers.get('content-type') ?? '', /text\/html/);
  const html = await response.text();
  assert.not.match(html, /<script/i);
  for (const operation of ['POST /login', 'GET /accounts/{link}/balance', 'POST /accounts/{link}/readings', 'GET /accounts/{link}/bills/{period}']) {
    assert.ok(html.includes(operation), `${operation} is on the page`);
  }
  assert.ok(html.includes('Bearer'), 'says how to authenticate');
});

test.run();
