// Exports for the billing side (UTF-8 CSV, «;»):
//   npm run export-billing -- readings --from 2026-10 [--to 2026-10] [--out readings.csv]
//   npm run export-billing -- delivery [--out delivery.csv]
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/connection.ts';
import { createBillingExchange } from '../services/billing/exchange.ts';
import { systemClock } from '../services/platform/clock.ts';
import { loadConfig } from '../services/platform/config.ts';
import { isPeriod } from '../services/billing/periods.ts';

const { values, positionals } = parseArgs({ allowPositionals: true, options: { from: { type: 'string' }, to: { type: 'string' }, out: { type: 'string' } } });
const what = positionals[0];
if ((what !== 'readings' && what !== 'delivery') || (what === 'readings' && (!values.from || !isPeriod(values.from) || (values.to !== undefined && !isPeriod(values.to))))) {
  console.error('Usage: npm run export-billing -- readings --from YYYY-MM [--to YYYY-MM] [--out file.csv]\n       npm run export-billing -- delivery [--out file.csv]');
  process.exit(2);
}
const config = loadConfig();
const db = openDatabase(config.databasePath);
const exchange = createBillingExchange({ db, clock: systemClock });
const out = values.out ? createWriteStream(values.out) : process.stdout;
const lines = what === 'readings' ? exchange.exportReadings(values.from!, values.to ?? values.from!) : exchange.exportDelivery(config.company.timeZone);
let count = -1;
for (const line of lines) {
  count++;
  if (!out.write(line)) await once(out, 'drain');
}
if (values.out) {
  out.end();
  await once(out, 'finish');
  console.error(`${values.out}: ${count} rows`);
}
db.close();
