// Closes a billing period: npm run close-period -- --period 2026-10
// Safe to run twice and beside the server: it commits in chunks and skips charged accounts.
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/connection.ts';
import { systemClock } from '../services/clock.ts';
import { loadConfig } from '../services/config.ts';
import { createServices } from '../services/index.ts';
import { isPeriod } from '../services/periods.ts';

const { values } = parseArgs({ options: { period: { type: 'string' } } });
if (!values.period || !isPeriod(values.period)) {
  console.error('Usage: npm run close-period -- --period YYYY-MM');
  process.exit(2);
}
const config = loadConfig();
const db = openDatabase(config.databasePath);
const services = createServices(config, db, systemClock);
const started = Date.now();
const report = services.monthlyClose.close(values.period);
console.log(JSON.stringify({ ...report, seconds: (Date.now() - started) / 1000 }));
db.close();
if (report.missingTariff > 0) process.exit(1);
