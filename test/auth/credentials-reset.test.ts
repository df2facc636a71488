// A password reset ends every way in: web sessions, API tokens and PIN devices.
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { createClient } from '../helpers/http.ts';
import { seedAccount, seedUser } from '../helpers/fixtures.ts';

const reset = suite<{ app: TestApp }>('credentials reset');

reset.before(async (context) => {
  context.app = await startTestApp();
});
reset.after(async ({ app }) => app.close());

reset('after a recovery the API token and the trusted devices are gone', async ({ app }) => {
  const account = seedAccount(app.db);
  const { userId } = await seedUser(app.db, account.id, { password: 'old-password-1', email: 'api@example.ru' });
  const login = await fetch(`${app.baseUrl}/api/v1/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ accountNumber: account.number, password: 'old-password-1' }),
  });
  assert.is(login.status, 200);
  const { token } = (await login.json()) as { token: string };
  const accounts = () => fetch(`${app.baseUrl}/api/v1/accounts`, { headers: { authorization: `Bearer ${token}` } });
  assert.is((await accounts()).status, 200);
  app.db.prepare("INSERT INTO trusted_devices (user_id, token_hash, pin_hash, created_at, updated_at, user_agent) VALUES (?, 'x', 'y', 0, 0, 'test')").run(userId);

  const client = createClient(app.baseUrl);
  await client.post('/recover', { accountNumber: account.number, email: 'api@example.ru' });
  const letter = app.db.prepare("SELECT text_body FROM outbox WHERE kind = 'recovery' AND to_address = 'api@example.ru'").get() as { text_body: string };
  const code = /код[^\d]*(\d{8})\b/i.exec(letter.text_body)![1];
  const done = await client.post('/recover/code', { accountNumber: account.number, code, password: 'new-password-2', passwordConfirm: 'new-password-2' });
  assert.is(done.status, 303);

  assert.is((await accounts()).status, 401, 'the API token no longer works');
  const devices = app.db.prepare('SELECT count(*) AS n FROM trusted_devices WHERE user_id = ?').get(userId) as { n: number };
  assert.is(devices.n, 0, 'PIN devices are forgotten');
});

reset.run();
