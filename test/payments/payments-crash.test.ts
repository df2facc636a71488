// The server killed (SIGKILL) right after the bank took the money and before any callback:
// after a restart the reconciliation (the script, or the timer at start) credits it exactly once.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { suite } from 'uvu';
import * as assert from 'uvu/assert';
import { openDatabase, type Db } from '../../db/connection.ts';
import { seedAccount, seedReading, seedTariffs, seedUser, type SeededAccount } from '../helpers/fixtures.ts';
import { createClient, type Client } from '../helpers/http.ts';
import { payThroughBank } from '../helpers/payments.ts';
import { childServerEnv, freePort } from '../helpers/server-process.ts';

type World = { dir: string; db: Db; env: NodeJS.ProcessEnv; baseUrl: string; account: SeededAccount; server: ChildProcess | null; output: string };

const test = suite<World>('payments: crash between the bank and the callback');

/** `node --import tsx server.ts` — one process, so SIGKILL kills the server and its sandbox bank. */
async function startServer(world: World): Promise<void> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server.ts'], { env: world.env, stdio: ['ignore', 'pipe', 'pipe'] });
  child.stdout!.on('data', (chunk: Buffer) => (world.output += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (world.output += chunk.toString()));
  world.server = child;
  const deadline = Date.now() + 20_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`the server exited: ${world.output}`);
    const ok = await fetch(`${world.baseUrl}/login`).then((r) => r.status === 200, () => false);
    if (ok) return;
    if (Date.now() > deadline) throw new Error(`the server did not start: ${world.output}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function kill(world: World): Promise<void> {
  const child = world.server;
  if (!child || child.exitCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGKILL');
  await exited;
  world.server = null;
}

function state(world: World, paymentId: number) {
  const payment = world.db.prepare('SELECT status FROM payments WHERE id = ?').get(paymentId) as { status: string };
  const ledger = world.db.prepare("SELECT kind, amount_kopecks FROM ledger WHERE payment_id = ? ORDER BY seq").all(paymentId);
  const bank = world.db.prepare('SELECT s.status FROM sandbox_bank_orders s JOIN payments p ON p.order_number = s.order_number WHERE p.id = ?').get(paymentId) as { status: number };
  return { status: payment.status, ledger, bankStatus: bank.status };
}

async function login(world: World): Promise<{ client: Client; home: string }> {
  const client = createClient(world.baseUrl);
  const page = await client.post('/login', { accountNumber: world.account.number, password: 'password-123' });
  assert.is(page.status, 303);
  return { client, home: page.location! };
}

test.before(async (world) => {
  world.dir = mkdtempSync(join(tmpdir(), 'svet-crash-'));
  const dbPath = join(world.dir, 'svet.db');
  world.db = openDatabase(dbPath);
  seedTariffs(world.db);
  world.account = seedAccount(world.db);
  seedReading(world.db, { accountId: world.account.id, meterId: world.account.meterId!, period: '2026-01', seq: 1, value: 1000 });
  await seedUser(world.db, world.account.id, { password: 'password-123' });
  const child = await childServerEnv(dbPath, {
    SANDBOX_BANK_PORT: String(await freePort()),
    // The bank never calls back: only asking it can reveal the payment.
    SANDBOX_BANK_CALLBACKS: '0',
    PAYMENT_RECONCILE_AFTER_MINUTES: '0',
  });
  world.env = child.env;
  world.baseUrl = child.baseUrl;
  world.output = '';
  world.server = null;
});

test.after(async (world) => {
  await kill(world);
  world.db?.close();
  rmSync(world.dir, { recursive: true, force: true });
});

test('killed after the bank took the money: the reconciliation script credits it once', async (world) => {
  await startServer(world);
  const { client, home } = await login(world);
  const paid = await payThroughBank(client, home, { readings: { zone1: '1100' }, amount: '250', stayAtBank: true });
  await kill(world);
  assert.equal(state(world, paid.paymentId), { status: 'created', ledger: [], bankStatus: 2 }, 'the bank has the money, we do not know yet');

  const script = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/reconcile-payments.ts', '--older-than-minutes', '0'], { env: world.env, encoding: 'utf8', timeout: 30_000 });
  assert.is(script.status, 0, script.stderr);
  assert.ok(script.stdout.includes('зачислено: 1'), script.stdout);
  assert.equal(state(world, paid.paymentId), { status: 'paid', ledger: [{ kind: 'payment', amount_kopecks: -25_000 }], bankStatus: 2 });

  // The server back, the return page opened late, the script run again: still once.
  await startServer(world);
  const { client: again } = await login(world);
  assert.is((await again.get(paid.bankRedirect.location!)).$('#payment-status').text(), 'оплачен');
  const rerun = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/reconcile-payments.ts', '--older-than-minutes', '0'], { env: world.env, encoding: 'utf8', timeout: 30_000 });
  assert.ok(rerun.stdout.includes('Проверено заказов: 0'), rerun.stdout);
  assert.is(state(world, paid.paymentId).ledger.length, 1);
  const balance = world.db.prepare('SELECT balance_kopecks AS b FROM accounts WHERE id = ?').get(world.account.id) as { b: number };
  assert.is(balance.b, -25_000);
  await kill(world);
});

test('killed after the bank took the money: the timer at start credits it once', async (world) => {
  await startServer(world);
  const { client, home } = await login(world);
  const paid = await payThroughBank(client, home, { readings: { zone1: '1200' }, amount: '100', stayAtBank: true });
  await kill(world);
  assert.is(state(world, paid.paymentId).status, 'created');

  await startServer(world);
  const deadline = Date.now() + 10_000;
  while (state(world, paid.paymentId).status !== 'paid' && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
  assert.equal(state(world, paid.paymentId), { status: 'paid', ledger: [{ kind: 'payment', amount_kopecks: -10_000 }], bankStatus: 2 });
  const receipts = world.db.prepare("SELECT count(*) AS n FROM outbox WHERE kind = 'receipt'").get() as { n: number };
  assert.is(receipts.n, 2, 'one receipt per payment, in the outbox');
  await kill(world);
  await startServer(world);
  await new Promise((resolve) => setTimeout(resolve, 500));
  assert.is(state(world, paid.paymentId).ledger.length, 1, 'a second restart credits nothing more');
});

test.run();
