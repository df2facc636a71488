// NODE_ENV=production: refuses demo secrets and the sandbox bank, and serves with Secure cookies,
// HSTS, no mailbox page, and the client address taken from X-Forwarded-For by hop count.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, type Db } from '../../db/connection.ts';
import { createApp } from '../../routes/app.ts';
import { loadConfig } from '../../services/platform/config.ts';
import { createServices, type Services } from '../../services/index.ts';
import { createLogger } from '../../services/platform/logger.ts';
import { fixedClock } from '../helpers/clock.ts';

const productionEnv = {
  NODE_ENV: 'production',
  BASE_URL: 'https://svet.example.ru',
  DATABASE_PATH: '/var/lib/svet/svet.db',
  SMTP_URL: 'smtp://mail.example.ru:587',
  MAIL_FROM: 'Свет <no-reply@svet.example.ru>',
  PAYMENT_GATEWAY_URL: 'https://securepayments.example.ru/payment/rest/',
  PAYMENT_USERNAME: 'svet-api',
  PAYMENT_PASSWORD: 'a-real-secret-from-the-bank',
  PAYMENT_CALLBACK_KEY: 'a-real-callback-key',
  UNSUBSCRIBE_SECRET: 'k3VbW9qTz0R7yLm2Hc5Xp8Ns4Jd6Fa1G',
};

const refusals = suite('production refuses unsafe settings');

refusals('a complete production environment loads', () => {
  const config = loadConfig(productionEnv);
  assert.is(config.isProduction, true);
  assert.is(config.payment.sandbox.enabled, false);
  assert.is(config.demoData, false);
  assert.is(config.chromeSandbox, true, 'Chromium keeps its sandbox');
  assert.is(config.logLevel, 'info');
});

for (const [what, change, message] of [
  ['no acquirer URL', { PAYMENT_GATEWAY_URL: '' }, /PAYMENT_GATEWAY_URL/],
  ['no payment password', { PAYMENT_PASSWORD: '' }, /PAYMENT_PASSWORD/],
  ['the sandbox callback key', { PAYMENT_CALLBACK_KEY: 'sandbox-callback-key' }, /demo values of PAYMENT_CALLBACK_KEY/],
  ['the sandbox credentials', { PAYMENT_USERNAME: 'svet-sandbox', PAYMENT_PASSWORD: 'sandbox-password' }, /PAYMENT_USERNAME, PAYMENT_PASSWORD/],
  ['the sandbox bank switched on', { PAYMENT_SANDBOX: '1' }, /PAYMENT_SANDBOX/],
  ['demo data switched on', { DEMO_DATA: '1' }, /DEMO_DATA/],
  ['an http BASE_URL', { BASE_URL: 'http://svet.example.ru' }, /https/],
  ['no SMTP', { SMTP_URL: '' }, /SMTP_URL/],
  ['no unsubscribe secret', { UNSUBSCRIBE_SECRET: '' }, /UNSUBSCRIBE_SECRET/],
  ['a short unsubscribe secret', { UNSUBSCRIBE_SECRET: 'short-secret' }, /UNSUBSCRIBE_SECRET of at least 32/],
  ['the development unsubscribe secret', { UNSUBSCRIBE_SECRET: 'svet-development-unsubscribe-secret' }, /UNSUBSCRIBE_SECRET of at least 32/],
  ['a bad LOG_LEVEL', { LOG_LEVEL: 'loud' }, /LOG_LEVEL/],
] as const) {
  refusals(`refuses ${what}`, () => {
    assert.throws(() => loadConfig({ ...productionEnv, ...change }), message);
  });
}

refusals.run();

type World = { dir: string; db: Db; services: Services; server: Server; baseUrl: string; lines: string[] };
const serving = suite<World>('production serving');

async function serve(world: World, trustProxy: string): Promise<void> {
  world.dir = mkdtempSync(join(tmpdir(), 'svet-production-'));
  const config = loadConfig({ ...productionEnv, DATABASE_PATH: join(world.dir, 'svet.db'), TRUST_PROXY: trustProxy });
  world.db = openDatabase(config.databasePath);
  world.services = createServices(config, world.db, fixedClock());
  world.lines = [];
  const logger = createLogger('info', { write: (line: string) => void world.lines.push(line) });
  world.server = createServer(createApp(world.services, { logger }));
  await new Promise<void>((resolve) => world.server.listen(0, '127.0.0.1', resolve));
  world.baseUrl = `http://127.0.0.1:${(world.server.address() as AddressInfo).port}`;
}

async function stop(world: World): Promise<void> {
  world.server.closeAllConnections();
  await new Promise((resolve) => world.server.close(resolve));
  await world.services.mail.close();
  world.db.close();
  rmSync(world.dir, { recursive: true, force: true });
}

serving.before((world) => serve(world, '1'));
serving.after((world) => stop(world));

serving('Secure __Host- cookies and HSTS', async ({ baseUrl }) => {
  const response = await fetch(`${baseUrl}/login`);
  assert.is(response.status, 200);
  const cookies = response.headers.getSetCookie();
  assert.ok(cookies.length > 0);
  for (const cookie of cookies) {
    assert.match(cookie, /^__Host-/);
    assert.match(cookie, /; Secure/i);
    assert.match(cookie, /; HttpOnly/i);
  }
  assert.match(response.headers.get('strict-transport-security') ?? '', /max-age=31536000; includeSubDomains/);
});

serving('no mailbox page', async ({ baseUrl }) => {
  assert.is((await fetch(`${baseUrl}/dev/mailbox`)).status, 404);
});

serving('behind one proxy hop the client address is the last X-Forwarded-For entry', async (world) => {
  await fetch(`${world.baseUrl}/login`, { headers: { 'x-forwarded-for': '198.51.100.9, 203.0.113.7' } });
  await new Promise((resolve) => setTimeout(resolve, 30));
  const line = JSON.parse(world.lines.at(-1)!);
  assert.is(line.path, '/login');
  assert.is(line.ip, '203.0.113.7', 'the address nginx saw, not one the client wrote');
});

serving.run();
