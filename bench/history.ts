// NODE_ENV=production npx tsx bench/history.ts [--duration 10] [--rounds 5] [--sets 1000x3,500000x3,1x10]:
// История's consumption and charges views under load on demo databases of different sizes. The
// views read one account's rows by keys that start with account_id, so the goal is that the
// 500,000-account figures stay at ≥ 0.9× the 1,000-account ones.
import autocannon from 'autocannon';
import { constants, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedDemoDatabase, cachedReferenceDay } from '../scripts/demo/cache.ts';
import { demoUser } from '../scripts/demo/user.ts';
import { addMonths } from '../services/billing/periods.ts';
import { productionBenchEnv } from './production-env.ts';
import { freePort, startChild, stopChild, waitUntilServing, type Child } from './children.ts';
import { logIn } from './login.ts';

const connections = 50;

/** The views measured: the default 12 months, and on a long history the longest range one page allows. */
function views(years: number): { name: string; path: string }[] {
  const to = cachedReferenceDay.slice(0, 7);
  const list = [
    { name: 'consumption, 12 months', path: 'history/consumption' },
    { name: 'charges, 12 months', path: 'history/charges' },
  ];
  if (years >= 10) {
    const from = addMonths(to, -119);
    list.push(
      { name: 'consumption, 120 months', path: `history/consumption?from=${from}&to=${to}` },
      { name: 'charges, 120 months', path: `history/charges?from=${from}&to=${to}` },
    );
  }
  return list;
}

type Served = { set: { accounts: number; years: number }; label: string; base: string; cookie: string; home: string; app: Child; dir: string };

/** The app on a copy of the demo set, logged in as the demo user. */
async function serve(set: { accounts: number; years: number }, children: Child[], dirs: string[]): Promise<Served> {
  const dir = mkdtempSync(join(tmpdir(), 'svet-bench-history-'));
  dirs.push(dir);
  const databasePath = join(dir, 'svet.db');
  copyFileSync(cachedDemoDatabase(set.accounts, set.years), databasePath, constants.COPYFILE_FICLONE);
  const port = await freePort();
  const app = startChild('app', 'server.ts', [], { ...process.env, ...productionBenchEnv(port, databasePath) });
  children.push(app);
  const base = `http://127.0.0.1:${port}`;
  await waitUntilServing(app, `${base}/login`);
  const session = await logIn(base, demoUser.accountNumber, demoUser.password);
  return { set, label: `${set.accounts} счетов × ${set.years} г.`, base, cookie: session.cookie, home: session.home, app, dir };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

type Run = { rps: number; p50: number; p99: number; non2xx: number; failures: number };

/**
 * Every set's app runs at once, and each view is loaded on each set in turn, round after round: the
 * machine's speed drifts within seconds, so the sets are compared within a round (the median of the
 * rounds' ratios), never one set's minute against another's.
 */
export async function benchHistory(sets: { accounts: number; years: number }[], duration: number, rounds: number) {
  const children: Child[] = [];
  const dirs: string[] = [];
  try {
    const served: Served[] = [];
    for (const set of sets) served.push(await serve(set, children, dirs));
    const runs = new Map<string, Run[]>();
    for (let round = 0; round < rounds; round++) {
      for (const one of served) {
        for (const view of views(one.set.years)) {
          const url = `${one.base}${one.home}${view.path}`;
          const result = await autocannon({ url, headers: { cookie: one.cookie }, connections, duration: duration / rounds });
          const key = `${one.label}\t${view.name}`;
          runs.set(key, [...(runs.get(key) ?? []), { rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99, non2xx: result.non2xx, failures: result.errors + result.timeouts }]);
        }
      }
    }
    return runs;
  } finally {
    await Promise.all(children.map(stopChild));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<boolean> {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, rounds: { type: 'string', default: '5' }, sets: { type: 'string', default: '1000x3,500000x3,1x10' } } });
  const sets = values.sets.split(',').map((text) => {
    const [accounts, years] = text.split('x').map(Number);
    return { accounts, years };
  });
  console.log(`История под нагрузкой: ${connections} соединений, ${values.duration} с на сценарий (кругов: ${values.rounds}), Node ${process.version}, NODE_ENV=${process.env.NODE_ENV}`);
  const runs = await benchHistory(sets, Number(values.duration), Number(values.rounds));
  const table = [
    ['set', 'view', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
    ...[...runs].map(([key, own]) => [
      ...key.split('\t'),
      (own.reduce((sum, run) => sum + run.rps, 0) / own.length).toFixed(0), String(median(own.map((run) => run.p50))), String(median(own.map((run) => run.p99))),
      String(own.reduce((sum, run) => sum + run.non2xx, 0)), String(own.reduce((sum, run) => sum + run.failures, 0)),
    ]),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
  for (const cells of table) console.log(cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
  // The ratio the issue asks for: the big set's throughput over the small one's, view by view, within each round.
  for (const view of views(3)) {
    const small = runs.get(`1000 счетов × 3 г.\t${view.name}`);
    const big = runs.get(`500000 счетов × 3 г.\t${view.name}`);
    if (small && big) console.log(`${view.name}: req/s on 500000 accounts / on 1000 = ${median(big.map((run, round) => run.rps / small[round].rps)).toFixed(2)}× (goal ≥ 0.9×, median of the rounds)`);
  }
  return [...runs.values()].flat().every((run) => run.non2xx === 0 && run.failures === 0);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().then(
    (ok) => process.exit(ok ? 0 : 1),
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
