// /healthz for a load balancer, and the JSON request log: request ids, redaction, no secrets.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { latestSchemaVersion, openDatabase } from '../../db/connection.ts';
import { createApp } from '../../routes/app.ts';
import { loadConfig } from '../../services/platform/config.ts';
import { createHealth } from '../../services/ops/health.ts';
import { createServices } from '../../services/index.ts';
import { createLogger, loggablePath, maskEmail } from '../../services/platform/logger.ts';
import { createPdfRenderer } from '../../services/bills/pdf.ts';
import { startTestApp, type TestApp } from '../helpers/app.ts';
import { fixedClock } from '../helpers/clock.ts';
import { seedAccount, seedUser } from '../helpers/fixtures.ts';
import { createClient } from '../helpers/http.ts';

const health = suite<{ app: TestApp }>('/healthz');

health.before(async (context) => {
  context.app = await startTestApp();
});
health.after(async (context) => {
  await context.app.close();
});

health('answers 200 with the state of the parts, without a session, never cached', async ({ app }) => {
  const response = await fetch(`${app.baseUrl}/healthz`);
  assert.is(response.status, 200);
  assert.is(response.headers.get('cache-control'), 'no-store');
  assert.is(response.headers.get('set-cookie'), null, 'no session or CSRF cookie is made for it');
  const body = await response.json();
  assert.equal(body, {
    status: 'ok',
    database: 'ok',
    migrations: { current: latestSchemaVersion(), expected: latestSchemaVersion() },
    chromium: body.chromium,
    outboxBacklog: 0,
  });
  assert.ok(['idle', 'ready', 'down'].includes(body.chromium));
});

health('counts the outbox backlog', async ({ app }) => {
  app.services.mail.enqueue({ kind: 'test', to: 'someone@example.ru', subject: 'Тема', text: 'Текст' });
  const body = await (await fetch(`${app.baseUrl}/healthz`)).json();
  assert.is(body.outboxBacklog, 1);
  assert.not.ok(JSON.stringify(body).includes('someone'), 'no personal data');
});

health('503 when migrations are behind the code', async ({ app }) => {
  const current = app.db.pragma('user_version', { simple: true }) as number;
  app.db.pragma(`user_version = ${current - 1}`);
  try {
    const response = await fetch(`${app.baseUrl}/healthz`);
    assert.is(response.status, 503);
    assert.equal((await response.json()).migrations, { current: current - 1, expected: latestSchemaVersion() });
  } finally {
    app.db.pragma(`user_version = ${current}`);
  }
});

health('a database that does not answer is reported as down', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'svet-health-'));
  const db = openDatabase(join(dir, 'svet.db'));
  db.close();
  const report = await createHealth({ db, pdf: createPdfRenderer({ chromePath: '/nonexistent/chromium', sandbox: false }), chromePath: '/nonexistent/chromium' }).check();
  assert.equal({ status: report.status, database: report.database, chromium: report.chromium }, { status: 'fail', database: 'down', chromium: 'down' });
  rmSync(dir, { recursive: true, force: true });
});

health('echoes a sane X-Request-Id and replaces an unsafe one', async ({ app }) => {
  const sane = await fetch(`${app.baseUrl}/login`, { headers: { 'x-request-id': 'lb-1234abcd' } });
  assert.is(sane.headers.get('x-request-id'), 'lb-1234abcd');
  const unsafe = await fetch(`${app.baseUrl}/login`, { headers: { 'x-request-id': 'bad id <script>' } });
  assert.match(unsafe.headers.get('x-request-id') ?? '', /^[0-9a-f-]{36}$/);
});

health.run();

type LogWorld = { dir: string; server: Server; baseUrl: string; lines: string[]; close(): Promise<void> };
const logs = suite<LogWorld>('JSON request log');

logs.before(async (world) => {
  world.dir = mkdtempSync(join(tmpdir(), 'svet-log-'));
  world.server = createServer();
  await new Promise<void>((resolve) => world.server.listen(0, '127.0.0.1', resolve));
  const port = (world.server.address() as AddressInfo).port;
  world.baseUrl = `http://127.0.0.1:${port}`;
  const config = loadConfig({ NODE_ENV: 'test', PORT: String(port), BASE_URL: world.baseUrl, DATABASE_PATH: join(world.dir, 'svet.db'), DEMO_DATA: '0' });
  const db = openDatabase(config.databasePath);
  const services = createServices(config, db, fixedClock());
  world.lines = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      world.lines.push(...chunk.toString().split('\n').filter(Boolean));
      callback();
    },
  });
  world.server.on('request', createApp(services, { logger: createLogger('info', sink) }));
  const account = seedAccount(db, { number: '400777001' });
  await seedUser(db, account.id, { password: 'secret-Passw0rd-77', email: 'ivan.petrov@mail.ru' });
  world.close = async () => {
    world.server.closeAllConnections();
    await new Promise((resolve) => world.server.close(resolve));
    await services.mail.close();
    db.close();
    rmSync(world.dir, { recursive: true, force: true });
  };
});
logs.after(async (world) => world.close());

logs('a login logs one line per request, with no password, session token or CSRF token', async (world) => {
  const client = createClient(world.baseUrl);
  const login = await client.post('/login', { accountNumber: '400777001', password: 'secret-Passw0rd-77' });
  assert.is(login.status, 303);
  const session = client.cookie('svet_session')!;
  const csrf = client.cookie('svet_csrf')!;
  assert.ok(session && csrf);
  await client.get(login.location!);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const all = world.lines.join('\n');
  assert.ok(world.lines.length >= 3, all);
  const post = world.lines.map((line) => JSON.parse(line)).find((line) => line.method === 'POST' && line.path === '/login');
  assert.ok(post, 'the login request is logged');
  assert.is(post.status, 303);
  assert.type(post.ms, 'number');
  assert.match(post.reqId, /^[0-9a-f-]{36}$/);
  for (const secret of ['secret-Passw0rd-77', session, csrf, 'ivan.petrov@mail.ru']) assert.not.ok(all.includes(secret), `the log carries ${secret}`);
});

logs('activation tokens and query strings never reach the log', async (world) => {
  world.lines.length = 0;
  await fetch(`${world.baseUrl}/activate/abcdefghijklmnopqrstuvwxyz234567?code=123456`);
  await new Promise((resolve) => setTimeout(resolve, 50));
  const all = world.lines.join('\n');
  assert.ok(all.includes('"path":"/activate/<token>"'), all);
  assert.not.ok(all.includes('abcdefghijklmnop') || all.includes('123456'), all);
});

logs('redaction helpers', () => {
  assert.is(maskEmail('ivan.petrov@mail.ru'), 'i***@m***.ru');
  assert.is(loggablePath('/recover/code?code=123456'), '/recover/code');
  assert.is(loggablePath('/a/12/payments/5'), '/a/12/payments/5');
  assert.is(loggablePath('/x/ivan@mail.ru'), '/x/<email>');
  const captured: string[] = [];
  const logger = createLogger('info', { write: (line: string) => void captured.push(line) });
  logger.info({ password: 'p1', body: { pin: '1234', code: '654321' }, cookie: 'svet_session=x' }, 'event');
  assert.not.ok(/p1|1234|654321|svet_session/.test(captured.join('')), captured.join(''));
});

logs.run();
