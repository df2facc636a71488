// Loads billing CSV files: npm run import-billing -- accounts accounts.csv [meters meters.csv ...]
// Each file is one transaction: a file with any rejected line writes nothing (the report says why).
// Runs beside the server: SQLite's busy_timeout makes the server's writes wait for a file's commit.
import { readFileSync } from 'node:fs';
import { openDatabase } from '../db/connection.ts';
import { createBillingExchange, importColumns, type ImportKind } from '../services/billing/exchange.ts';
import { systemClock } from '../services/platform/clock.ts';
import { loadConfig } from '../services/platform/config.ts';

const args = process.argv.slice(2);
const kinds = Object.keys(importColumns);
if (args.length === 0 || args.length % 2 !== 0 || args.some((a, i) => i % 2 === 0 && !kinds.includes(a))) {
  console.error(`Usage: npm run import-billing -- <kind> <file.csv> [<kind> <file.csv> ...]\n  kinds, in load order: ${kinds.join(', ')}`);
  process.exit(2);
}
const config = loadConfig();
const db = openDatabase(config.databasePath);
const exchange = createBillingExchange({ db, clock: systemClock });
let failed = false;
for (let i = 0; i < args.length; i += 2) {
  const kind = args[i] as ImportKind;
  const file = args[i + 1];
  const report = exchange.importFile(kind, readFileSync(file));
  const rate = report.ms > 0 ? Math.round((report.lines / report.ms) * 1000) : report.lines;
  if (report.imported) {
    console.log(`${file}: ${kind}, ${report.encoding}: ${report.lines} lines — ${report.inserted} new, ${report.updated} updated, ${report.unchanged} unchanged; ${report.ms} ms (${rate} lines/s)`);
  } else {
    failed = true;
    console.log(`${file}: ${kind}: NOT IMPORTED, nothing written.${report.error ? ` ${report.error}` : ''}`);
    for (const r of report.rejected) console.log(`  line ${r.line}: ${r.reason}`);
  }
}
db.close();
process.exit(failed ? 1 : 0);
