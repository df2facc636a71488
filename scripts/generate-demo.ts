// npm run demo -- --accounts N --years Y [--out PATH] [--reference YYYY-MM-DD]: fills an empty database with demo data.
import { statSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/connection.ts';
import { systemClock } from '../services/platform/clock.ts';
import { loadConfig } from '../services/platform/config.ts';
import { localDay } from './demo/calendar.ts';
import { generateDemo } from './demo/generate.ts';
import { insertDemoUser } from './demo/user.ts';

const { values } = parseArgs({
  options: {
    accounts: { type: 'string', default: '1000' },
    years: { type: 'string', default: '3' },
    out: { type: 'string' },
    reference: { type: 'string' },
  },
});
const config = loadConfig();
if (config.isProduction) throw new Error('Demo data is never generated in production');
const accounts = Number(values.accounts);
const years = Number(values.years);
if (!Number.isInteger(accounts) || accounts < 1 || !Number.isInteger(years) || years < 1) throw new Error('--accounts and --years must be positive integers');
const referenceDay = values.reference ?? localDay(systemClock.now(), config.company.timeZone);
if (!/^\d{4}-\d{2}-\d{2}$/.test(referenceDay)) throw new Error('--reference must be YYYY-MM-DD');
const out = values.out ?? config.databasePath;

const started = performance.now();
const seconds = () => ((performance.now() - started) / 1000).toFixed(1);
let lastReport = 0;
const db = openDatabase(out);
console.log(`Демо-данные: ${accounts} лицевых счетов × ${years} г. до ${referenceDay} → ${out}`);
generateDemo(db, {
  accounts, years, referenceDay, company: config.company,
  onProgress(done, total) {
    if (done < total && performance.now() - lastReport < 2000) return;
    lastReport = performance.now();
    console.log(`  ${done} / ${total} (${Math.round((100 * done) / total)}%), ${seconds()} с`);
  },
});
await insertDemoUser(db, config.company, referenceDay);
db.close();
const megabytes = (statSync(out).size / 1024 / 1024).toFixed(1);
console.log(`Готово за ${seconds()} с, файл ${megabytes} МБ`);
