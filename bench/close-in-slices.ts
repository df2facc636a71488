// The monthly close as `close-period` runs it, but in small slices with a pause between them:
// the experiment behind the README's advice for jobs that write beside the server.
// tsx bench/close-in-slices.ts --period 2026-12 --slice 100 --pause-ms 20
import { parseArgs } from 'node:util';
import { listAccountIdsAfter } from '../db/billing/monthly-close.ts';
import { openDatabase } from '../db/connection.ts';
import { systemClock } from '../services/platform/clock.ts';
import { loadConfig } from '../services/platform/config.ts';
import { createServices } from '../services/index.ts';

const { values } = parseArgs({ options: { period: { type: 'string' }, slice: { type: 'string', default: '100' }, 'pause-ms': { type: 'string', default: '20' } } });
const slice = Number(values.slice);
const pauseMs = Number(values['pause-ms']);
const config = loadConfig();
const db = openDatabase(config.databasePath);
const services = createServices(config, db, systemClock);
const started = Date.now();
let charged = 0;
let after = 0;
let longestMs = 0;
for (;;) {
  const ids = listAccountIdsAfter(db, after, slice);
  if (ids.length === 0) break;
  const t = Date.now();
  charged += services.monthlyClose.close(values.period!, { accountIds: ids, chunk: slice }).charged;
  longestMs = Math.max(longestMs, Date.now() - t);
  after = ids[ids.length - 1];
  // The server's writes wait in a busy loop that blocks its event loop: give it the lock.
  await new Promise((resolve) => setTimeout(resolve, pauseMs));
}
db.close();
console.log(JSON.stringify({ period: values.period, charged, slice, pauseMs, longestSliceMs: longestMs, seconds: (Date.now() - started) / 1000 }));
