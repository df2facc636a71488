// Graceful shutdown of the real server process: SIGTERM during a request that waits on the bank.
// The request finishes with its answer, new connections are refused meanwhile, the process exits 0;
// a request beyond SHUTDOWN_TIMEOUT_MS is cut and the process still exits 0, in time; with WORKERS=2
// SIGTERM to the primary lets a worker's request in flight finish, then every process exits, code 0.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase } from '../../db/connection.ts';
import { seedAccount, seedReading, seedTariffs, seedUser, type SeededAccount } from '../helpers/fixtures.ts';
import { createClient, type Client } from '../helpers/http.ts';
import { orderForm, openOrderPage } from '../helpers/payments.ts';
import { childServerEnv, killServerProcess, startedWorkers, startServerProcess, stillRunning, type ServerProcess } from '../helpers/server-process.ts';

/** A stand-in acquirer whose register.do answers only when the test releases it. */
type SlowBank = { server: Server; url: string; registered: Promise<void>; release(): void };

async function startSlowBank(orderId = 'slow-order-1'): Promise<SlowBank> {
  let arrived!: () => void;
  const registered = new Promise<void>((resolve) => (arrived = resolve));
  const held: (() => void)[] = [];
  let released = false;
  const server = createServer((req, res) => {
    const answer = () => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ orderId, formUrl: `http://127.0.0.1:9/payment/merchants/pay?mdOrder=${orderId}` }));
    };
    if (req.url?.includes('register.do')) {
      arrived();
      if (released) answer();
      else held.push(answer);
      return;
    }
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ errorCode: '6', errorMessage: 'no such order' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    server,
    url: `http://127.0.0.1:${port}/payment/rest/`,
    registered,
    release() {
      released = true;
      for (const answer of held.splice(0)) answer();
    },
  };
}

type World = { dir: string; account: SeededAccount; bank: SlowBank; baseUrl: string; env: NodeJS.ProcessEnv; server: ServerProcess | null };

const test = suite<World>('graceful shutdown');

test.before(async (world) => {
  world.dir = mkdtempSync(join(tmpdir(), 'svet-shutdown-'));
  const dbPath = join(world.dir, 'svet.db');
  const db = openDatabase(dbPath);
  seedTariffs(db);
  world.account = seedAccount(db);
  seedReading(db, { accountId: world.account.id, meterId: world.account.meterId!, period: '2026-01', seq: 1, value: 1000 });
  await seedUser(db, world.account.id, { password: 'password-123' });
  db.close();
  world.bank = await startSlowBank();
  const child = await childServerEnv(dbPath, {
    PAYMENT_GATEWAY_URL: world.bank.url,
  });
  world.env = child.env;
  world.baseUrl = child.baseUrl;
  world.server = null;
});

test.after(async (world) => {
  await killServerProcess(world.server);
  world.bank.server.closeAllConnections();
  await new Promise((resolve) => world.bank.server.close(resolve));
  rmSync(world.dir, { recursive: true, force: true });
});

async function orderInFlight(world: World): Promise<{ client: Client; answer: Promise<Response> }> {
  const client = createClient(world.baseUrl);
  const login = await client.post('/login', { accountNumber: world.account.number, password: 'password-123' });
  assert.is(login.status, 303);
  const home = login.location!;
  const order = await openOrderPage(client, home, { zone1: '1100' });
  const form = new URLSearchParams({ _csrf: client.cookie('svet_csrf')!, ...orderForm(order), amount: '250', email: 'ivanov@example.ru', consent: 'yes' });
  const cookie = [...client.jar].map(([k, v]) => `${k}=${v}`).join('; ');
  const answer = fetch(`${world.baseUrl}${home}pay/order`, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: world.baseUrl },
    body: form.toString(),
  });
  await world.bank.registered;
  return { client, answer };
}

test('SIGTERM while a request waits on the bank: the answer arrives, new connections are refused, exit 0', async (world) => {
  world.server = await startServerProcess({ ...world.env, SHUTDOWN_TIMEOUT_MS: '10000' }, world.baseUrl);
  const { answer } = await orderInFlight(world);
  world.server.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));
  const refused = await fetch(`${world.baseUrl}/healthz`).then(() => false, () => true);
  assert.ok(refused, 'a new connection is refused once shutdown began');
  assert.is(world.server.child.exitCode, null, 'the process waits for the request in flight');
  world.bank.release();
  const response = await answer;
  assert.is(response.status, 303, 'the request in flight gets its answer');
  assert.match(response.headers.get('location') ?? '', /mdOrder=slow-order-1/);
  const { code } = await world.server.exited;
  assert.is(code, 0, world.server.output.join(''));
  world.server = null;
});

test('a request beyond SHUTDOWN_TIMEOUT_MS is cut, and the process still exits 0 in time', async (world) => {
  world.bank = await startSlowBank().then((bank) => {
    world.bank.server.closeAllConnections();
    world.bank.server.close();
    return bank;
  });
  const env = { ...world.env, PAYMENT_GATEWAY_URL: world.bank.url, SHUTDOWN_TIMEOUT_MS: '500' };
  world.server = await startServerProcess(env, world.baseUrl);
  const { answer } = await orderInFlight(world);
  const signalled = Date.now();
  world.server.child.kill('SIGTERM');
  const cut = await answer.then(() => false, () => true);
  const { code } = await world.server.exited;
  const took = Date.now() - signalled;
  world.server = null;
  assert.ok(cut, 'the connection of the held request is cut');
  assert.is(code, 0);
  assert.ok(took < 5000, `exited ${took} ms after SIGTERM`);
});

test('WORKERS=2: SIGTERM to the primary while a worker waits on the bank: the answer arrives, then all exit 0', async (world) => {
  world.bank.server.closeAllConnections();
  world.bank.server.close();
  world.bank = await startSlowBank('slow-order-2');
  const env = { ...world.env, PAYMENT_GATEWAY_URL: world.bank.url, SHUTDOWN_TIMEOUT_MS: '10000', WORKERS: '2', LOG_LEVEL: 'info' };
  world.server = await startServerProcess(env, world.baseUrl, 40_000);
  const { answer } = await orderInFlight(world);
  world.server.child.kill('SIGTERM');
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.is(world.server.child.exitCode, null, 'the primary waits for the worker with a request in flight');
  world.bank.release();
  const response = await answer;
  assert.is(response.status, 303, 'the request in flight gets its answer');
  assert.match(response.headers.get('location') ?? '', /mdOrder=slow-order-2/);
  const { code } = await world.server.exited;
  assert.is(code, 0, world.server.output.join(''));
  const workers = startedWorkers(world.server.output);
  assert.is(workers.length, 2);
  const alive = stillRunning(workers);
  assert.equal(alive, [], 'no worker outlives the primary');
  world.server = null;
});

test.run();
