// Closes a billing period: npm run close-period -- --period 2026-10
// Safe to run twice and beside the server: it commits in small chunks with pauses (so the server's
// writes get the lock) and skips accounts already charged. Then the period's debt notices go to
// customers with bills by e-mail who owe past the due date (once per account and period).
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/connection.ts';
import { systemClock } from '../services/platform/clock.ts';
import { loadConfig } from '../services/platform/config.ts';
import { createServices } from '../services/index.ts';
import { isPeriod } from '../services/billing/periods.ts';

const { values } = parseArgs({
  options: { period: { type: 'string' }, chunk: { type: 'string', default: '100' }, 'pause-ms': { type: 'string', default: '20' } },
});
if (!values.period || !isPeriod(values.period)) {
  console.error('Usage: npm run close-period -- --period YYYY-MM [--chunk 100] [--pause-ms 20]');
  process.exit(2);
}
const config = loadConfig();
const db = openDatabase(config.databasePath);
const services = createServices(config, db, systemClock);
const started = Date.now();
const report = await services.monthlyClose.closeBesideServer(values.period, { chunk: Number(values.chunk), pauseMs: Number(values['pause-ms']) });
const debtNotices = await services.notices.sendDebtNotices(values.period, { log: (line) => console.error(line) });
// One call: a send already running looks again for these letters before it ends.
await services.mail.flush();
console.log(JSON.stringify({ ...report, debtNotices, seconds: (Date.now() - started) / 1000 }));
await services.pdf.close();
await services.mail.close();
db.close();
if (report.missingTariff > 0) process.exit(1);
