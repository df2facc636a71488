// Sends the reading reminder the day calls for (the server's timer does the same every hour):
//   npm run send-reminders -- --period 2026-11 [--date 2026-11-23] [--chunk 100]
// On the window's first days the "window is open" letter, from two days before its end the
// "still nothing came" one; once per account, period and kind however often it runs (a log table
// and the outbox's dedupe key). --period must be the period whose window is open that day;
// --date acts as on that day (company time), e.g. to catch up a missed day. Commits chunk by chunk.
import { parseArgs } from 'node:util';
import { openDatabase } from '../db/connection.ts';
import { isPeriod, type LocalDate } from '../services/billing/periods.ts';
import { systemClock } from '../services/platform/clock.ts';
import { loadConfig } from '../services/platform/config.ts';
import { createServices } from '../services/index.ts';

const { values } = parseArgs({ options: { period: { type: 'string' }, date: { type: 'string' }, chunk: { type: 'string', default: '100' } } });
const chunk = Number(values.chunk);
const date = values.date === undefined ? undefined : /^(\d{4}-(?:0[1-9]|1[0-2]))-(0[1-9]|[12]\d|3[01])$/.exec(values.date);
if (!values.period || !isPeriod(values.period) || date === null || !Number.isInteger(chunk) || chunk < 1) {
  console.error('Usage: npm run send-reminders -- --period YYYY-MM [--date YYYY-MM-DD] [--chunk 100]');
  process.exit(2);
}
const today: LocalDate | undefined = date ? { year: Number(date[1].slice(0, 4)), month: Number(date[1].slice(5)), day: Number(date[2]) } : undefined;
const config = loadConfig();
const db = openDatabase(config.databasePath);
const services = createServices(config, db, systemClock);
try {
  const report = await services.notices.sendReadingReminders({ period: values.period, today, chunk, log: (line) => console.error(line) });
  if (report.kind === null) console.error(`Приём показаний за ${values.period} в этот день не идёт: писем нет.`);
  // One call: a send already running looks again for these letters before it ends.
  await services.mail.flush();
  console.log(JSON.stringify(report));
} finally {
  await services.pdf.close();
  await services.mail.close();
  db.close();
}
