// The API through Hono's typed client (hc<ApiApp>) against the running server: one whole flow,
// login → accounts → balance → readings → history → logout. A route or shape that changes
// breaks this file's types as well as its assertions.
import { hc } from 'hono/client';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import type { ApiApp } from '../../routes/api/index.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { seedAccount, seedMonthlyCharge, seedReading, seedTariffs, seedUser, setBalance, type SeededAccount } from '../helpers/fixtures.ts';

type World = { app: TestApp; account: SeededAccount };
const test = suite<World>('api: the typed client');

test.before(async (world) => {
  world.app = await startTestApp({ smtp: false });
  seedTariffs(world.app.db);
  world.account = seedAccount(world.app.db);
  seedReading(world.app.db, { accountId: world.account.id, meterId: world.account.meterId!, period: '2026-09', seq: 1, value: 1000 });
  seedMonthlyCharge(world.app.db, world.account.id, '2026-10', 150, 98_765, '2026-11-10');
  setBalance(world.app.db, world.account.id, 98_765);
  await seedUser(world.app.db, world.account.id, { password: 'password-123' });
});
test.after(async ({ app }) => app.close());

test('login → accounts → balance → readings → history → logout', async ({ app, account }) => {
  const anonymous = hc<ApiApp>(`${app.baseUrl}/api/v1`);
  const login = await anonymous.login.$post({ json: { accountNumber: account.number, password: 'password-123' } });
  assert.is(login.status, 200);
  if (login.status !== 200) return;
  const { token } = await login.json();

  const api = hc<ApiApp>(`${app.baseUrl}/api/v1`, { headers: { authorization: `Bearer ${token}` } });
  const accounts = await api.accounts.$get();
  assert.is(accounts.status, 200);
  if (accounts.status !== 200) return;
  const [first] = (await accounts.json()).accounts;
  assert.is(first.accountNumber, account.number);
  const link = String(first.id);

  const balance = await api.accounts[':link'].balance.$get({ param: { link } });
  if (balance.status !== 200) return assert.unreachable(`balance: ${balance.status}`);
  const state = await balance.json();
  assert.is(state.state, 'debt');
  assert.is(state.balanceKopecks, 98_765);
  assert.equal(state.lastReadings.map((r) => r.value), [1000]);

  const submitted = await api.accounts[':link'].readings.$post({ param: { link }, json: { zone1: 1120 } });
  if (submitted.status !== 201) return assert.unreachable(`readings: ${submitted.status} ${await submitted.text()}`);
  const result = await submitted.json();
  assert.is(result.status, 'accepted');
  assert.equal(result.consumptionKwh, [120]);

  const history = await api.accounts[':link'].history.readings.$get({ param: { link }, query: { from: '2026-01', to: '2026-12' } });
  if (history.status !== 200) return assert.unreachable(`history: ${history.status}`);
  const months = (await history.json()).months;
  assert.ok(months.length >= 2, 'the seeded and the new reading');

  const logout = await api.logout.$post();
  assert.is(logout.status, 204);
  assert.is((await api.accounts.$get()).status, 401, 'the token no longer works');
});

test.run();
