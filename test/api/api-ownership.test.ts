// Every /api/v1 route, enumerated from the app: an account-scoped one tried with one customer's
// token and another customer's link (and request) is always a 404 that changes nothing; a route
// this table does not know fails the test, so new API routes must join it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { seedAccount, seedMonthlyCharge, seedReading, seedTariffs, seedUser } from '../helpers/fixtures.ts';
import { listApiRoutes } from '../helpers/routes.ts';

const ownership = suite<{ app: TestApp }>('api ownership');

ownership.before(async (context) => {
  context.app = await startTestApp();
  seedTariffs(context.app.db);
});
ownership.after(async ({ app }) => app.close());

/** Routes that name no account, with the reason they need no foreign-link check. */
const notAccountScoped: Record<string, string> = {
  'GET /api/v1/openapi.json': 'the public description of the API',
  'GET /api/v1/docs': 'the same description as a page',
  'POST /api/v1/login': 'issues a token for the credentials given',
  'POST /api/v1/logout': 'revokes the token it is called with',
  'GET /api/v1/accounts': "lists the token's own user's links only",
  'POST /api/v1/login/pin': 'issues a token for the device token and PIN given; the device names its own user (tested in api.test.ts)',
  'POST /api/v1/pin': "sets a PIN for the token's own user only",
  'POST /api/v1/login/passkey/options': 'a challenge for the device token given (tested in passkeys.test.ts)',
  'POST /api/v1/login/passkey': 'issues a token for a verified passkey of the device given (tested in passkeys.test.ts)',
};

/** A body that would act if a check were missing. */
const body = { zone1: 1234, zone2: 12, confirmed: true, consent: true, topic: 'Оплата', text: 'чужое' };

ownership('every account-scoped API route answers 404 to a foreign link and changes nothing', async ({ app }) => {
  const mine = seedAccount(app.db);
  const theirs = seedAccount(app.db);
  seedReading(app.db, { accountId: theirs.id, meterId: theirs.meterId!, period: '2026-09', seq: 1, value: 100 });
  seedMonthlyCharge(app.db, theirs.id, '2026-10', 100, 70_000, '2026-11-10');
  const { linkId: myLink } = await seedUser(app.db, mine.id, { password: 'password-123' });
  const { userId: theirUser, linkId: theirLink } = await seedUser(app.db, theirs.id, { password: 'password-456' });
  const theirRequest = app.services.support.create(theirUser, { accountId: theirs.id, topic: 'Оплата', text: 'чужое обращение' }, [], { ip: '127.0.0.1' });

  const login = await fetch(`${app.baseUrl}/api/v1/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ accountNumber: mine.number, password: 'password-123' }) });
  const { token } = (await login.json()) as { token: string };
  const headers = { authorization: `Bearer ${token}`, 'content-type': 'application/json' };

  const routes = listApiRoutes(app.services);
  const snapshot = () => app.db.prepare('SELECT (SELECT count(*) FROM readings) AS r, (SELECT count(*) FROM payments) AS p, (SELECT count(*) FROM support_messages) AS m, (SELECT count(*) FROM support_requests) AS s').get();
  const before = snapshot();
  const tried: string[] = [];
  for (const route of routes) {
    const key = `${route.method} ${route.pattern}`;
    if (key in notAccountScoped) continue;
    assert.ok(route.pattern.includes(':link'), `${key} names no account and is not in the table: add it to notAccountScoped with a reason, or give it a :link`);
    // Their link; and for a request id, theirs both under their link and under mine.
    const variants = [{ link: String(theirLink), request: String(theirRequest), period: '2026-10' }];
    if (route.pattern.includes(':request')) variants.push({ link: String(myLink), request: String(theirRequest), period: '2026-10' });
    for (const params of variants) {
      const path = route.pattern.replace(/:(\w+)/g, (_, name: string) => {
        if (!(name in params)) throw new Error(`The API ownership table has no value for :${name} in ${route.pattern}: add one`);
        return params[name as keyof typeof params];
      });
      const response = await fetch(`${app.baseUrl}${path}`, { method: route.method, headers, body: route.method === 'GET' ? undefined : JSON.stringify(body) });
      const text = await response.text();
      assert.is(response.status, 404, `${route.method} ${path} must be 404 for a foreign link, got ${response.status}: ${text.slice(0, 200)}`);
      assert.is(JSON.parse(text).error.code, 'not_found');
      assert.not.ok(text.includes(theirs.number), `${route.method} ${path} shows the other account`);
      tried.push(`${key} (${params.link === String(myLink) ? 'their request' : 'their link'})`);
    }
  }
  assert.equal(snapshot(), before, 'nothing changed');
  for (const must of ['GET /api/v1/accounts/:link/balance', 'POST /api/v1/accounts/:link/readings', 'POST /api/v1/accounts/:link/payments', 'GET /api/v1/accounts/:link/bills/:period', 'POST /api/v1/accounts/:link/support/requests']) {
    assert.ok(tried.some((t) => t.startsWith(`${must} `)), `${must} was tried`);
  }
  assert.ok(tried.includes('GET /api/v1/accounts/:link/support/requests/:request (their request)'));
  for (const bogus of ['0', '-1', '99999999999999999999', 'abc']) {
    assert.is((await fetch(`${app.baseUrl}/api/v1/accounts/${bogus}/balance`, { headers })).status, 404, bogus);
  }
  const audit = (app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'access.foreign_link'").get() as { n: number }).n;
  assert.ok(audit >= routes.length - Object.keys(notAccountScoped).length, 'foreign links are logged as on the pages');
});

ownership.run();
