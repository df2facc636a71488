// npm run bench [-- --duration 10 --accounts 1000 --workers 1 --rounds 3]: the app's pages under load
// against two baselines: Express hello world, and Главная's own HTML served as a static EJS page. The
// machine's speed drifts within seconds here, so the scenarios run in rounds, one after another in
// each, and a ratio is the median of the ratios within each round.
import autocannon from 'autocannon';
import { constants, copyFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedDemoDatabase } from '../scripts/demo/cache.ts';
import { demoUser } from '../scripts/demo/user.ts';
import { productionBenchEnv } from './production-env.ts';
import { freePort, startChild, stopChild, waitUntilServing, type Child } from './children.ts';
import { apiLogIn, logIn, readingFormBody } from './login.ts';
import { scenarios, type Targets } from './scenarios.ts';

const connections = 50;
const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, accounts: { type: 'string', default: '1000' }, workers: { type: 'string', default: '1' }, rounds: { type: 'string', default: '3' } } });
const duration = Number(values.duration);
const accounts = Number(values.accounts);
const rounds = Number(values.rounds);

/** rps: the mean over the rounds; ratio: the median of (rps / the baseline's rps in the same round); p50, p99: the median of the rounds', p99max: the worst round's. */
type Row = { name: string; rps: number; ratio: number; p50: number; p99: number; p99max: number; unexpected: number; failures: number };
type Run = { rps: number; p50: number; p99: number; unexpected: number; failures: number };

async function main(): Promise<boolean> {
  const cached = cachedDemoDatabase(accounts, 3);
  // The app writes sessions and audit entries: it gets a copy, and the cached set stays as generated.
  const dir = mkdtempSync(join(tmpdir(), 'svet-bench-'));
  const databasePath = join(dir, 'svet.db');
  copyFileSync(cached, databasePath, constants.COPYFILE_FICLONE);
  const children: Child[] = [];
  try {
    const [helloPort, appPort] = [await freePort(), await freePort()];
    const hello = startChild('hello server', 'bench/hello-server.ts', [String(helloPort)], process.env);
    children.push(hello);
    const app = startChild('app', 'server.ts', [], {
      ...process.env,
      ...productionBenchEnv(appPort, databasePath, Number(values.workers)),
    });
    children.push(app);
    const targets: Omit<Targets, 'session' | 'readingBody' | 'api' | 'staticHome'> = { hello: `http://127.0.0.1:${helloPort}`, app: `http://127.0.0.1:${appPort}` };
    await waitUntilServing(hello, `${targets.hello}/`);
    await waitUntilServing(app, `${targets.app}/login`);
    const session = await logIn(targets.app, demoUser.accountNumber, demoUser.password);
    const readingBody = await readingFormBody(targets.app, session);
    const api = await apiLogIn(targets.app, demoUser.accountNumber, demoUser.password);
    const staticHome = await startStaticHome(dir, targets.app + session.home, session.cookie, children);

    console.log(`${accounts} лицевых счетов × 3 года, ${connections} соединений, ${duration} с на сценарий (кругов: ${rounds}, по ${(duration / rounds).toFixed(1)} с), WORKERS=${values.workers}, Node ${process.version}, NODE_ENV=${process.env.NODE_ENV}`);
    const runs: Run[][] = scenarios.map(() => []);
    for (let round = 0; round < rounds; round++) {
      for (const [i, scenario] of scenarios.entries()) {
        const { url, method, headers, body } = scenario.request({ ...targets, session, readingBody, api, staticHome });
        const result = await autocannon({ url, method: method ?? 'GET', headers, body, connections, duration: duration / rounds });
        const unexpected = scenario.expect === '3xx' ? result['2xx'] + result['4xx'] + result['5xx'] : result.non2xx;
        runs[i].push({ rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, unexpected, failures: result.errors + result.timeouts });
      }
    }
    const rows = scenarios.map((scenario, i) => summary(scenario.name, runs[i], runs[0]));
    printTable(rows);
    const home = scenarios.findIndex((scenario) => scenario.name.includes('Главная (logged in)'));
    const page = scenarios.findIndex((scenario) => scenario.name.includes('static'));
    console.log(`\nГлавная / её же HTML статической страницей: ${summary('', runs[home], runs[page]).ratio.toFixed(2)} (медиана по кругам)`);
    return rows.every((row) => row.unexpected === 0 && row.failures === 0);
  } finally {
    await Promise.all(children.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/** A scenario's rounds against the baseline's rounds, each ratio taken within its round. */
function summary(name: string, own: Run[], baseline: Run[]): Row {
  return {
    name,
    rps: own.reduce((sum, run) => sum + run.rps, 0) / own.length,
    ratio: median(own.map((run, round) => run.rps / baseline[round].rps)),
    p50: median(own.map((run) => run.p50)),
    p99: median(own.map((run) => run.p99)),
    p99max: Math.max(...own.map((run) => run.p99)),
    unexpected: own.reduce((sum, run) => sum + run.unexpected, 0),
    failures: own.reduce((sum, run) => sum + run.failures, 0),
  };
}

/** Главная's HTML as the app answered it, served by bench/static-page-server.ts. */
async function startStaticHome(dir: string, homeUrl: string, cookie: string, children: Child[]): Promise<string> {
  const html = await (await fetch(homeUrl, { headers: { cookie } })).text();
  const template = join(dir, 'home-static.ejs');
  writeFileSync(template, html.replaceAll('<%', '<%%'));
  const port = await freePort();
  const server = startChild('static page server', 'bench/static-page-server.ts', [String(port), template], { ...process.env, NODE_ENV: 'production' });
  children.push(server);
  await waitUntilServing(server, `http://127.0.0.1:${port}/`);
  return `http://127.0.0.1:${port}`;
}

function printTable(rows: Row[]): void {
  const table = [
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'worst p99', 'unexpected status', 'errors', '× baseline'],
    ...rows.map((row) => [
      row.name, row.rps.toFixed(0), String(row.p50), String(row.p99), String(row.p99max), String(row.unexpected), String(row.failures), row.ratio.toFixed(2),
    ]),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
  for (const cells of table) console.log(cells.map((cell, column) => (column === 0 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
}

main().then(
  (ok) => process.exit(ok ? 0 : 1),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
