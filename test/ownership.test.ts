// Every account-scoped route, tried by one customer with another customer's link: always a 404,
// for GET and POST, and nothing of the other customer's changes. A route with a parameter this
// table cannot fill fails the test, so new routes must join it.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { createApp } from '../routes/app.ts';
import { startTestApp, type TestApp } from './helpers/app.ts';
import { createClient } from './helpers/http.ts';
import { seedAccount, seedReading, seedTariffs, seedUser } from './helpers/fixtures.ts';
import { listAppRoutes } from './helpers/routes.ts';

const ownership = suite<{ app: TestApp }>('ownership');

ownership.before(async (context) => {
  context.app = await startTestApp();
  seedTariffs(context.app.db);
});
ownership.after(async ({ app }) => app.close());

/** A plausible body for any cabinet form, so a missing check would act on it. */
const formBody = { zone1: '1234', zone2: '12', zone3: '12', confirm: 'yes', accountNumber: '500000001', proof: 'x' };

ownership('every account-scoped route answers 404 to a foreign link and changes nothing', async ({ app }) => {
  const mine = seedAccount(app.db);
  const theirs = seedAccount(app.db);
  seedReading(app.db, { accountId: theirs.id, meterId: theirs.meterId!, period: '2026-10', seq: 1, value: 100 });
  await seedUser(app.db, mine.id, { password: 'password-123' });
  const { userId: theirUser, linkId: theirLink } = await seedUser(app.db, theirs.id, { password: 'password-456' });
  // Their support request with an attachment: its ids fill :request and :file.
  const theirRequest = app.services.support.create(theirUser, { accountId: theirs.id, topic: 'Оплата', text: 'чужое обращение' }, [{ name: 'a.pdf', mime: 'application/pdf', buffer: Buffer.from('%PDF-1.4 test') }], { ip: '127.0.0.1' });
  const theirFile = (app.db.prepare('SELECT id FROM support_attachments WHERE request_id = ?').get(theirRequest) as { id: number }).id;

  const params: Record<string, string> = { link: String(theirLink), seq: '1', view: 'charges', period: '2026-10', payment: '1', request: String(theirRequest), file: String(theirFile) };
  const routes = listAppRoutes(createApp(app.services)).filter((route) => route.pattern.startsWith('/a/:link'));
  assert.ok(routes.length >= 8, `expected the cabinet's routes, found ${routes.length}`);

  const client = createClient(app.baseUrl);
  await client.post('/login', { accountNumber: mine.number, password: 'password-123' });
  const snapshot = () => app.db.prepare('SELECT (SELECT count(*) FROM readings) AS r, (SELECT count(*) FROM account_links) AS l, (SELECT count(*) FROM ledger) AS g, (SELECT count(*) FROM support_messages) AS m, (SELECT group_concat(status) FROM support_requests) AS s').get();
  const before = snapshot();
  const auditBefore = (app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'access.foreign_link'").get() as { n: number }).n;

  const tried: string[] = [];
  for (const route of routes) {
    const path = route.pattern.replace(/:(\w+)/g, (_, name: string) => {
      if (!(name in params)) throw new Error(`The ownership table has no value for :${name} in ${route.pattern}: add one`);
      return params[name];
    });
    for (const method of route.method === '*' ? ['GET', 'POST'] : [route.method]) {
      const page = method === 'GET' ? await client.get(path) : await client.post(path, formBody);
      assert.is(page.status, 404, `${method} ${path} must be 404 for a foreign link, got ${page.status}`);
      assert.not.ok(page.text.includes(theirs.number), `${method} ${path} shows the other account`);
      tried.push(`${method} ${route.pattern}`);
    }
  }
  assert.equal(snapshot(), before, 'nothing changed');
  const auditAfter = (app.db.prepare("SELECT count(*) AS n FROM audit_log WHERE event = 'access.foreign_link'").get() as { n: number }).n;
  assert.is(auditAfter - auditBefore, tried.length, 'every attempt is logged');
  assert.ok(tried.includes('POST /a/:link/readings'));
  assert.ok(tried.includes('GET /a/:link/'));

  for (const bogus of ['0', '-1', '99999999999999999999', 'abc', `${theirLink}.0`]) {
    assert.is((await client.get(`/a/${bogus}/`)).status, 404, `/a/${bogus}/`);
  }
  assert.is((await client.get(`/switch?link=${theirLink}`)).status, 404);
});

ownership('pages asked for at the same moment by several customers each show their own account (reads grouped per turn)', async ({ app }) => {
  const customers: { number: string; linkId: number; client: ReturnType<typeof createClient> }[] = [];
  for (let i = 0; i < 4; i++) {
    const account = seedAccount(app.db);
    const { linkId } = await seedUser(app.db, account.id, { password: `password-${i}00` });
    const client = createClient(app.baseUrl);
    await client.post('/login', { accountNumber: account.number, password: `password-${i}00` });
    customers.push({ number: account.number, linkId, client });
  }
  const paths = (linkId: number) => [`/a/${linkId}/`, `/a/${linkId}/info`, `/a/${linkId}/history/charges`];
  // Every customer's pages at once, three rounds, so the requests of a turn are several customers'.
  const asked = customers.flatMap((customer) => [1, 2, 3].flatMap(() => paths(customer.linkId).map((path) => ({ customer, path }))));
  const pages = await Promise.all(asked.map(({ customer, path }) => customer.client.get(path)));
  pages.forEach((page, i) => {
    const { customer, path } = asked[i];
    assert.is(page.status, 200, path);
    if (!path.includes('history')) assert.ok(page.text.includes(customer.number), `${path} shows its own account ${customer.number}`);
    for (const other of customers) {
      if (other !== customer) assert.not.ok(page.text.includes(other.number), `${path} of ${customer.number} shows ${other.number}`);
    }
  });
});

ownership.run();
