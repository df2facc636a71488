// WORKERS=2: the real server.ts as a primary with two workers on one port and one SQLite file.
// A throttle limit holds across the workers; the background jobs run in one of them, and when
// that one is SIGKILLed mid-letter, another takes them over and every letter goes exactly once;
// the dead worker is replaced; SIGTERM stops them all.
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, type Db } from '../../db/connection.ts';
import { insertOutboxMessage } from '../../db/platform/outbox.ts';
import { seedAccount, seedUser, type SeededAccount } from '../helpers/fixtures.ts';
import { childServerEnv, killServerProcess, startedWorkers, startServerProcess, stillRunning, type ServerProcess } from '../helpers/server-process.ts';

type Smtp = { url: string; delivered: string[]; holdNext: boolean; held: Promise<void>; close(): Promise<void> };
type World = { dir: string; db: Db; account: SeededAccount; smtp: Smtp; server: ServerProcess | null; baseUrl: string };

const test = suite<World>('cluster: two workers on one file');

/** An SMTP server that counts what it accepted and can hold the next letter unanswered. */
async function startSmtp(): Promise<Smtp> {
  let onHeld = () => {};
  const smtp: Smtp = {
    url: '',
    delivered: [],
    holdNext: false,
    held: new Promise<void>((resolve) => (onHeld = resolve)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, callback) {
      void simpleParser(stream).then((mail) => {
        // Held: never answered, so the sender cannot know it went (it did not).
        if (smtp.holdNext) {
          smtp.holdNext = false;
          onHeld();
          return;
        }
        smtp.delivered.push(mail.subject ?? '');
        callback();
      }, callback);
    },
  });
  server.on('error', () => {});
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  smtp.url = `smtp://127.0.0.1:${(server.server.address() as { port: number }).port}`;
  return smtp;
}

/** The double-submit CSRF token: the same random value in the cookie and the form (any worker checks it). */
const csrf = 'abcdefghijklmnopqrstuvwxyz234567';

/** A request on its own connection, so the cluster may hand it to either worker; the serving pid from the log. */
function post(world: World, path: string, form: Record<string, string>, id: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams({ ...form, _csrf: csrf }).toString();
    const headers = { 'content-type': 'application/x-www-form-urlencoded', 'x-request-id': id, cookie: `svet_csrf=${csrf}` };
    const req = request(`${world.baseUrl}${path}`, { method: 'POST', agent: false, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body);
  });
}

function logLines(world: World): Record<string, unknown>[] {
  return world.server!.output.join('').split('\n').filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as Record<string, unknown>);
}

const pidOf = (world: World, requestId: string) => logLines(world).find((line) => line.reqId === requestId)?.pid as number | undefined;
const holderPid = (world: World) => Number((world.db.prepare("SELECT holder FROM leases WHERE name = 'background-jobs'").get() as { holder: string } | undefined)?.holder.split(':').pop());
const workerPids = (world: World) => startedWorkers(world.server!.output);

async function until<T>(what: string, probe: () => T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

test.before(async (world) => {
  world.dir = mkdtempSync(join(tmpdir(), 'svet-cluster-'));
  const dbPath = join(world.dir, 'svet.db');
  world.db = openDatabase(dbPath);
  world.account = seedAccount(world.db);
  await seedUser(world.db, world.account.id, { password: 'password-123' });
  world.smtp = await startSmtp();
  const child = await childServerEnv(dbPath, { WORKERS: '2', JOB_LEASE_SECONDS: '3', SMTP_URL: world.smtp.url, LOG_LEVEL: 'info', PAYMENT_SANDBOX: '0', PAYMENT_GATEWAY_URL: 'http://127.0.0.1:9/payment/rest/' });
  world.baseUrl = child.baseUrl;
  world.server = await startServerProcess(child.env, child.baseUrl, 40_000);
  await until('two workers', () => workerPids(world).length >= 2 && logLines(world).filter((l) => l.msg === 'Svet слушает').length >= 2);
});

test.after(async (world) => {
  await killServerProcess(world.server);
  for (const pid of workerPids(world)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  await world.smtp.close();
  world.db.close();
  rmSync(world.dir, { recursive: true, force: true });
});

test('a login limit reached across both workers holds on either', async (world) => {
  const served = new Set<number>();
  const attempt = async (password: string, n: number) => {
    const id = `cluster-login-${n}-${Date.now()}`;
    const status = await post(world, '/login', { accountNumber: world.account.number, password }, id);
    served.add(await until(`the log line of ${id}`, () => pidOf(world, id)));
    return status;
  };
  for (let i = 0; i < 5; i++) assert.is.not(await attempt('wrong-password', i), 429, `attempt ${i + 1} is allowed`);
  assert.is(served.size, 2, 'both workers took attempts');
  // The sixth, with the right password, on whichever worker: refused by the shared count.
  for (let i = 5; i < 9; i++) assert.is(await attempt('password-123', i), 429, `attempt ${i + 1} is throttled`);
});

test('the background jobs run in one worker; SIGKILLed mid-letter, another sends every letter exactly once, and the dead worker is replaced', async (world) => {
  const first = await until('a lease holder', () => holderPid(world) || undefined);
  assert.ok(workerPids(world).includes(first), 'a worker holds the lease');
  world.smtp.holdNext = true;
  const subjects = ['Письмо 1', 'Письмо 2', 'Письмо 3', 'Письмо 4', 'Письмо 5'];
  for (const [i, subject] of subjects.entries()) {
    insertOutboxMessage(world.db, { kind: 'test', to_address: `user${i}@example.ru`, subject, text_body: 'Проверка', html_body: null, headers: null, dedupe_key: `cluster:${i}`, created_at: Math.floor(Date.now() / 1000) });
  }
  await world.smtp.held;
  process.kill(first, 'SIGKILL');

  const second = await until('another holder', () => (holderPid(world) !== first ? holderPid(world) : undefined));
  assert.ok(workerPids(world).includes(second), 'the other worker took the jobs over');
  await until('every letter', () => world.smtp.delivered.length >= subjects.length || undefined);
  await new Promise((resolve) => setTimeout(resolve, 3_000));
  assert.equal([...world.smtp.delivered].sort(), subjects, 'each letter once');
  assert.is((world.db.prepare("SELECT count(*) AS n FROM outbox WHERE sent_at IS NULL").get() as { n: number }).n, 0);

  const replacement = await until('a new worker', () => workerPids(world).find((pid) => pid !== first && pid !== second));
  await until('the new worker serving', () => logLines(world).some((line) => line.msg === 'Svet слушает' && line.pid === replacement));
  const answers = await Promise.all(Array.from({ length: 6 }, (_, i) => post(world, '/login', { accountNumber: '000000000', password: 'x' }, `after-${i}-${Date.now()}`)));
  assert.ok(answers.every((status) => status > 0 && status < 500), 'still serving');
});

test('SIGTERM stops every worker, then the primary, with exit code 0', async (world) => {
  const workers = workerPids(world);
  world.server!.child.kill('SIGTERM');
  const exit = await world.server!.exited;
  assert.equal(exit, { code: 0, signal: null });
  const alive = stillRunning(workers);
  assert.equal(alive, [], 'no worker left');
  assert.is((world.db.prepare("SELECT count(*) AS n FROM leases").get() as { n: number }).n, 0, 'the lease is freed');
});

test.run();
