// npm run bench:deadline-day [-- --accounts 500000 --duration 30 --close-cap 240 --database PATH --workers N --scale X]
// The 25th of the month ×100: per second 300 readings submissions, 300 Главная views, 50 logins and
// 50 history views, each at a fixed rate (autocannon overallRate), the four at once, from many client
// addresses (TRUST_PROXY=1 and a varied X-Forwarded-For, so per-IP throttling acts as in life).
// Run twice: alone, and while `close-period` charges every account in another process.
import autocannon from 'autocannon';
import { spawn } from 'node:child_process';
import { constants, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import Database from 'better-sqlite3';
import { cachedDemoDatabase } from '../scripts/demo/cache.ts';
import { hashPassword } from '../services/auth/passwords.ts';
import { freePort, projectRoot, startChild, stopChild, waitUntilServing, type Child } from './children.ts';
import { logIn, readingFormBody, type Session } from './login.ts';
import { coreCount, machineTicks, ticksPerSecond, treeTicks } from './cpu-time.ts';
import { productionBenchEnv } from './production-env.ts';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '500000' },
    duration: { type: 'string', default: '30' },
    'close-cap': { type: 'string', default: '240' },
    'close-period': { type: 'string', default: '2026-11' },
    users: { type: 'string', default: '400' },
    database: { type: 'string' },
    'skip-close': { type: 'boolean', default: false },
    'skip-alone': { type: 'boolean', default: false },
    /** Run the close in slices of N accounts with a pause (bench/close-in-slices.ts) instead of close-period. */
    'close-slice': { type: 'string' },
    'close-pause-ms': { type: 'string', default: '20' },
    /** WORKERS for the app (node:cluster processes on the one file). */
    workers: { type: 'string', default: '1' },
    /** Multiplies every rate of the mix (2 = the 25th ×200), to find what a setup can serve. */
    scale: { type: 'string', default: '1' },
  },
});
const accounts = Number(values.accounts);
const duration = Number(values.duration);
const scale = Number(values.scale);
const benchPassword = 'bench-svet-2026';
const origin = 'https://localhost';

type Mix = { name: string; rate: number; connections: number; expect: number; next: () => { method: 'GET' | 'POST'; path: string; headers: Record<string, string>; body?: string } };
type Outcome = { name: string; rate: number; sent: number; rps: number; p50: number; p99: number; unexpected: number; errors: number; statuses: string };

/** A client address per request from a pool of 20,000 (198.18.0.0/15, the benchmarking range). */
let ipCounter = 0;
function nextIp(): string {
  const n = (ipCounter = (ipCounter + 7919) % 20_000);
  return `198.18.${Math.floor(n / 250)}.${(n % 250) + 1}`;
}

/** Bench users on the copy: the demo set registers only one, and 50 logins a second need many accounts. */
async function addBenchUsers(databasePath: string, count: number): Promise<string[]> {
  const db = new Database(databasePath);
  db.pragma('busy_timeout = 5000');
  const hash = await hashPassword(benchPassword);
  const rows = db.prepare('SELECT id, number FROM accounts a WHERE NOT EXISTS (SELECT 1 FROM users u WHERE u.account_id = a.id) AND EXISTS (SELECT 1 FROM meters m WHERE m.account_id = a.id AND m.removed_on IS NULL) ORDER BY id LIMIT ?').all(count) as { id: number; number: string }[];
  const now = Math.floor(Date.now() / 1000);
  const user = db.prepare(`INSERT INTO users (account_id, email, phone, password_hash, created_at, activated_at, password_changed_at, agreement_version, agreement_accepted_at, consent_version, consent_accepted_at)
    VALUES (?, ?, '+79100000000', ?, ?, ?, ?, '2026-01', ?, '2026-01', ?)`);
  const link = db.prepare('INSERT INTO account_links (user_id, account_id, is_primary, created_at) VALUES (?, ?, 1, ?)');
  db.transaction(() => {
    for (const row of rows) {
      const id = user.run(row.id, `bench${row.number}@example.ru`, hash, now, now, now, now, now).lastInsertRowid;
      link.run(id, row.id, now);
    }
  })();
  db.close();
  return rows.map((row) => row.number);
}

function runMix(baseUrl: string, mix: Mix, seconds: number, stoppers: (() => void)[]): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const run = autocannon as unknown as (options: object, callback: (error: unknown, result: autocannon.Result & { statusCodeStats: Record<string, { count: number }>; requests: { total: number; average: number } }) => void) => { stop(): void };
    const instance = run(
      {
        url: baseUrl,
        connections: mix.connections,
        overallRate: mix.rate,
        duration: seconds,
        timeout: 30,
        requests: [{ setupRequest: (request: Record<string, unknown>) => Object.assign(request, mix.next()) }],
      },
      (error, result) => {
        if (error) return reject(error);
        const expected = result.statusCodeStats[String(mix.expect)]?.count ?? 0;
        const answered = Object.values(result.statusCodeStats).reduce((sum, s) => sum + Number(s.count), 0);
        resolve({
          name: mix.name, rate: mix.rate, sent: answered, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99,
          unexpected: answered - Number(expected), errors: result.errors + result.timeouts,
          statuses: Object.entries(result.statusCodeStats).map(([status, s]) => `${status}×${s.count}`).join(' '),
        });
      },
    );
    stoppers.push(() => instance.stop());
  });
}

function printTable(title: string, rows: Outcome[]): void {
  console.log(`\n${title}`);
  const table = [['scenario', 'target/s', 'req/s', 'p50 ms', 'p99 ms', 'unexpected', 'errors', 'statuses'], ...rows.map((r) => [r.name, String(r.rate), r.rps.toFixed(0), String(r.p50), String(r.p99), String(r.unexpected), String(r.errors), r.statuses])];
  const total = rows.reduce((sum, r) => sum + r.rps, 0);
  table.push(['all four', String(rows.reduce((s, r) => s + r.rate, 0)), total.toFixed(0), '', '', String(rows.reduce((s, r) => s + r.unexpected, 0)), String(rows.reduce((s, r) => s + r.errors, 0)), '']);
  const widths = table[0].map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
  for (const cells of table) console.log(cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
}

/**
 * From now until the returned function is called: how many of the machine's cores were busy, and
 * with what — the app (its processes with their threads: argon2 runs on libuv's), this process
 * (the load generator) and anything else.
 */
function cpuUsage(appPid: number): () => string {
  const [machine, app, own, started] = [machineTicks(), treeTicks(appPid), process.cpuUsage(), process.hrtime.bigint()];
  return () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    const after = machineTicks();
    const cores = (ticks: number) => ticks / ticksPerSecond / seconds;
    const busy = cores(after.busy - machine.busy);
    const appCores = cores(treeTicks(appPid) - app);
    const spent = process.cpuUsage(own);
    const loadCores = (spent.user + spent.system) / 1e6 / seconds;
    const share = (after.busy - machine.busy) / (after.all - machine.all);
    return `CPU over the run: ${busy.toFixed(2)} of ${coreCount} cores busy (${(share * 100).toFixed(0)} %): the app ${appCores.toFixed(2)}, the load generator (this process) ${loadCores.toFixed(2)}, the rest ${Math.max(0, busy - appCores - loadCores).toFixed(2)}`;
  };
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'svet-deadline-'));
  const children: Child[] = [];
  try {
    let databasePath = values.database;
    if (!databasePath) {
      const cached = cachedDemoDatabase(accounts, 3);
      databasePath = join(dir, 'svet.db');
      const copying = Date.now();
      copyFileSync(cached, databasePath, constants.COPYFILE_FICLONE);
      console.log(`copied ${cached} in ${((Date.now() - copying) / 1000).toFixed(1)} s`);
    }
    const numbers = await addBenchUsers(databasePath, Number(values.users));
    const port = await freePort();
    const baseUrl = `http://127.0.0.1:${port}`;
    const env = { ...process.env, ...productionBenchEnv(port, databasePath, Number(values.workers)), TRUST_PROXY: '1' };
    const app = startChild('app', 'server.ts', [], env);
    children.push(app);
    await waitUntilServing(app, `${baseUrl}/healthz`);

    // Sessions for the cabinet pages, each logged in from its own address.
    const sessions: (Session & { readingBody: string })[] = [];
    for (const number of numbers) {
      const session = await logIn(baseUrl, number, benchPassword);
      sessions.push({ ...session, readingBody: await readingFormBody(baseUrl, session) });
    }
    const loginPage = await fetch(`${baseUrl}/login`);
    const csrfCookie = loginPage.headers.getSetCookie().map((c) => c.split(';')[0]).find((c) => /svet_csrf=/.test(c))!;
    const csrfField = /name="_csrf" value="([^"]+)"/.exec(await loginPage.text())![1];
    let turn = 0;
    const pick = () => sessions[(turn = (turn + 1) % sessions.length)];
    let loginTurn = 0;

    const mixes: Mix[] = [
      {
        name: 'POST readings', rate: 300 * scale, connections: 40, expect: 303,
        next: () => {
          const s = pick();
          return { method: 'POST', path: `${s.home}readings`, body: s.readingBody, headers: { cookie: s.cookie, origin, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': nextIp() } };
        },
      },
      {
        name: 'GET Главная', rate: 300 * scale, connections: 40, expect: 200,
        next: () => {
          const s = pick();
          return { method: 'GET', path: s.home, headers: { cookie: s.cookie, 'x-forwarded-for': nextIp() } };
        },
      },
      {
        name: 'POST /login', rate: 50 * scale, connections: 20, expect: 303,
        next: () => {
          const number = numbers[(loginTurn = (loginTurn + 1) % numbers.length)];
          return {
            method: 'POST', path: '/login',
            body: new URLSearchParams({ accountNumber: number, password: benchPassword, _csrf: csrfField }).toString(),
            headers: { cookie: csrfCookie, origin, 'content-type': 'application/x-www-form-urlencoded', 'x-forwarded-for': nextIp() },
          };
        },
      },
      {
        name: 'GET history/charges', rate: 50 * scale, connections: 10, expect: 200,
        next: () => {
          const s = pick();
          return { method: 'GET', path: `${s.home}history/charges`, headers: { cookie: s.cookie, 'x-forwarded-for': nextIp() } };
        },
      },
    ];

    console.log(`deadline day on ${accounts} accounts × 3 years, ${sessions.length} logged-in customers, rates ×${scale}, WORKERS=${values.workers}, Node ${process.version}, NODE_ENV=production`);
    if (!values['skip-alone']) {
      const usage = cpuUsage(app.process.pid!);
      const alone = await Promise.all(mixes.map((mix) => runMix(baseUrl, mix, duration, [])));
      printTable(`alone, ${duration} s`, alone);
      console.log(usage());
    }

    if (!values['skip-close']) {
      const cap = Number(values['close-cap']);
      const stoppers: (() => void)[] = [];
      const loads = Promise.all(mixes.map((mix) => runMix(baseUrl, mix, cap, stoppers)));
      const started = Date.now();
      const closeArgs = values['close-slice']
        ? ['bench/close-in-slices.ts', '--period', values['close-period']!, '--slice', values['close-slice'], '--pause-ms', values['close-pause-ms']!]
        : ['scripts/close-period.ts', '--period', values['close-period']!];
      const close = spawn(process.execPath, ['--import', 'tsx', ...closeArgs], { cwd: projectRoot, env, stdio: ['ignore', 'pipe', 'inherit'] });
      let report = '';
      close.stdout.on('data', (chunk: Buffer) => (report += chunk));
      const closed = new Promise<number | null>((resolve) => close.once('exit', resolve));
      const first = await Promise.race([closed.then(() => 'closed' as const), loads.then(() => 'cap' as const)]);
      if (first === 'closed') for (const stop of stoppers) stop();
      const beside = await loads;
      const loadSeconds = (Date.now() - started) / 1000;
      const code = await closed;
      printTable(`beside the monthly close of ${values['close-period']} (load ran ${loadSeconds.toFixed(0)} s${first === 'cap' ? ', the cap; the close went on' : ', stopped when the close ended'})`, beside);
      console.log(`close-period: exit ${code}, ${((Date.now() - started) / 1000).toFixed(1)} s, ${report.trim()}`);
    }
  } finally {
    await Promise.all(children.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
