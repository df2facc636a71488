// npm run bench:ab -- --base DIR [--scenario login|home|readings|history|api --rounds 10 --seconds 3 --accounts 1000]:
// one scenario on two builds at once — the checkout in DIR (e.g. `git worktree add ../svet-before <commit>`
// with this node_modules linked into it) and this one — in short alternating rounds, so that the machine's
// drift falls on both alike. Each server runs on core 1 and the load generator on core 0 (taskset), so
// neither steals the other's core. Prints this build's rate over the base's (the median of the rounds'
// ratios) and the server CPU time per request of each, read from /proc.
import autocannon from 'autocannon';
import { execFileSync } from 'node:child_process';
import { constants, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedDemoDatabase } from '../scripts/demo/cache.ts';
import { demoUser } from '../scripts/demo/user.ts';
import { freePort, projectRoot, startChild, stopChild, waitUntilServing, type Child } from './children.ts';
import { cpuTicks } from './cpu-time.ts';
import { apiLogIn, logIn, readingFormBody } from './login.ts';
import { productionBenchEnv } from './production-env.ts';
import { scenarioKeys, scenarios, type Request } from './scenarios.ts';

const { values } = parseArgs({
  options: {
    base: { type: 'string' },
    scenario: { type: 'string', default: 'home' },
    rounds: { type: 'string', default: '10' },
    seconds: { type: 'string', default: '3' },
    accounts: { type: 'string', default: '1000' },
  },
});
const scenario = scenarios.find((s) => s.name === scenarioKeys[values.scenario]);
if (!values.base || !scenario) {
  console.error(`--base DIR (another checkout) and --scenario: one of ${Object.keys(scenarioKeys).join(', ')}`);
  process.exit(2);
}

type Build = { name: string; child: Child; request: Request };
type Round = { rps: number; p99: number; cpuMicros: number };

/** children: where the server is put as soon as it starts, so it is stopped even if this fails later. */
async function startBuild(name: string, cwd: string, dir: string, children: Child[]): Promise<Build> {
  const databasePath = join(dir, `${name}.db`);
  copyFileSync(cachedDemoDatabase(Number(values.accounts), 3), databasePath, constants.COPYFILE_FICLONE);
  const port = await freePort();
  const app = `http://127.0.0.1:${port}`;
  const child = startChild(name, 'server.ts', [], { ...process.env, ...productionBenchEnv(port, databasePath) }, [], { cwd, cpu: 1 });
  children.push(child);
  await waitUntilServing(child, `${app}/login`);
  const session = await logIn(app, demoUser.accountNumber, demoUser.password);
  const targets = { hello: app, app, staticHome: app, session, readingBody: await readingFormBody(app, session), api: await apiLogIn(app, demoUser.accountNumber, demoUser.password) };
  return { name, child, request: scenario!.request(targets) };
}

async function load(build: Build): Promise<Round> {
  const pid = build.child.process.pid!;
  const before = cpuTicks(pid);
  const { url, method, headers, body } = build.request;
  const result = await autocannon({ url, method: method ?? 'GET', headers, body, connections: 50, duration: Number(values.seconds) });
  if (result.errors + result.timeouts > 0) throw new Error(`${build.name}: ${result.errors} errors, ${result.timeouts} timeouts`);
  return { rps: result.requests.average, p99: result.latency.p99, cpuMicros: ((cpuTicks(pid) - before) * 10_000) / result.requests.total };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

execFileSync('taskset', ['-a', '-p', '-c', '0', String(process.pid)], { stdio: 'ignore' });
const dir = mkdtempSync(join(tmpdir(), 'svet-ab-'));
const children: Child[] = [];
try {
  const base = await startBuild('base', resolve(values.base), dir, children);
  const own = await startBuild('this', projectRoot, dir, children);
  await load(base);
  await load(own);
  const rounds: { base: Round; own: Round }[] = [];
  for (let i = 0; i < Number(values.rounds); i++) {
    // Alternate which goes first, so neither always meets the machine's state the other left.
    const first = i % 2 === 0 ? base : own;
    const [a, b] = [await load(first), await load(first === base ? own : base)];
    rounds.push(first === base ? { base: a, own: b } : { base: b, own: a });
  }
  const summary = (pick: (r: { base: Round; own: Round }) => Round) => ({
    rps: median(rounds.map((r) => pick(r).rps)),
    p99: median(rounds.map((r) => pick(r).p99)),
    cpu: median(rounds.map((r) => pick(r).cpuMicros)),
  });
  const [b, o] = [summary((r) => r.base), summary((r) => r.own)];
  const ratios = rounds.map((r) => r.own.rps / r.base.rps);
  console.log(`${scenario.name}, ${values.accounts} лицевых счетов, ${rounds.length} кругов по ${values.seconds} с, 50 соединений`);
  console.log(`base (${values.base}): ${b.rps.toFixed(0)} req/s, p99 ${b.p99} ms, CPU ${b.cpu.toFixed(0)} µs/request`);
  console.log(`this checkout:        ${o.rps.toFixed(0)} req/s, p99 ${o.p99} ms, CPU ${o.cpu.toFixed(0)} µs/request`);
  console.log(`this / base: ${median(ratios).toFixed(2)}× (rounds: ${ratios.map((r) => r.toFixed(2)).join(' ')})`);
} finally {
  await Promise.all(children.map(stopChild));
  rmSync(dir, { recursive: true, force: true });
}
