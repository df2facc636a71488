// Sends the period's bills (PDF attached) to the customers who chose e-mail delivery:
//   npm run send-bills -- --period 2026-10 [--chunk 20]
// Once per account and period (a log table and the outbox's dedupe key), resumable after a
// crash, and safe beside the server: it commits chunk by chunk.
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/connection.ts';
import { systemClock } from '../services/platform/clock.ts';
import { loadConfig } from '../services/platform/config.ts';
import { createServices } from '../services/index.ts';
import { isPeriod } from '../services/billing/periods.ts';

const { values } = parseArgs({ options: { period: { type: 'string' }, chunk: { type: 'string', default: '20' } } });
const chunk = Number(values.chunk);
if (!values.period || !isPeriod(values.period) || !Number.isInteger(chunk) || chunk < 1) {
  console.error('Usage: npm run send-bills -- --period YYYY-MM [--chunk 20]');
  process.exit(2);
}
const config = loadConfig();
const db = openDatabase(config.databasePath);
const services = createServices(config, db, systemClock);
const started = Date.now();
try {
  const report = await services.bills.mailPeriod(values.period, { chunk, log: (line) => console.error(line) });
  // Letters wait in the outbox; with SMTP configured they go now (the server's worker retries failures).
  // One call: a send already running looks again for these letters before it ends.
  await services.mail.flush();
  console.log(JSON.stringify({ ...report, seconds: (Date.now() - started) / 1000 }));
  process.exitCode = report.unavailable > 0 ? 1 : 0;
} finally {
  await services.pdf.close();
  await services.mail.close();
  db.close();
}
