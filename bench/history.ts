// NODE_ENV=production npx tsx bench/history.ts [--duration 10] [--sets 1000x3,500000x3,1x10]:
// История's consumption and charges views under load on demo databases of different sizes. The
// views read one account's rows by keys that start with account_id, so the goal is that the
// 500,000-account figures stay within 1.2× of the 1,000-account ones.
import autocannon from 'autocannon';
import { constants, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedDemoDatabase, cachedReferenceDay } from '../scripts/demo/cache.ts';
import { demoUser } from '../scripts/demo/user.ts';
import { addMonths } from '../services/billing/periods.ts';
import { productionBenchEnv } from './production-env.ts';
import { freePort, startChild, stopChild, waitUntilServing } from './children.ts';
import { logIn } from './login.ts';

export type HistoryBenchRow = { accounts: number; set: string; view: string; rps: number; p50: number; p99: number; non2xx: number; failures: number };

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

/** Starts the app on a copy of the demo set and loads each view in turn. */
export async function benchHistory(set: { accounts: number; years: number }, duration: number): Promise<HistoryBenchRow[]> {
  const cached = cachedDemoDatabase(set.accounts, set.years);
  const dir = mkdtempSync(join(tmpdir(), 'svet-bench-history-'));
  const databasePath = join(dir, 'svet.db');
  copyFileSync(cached, databasePath, constants.COPYFILE_FICLONE);
  const port = await freePort();
  const app = startChild('app', 'server.ts', [], {
    ...process.env,
    ...productionBenchEnv(port, databasePath),
  });
  const label = `${set.accounts} счетов × ${set.years} г.`;
  try {
    const base = `http://127.0.0.1:${port}`;
    await waitUntilServing(app, `${base}/login`);
    const session = await logIn(base, demoUser.accountNumber, demoUser.password);
    const rows: HistoryBenchRow[] = [];
    for (const view of views(set.years)) {
      const url = `${base}${session.home}${view.path}`;
      const check = await fetch(url, { headers: { cookie: session.cookie } });
      if (check.status !== 200) throw new Error(`${url} answered ${check.status}`);
      const result = await autocannon({ url, headers: { cookie: session.cookie }, connections, duration });
      rows.push({
        accounts: set.accounts, set: label, view: view.name, rps: result.requests.average, p50: result.latency.p50, p99: result.latency.p99,
        non2xx: result.non2xx, failures: result.errors + result.timeouts,
      });
    }
    return rows;
  } finally {
    await stopChild(app);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<boolean> {
  const { values } = parseArgs({ options: { duration: { type: 'string', default: '10' }, sets: { type: 'string', default: '1000x3,500000x3,1x10' } } });
  const sets = values.sets.split(',').map((text) => {
    const [accounts, years] = text.split('x').map(Number);
    return { accounts, years };
  });
  console.log(`История под нагрузкой: ${connections} соединений, ${values.duration} с на сценарий, Node ${process.version}, NODE_ENV=${process.env.NODE_ENV}`);
  const rows: HistoryBenchRow[] = [];
  for (const set of sets) rows.push(...(await benchHistory(set, Number(values.duration))));
  const table = [
    ['set', 'view', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
    ...rows.map((r) => [r.set, r.view, r.rps.toFixed(0), String(r.p50), String(r.p99), String(r.non2xx), String(r.failures)]),
  ];
  const widths = table[0].map((_, column) => Math.max(...table.map((cells) => cells[column].length)));
  for (const cells of table) console.log(cells.map((cell, column) => (column < 2 ? cell.padEnd(widths[column]) : cell.padStart(widths[column]))).join('  '));
  // The ratio the issue asks for: the small set's throughput over the big one's, view by view.
  const small = rows.filter((r) => r.accounts === 1000);
  const big = rows.filter((r) => r.accounts === 500_000);
  for (const row of small) {
    const other = big.find((b) => b.view === row.view);
    if (other) console.log(`${row.view}: req/s on 1000 accounts / on 500000 = ${(row.rps / other.rps).toFixed(2)}× (goal ≤ 1.2×)`);
  }
  return rows.every((r) => r.non2xx === 0 && r.failures === 0);
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
