// npm run bench [-- --duration 10 --accounts 1000 --workers 1]: the app's pages under load against two
// baselines: Express hello world, and Главная's own HTML served as a static EJS page.
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
const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, accounts: { type: 'string', default: '1000' }, workers: { type: 'string', default: '1' } } });
const duration = Number(values.duration);
const accounts = Number(values.accounts);

type Row = { name: string; rps: number; p50: number; p99: number; unexpected: number; failures: number };

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

    console.log(`${accounts} лицевых счетов × 3 года, ${connections} соединений, ${duration} с на сценарий, WORKERS=${values.workers}, Node ${process.version}, NODE_ENV=${process.env.NODE_ENV}`);
    const rows: Row[] = [];
    for (const scenario of scenarios) {
      const { url, method, headers, body } = scenario.request({ ...targets, session, readingBody, api, staticHome });
      const result = await autocannon({ url, method: method ?? 'GET', headers, body, connections, duration });
      const unexpected = scenario.expect === '3xx' ? result['2xx'] + result['4xx'] + result['5xx'] : result.non2xx;
      rows.push({
        name: scenario.name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99,
        unexpected, failures: result.errors + result.timeouts,
      });
    }
    printTable(rows);
    const home = rows.find((row) => row.name.includes('Главная (logged in)'))!;
    const page = rows.find((row) => row.name.includes('static'))!;
    console.log(`\nГлавная / её же HTML статической страницей: ${(home.rps / page.rps).toFixed(2)}`);
    return rows.every((row) => row.unexpected === 0 && row.failures === 0);
  } finally {
    await Promise.all(children.map(stopChild));
    rmSync(dir, { recursive: true, force: true });
  }
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
  const baseline = rows[0].rps;
  const table = [
    ['scenario', 'req/s', 'p50 ms', 'p99 ms', 'unexpected status', 'errors', '× baseline'],
    ...rows.map((row) => [
      row.name, row.rps.toFixed(0), String(row.p50), String(row.p99), String(row.unexpected), String(row.failures), (row.rps / baseline).toFixed(2),
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
