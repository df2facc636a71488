// npm run bench:profile -- --scenario login|home|readings|history|api [--duration 10 --accounts 1000]:
// the app under `node --cpu-prof` (NODE_ENV=production) loaded by autocannon with one scenario,
// then the 15 functions with the most self time, and the same by file.
import autocannon from 'autocannon';
import { constants, copyFileSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { cachedDemoDatabase } from '../scripts/demo/cache.ts';
import { demoUser } from '../scripts/demo/user.ts';
import { freePort, startChild, stopChild, waitUntilServing } from './children.ts';
import { printSelfTimes, selfTimes } from './cpu-profile.ts';
import { apiLogIn, logIn, readingFormBody } from './login.ts';
import { productionBenchEnv } from './production-env.ts';
import { scenarioKeys, scenarios } from './scenarios.ts';


const { values } = parseArgs({ options: { scenario: { type: 'string', default: 'home' }, duration: { type: 'string', default: '10' }, accounts: { type: 'string', default: '1000' } } });
const scenario = scenarios.find((s) => s.name === scenarioKeys[values.scenario]);
if (!scenario) {
  console.error(`--scenario: one of ${Object.keys(scenarioKeys).join(', ')}`);
  process.exit(2);
}

const dir = mkdtempSync(join(tmpdir(), 'svet-profile-'));
const databasePath = join(dir, 'svet.db');
copyFileSync(cachedDemoDatabase(Number(values.accounts), 3), databasePath, constants.COPYFILE_FICLONE);
const port = await freePort();
const app = `http://127.0.0.1:${port}`;
const child = startChild('app', 'server.ts', [], { ...process.env, ...productionBenchEnv(port, databasePath) }, ['--cpu-prof', '--cpu-prof-dir', dir]);
try {
  try {
    await waitUntilServing(child, `${app}/login`);
    const session = await logIn(app, demoUser.accountNumber, demoUser.password);
    const targets = { hello: app, app, staticHome: app, session, readingBody: await readingFormBody(app, session), api: await apiLogIn(app, demoUser.accountNumber, demoUser.password) };
    const request = scenario.request(targets);
    const result = await autocannon({ ...request, method: request.method ?? 'GET', connections: 50, duration: Number(values.duration) });
    console.log(`${scenario.name}: ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms, ${values.accounts} лицевых счетов, ${values.duration} с, 50 соединений\n`);
  } finally {
    // SIGTERM: the server stops gracefully, and Node writes the profile as it exits.
    await stopChild(child);
  }
  const profile = readdirSync(dir).find((name) => name.endsWith('.cpuprofile'));
  if (!profile) throw new Error(`no .cpuprofile written:\n${child.output.join('')}`);
  printSelfTimes(selfTimes(join(dir, profile)));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
