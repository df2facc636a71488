// The four history views of an account over a range, each read inside one read transaction.
import type { HistoryContext, Range } from './history.ts';
import type { HistoryView } from './views.ts';
import { chargesChart, consumptionChart } from './month-charts.ts';
import { chargesMonths, consumptionMonths, paymentsMonths, readingsMonths, zoneCount } from './months.ts';

// Deferred: a read-only snapshot never waits for a writer (db/connection.ts makes IMMEDIATE the default).
export function readTransaction<T>({ db }: HistoryContext, read: () => T): T {
  return db.transaction(read).deferred();
}

export function readings(context: HistoryContext, accountId: number, range: Range) {
  return readTransaction(context, () => {
    const months = readingsMonths(context, accountId, range);
    return { months, zones: zoneCount(context, accountId, months.flatMap((m) => m.latest.values.map((v) => v.zone))) };
  });
}

export function payments(context: HistoryContext, accountId: number, range: Range) {
  return readTransaction(context, () => ({ months: paymentsMonths(context, accountId, range) }));
}

export function charges(context: HistoryContext, accountId: number, range: Range) {
  return readTransaction(context, () => {
    const months = chargesMonths(context, accountId, range);
    return { months, zones: zoneCount(context, accountId, months.map((m) => m.zoneKwh.length)), chart: chargesChart(months, range) };
  });
}

export function consumption(context: HistoryContext, accountId: number, range: Range) {
  return readTransaction(context, () => {
    const months = consumptionMonths(context, accountId, range);
    return { months, zones: zoneCount(context, accountId, months.map((m) => m.zoneKwh.length)), chart: consumptionChart(context, months, range) };
  });
}

/** One view's months by its name (the pages and the API pick the view from the URL). */
export function view(context: HistoryContext, name: HistoryView, accountId: number, range: Range) {
  if (name === 'readings') return readings(context, accountId, range);
  if (name === 'payments') return payments(context, accountId, range);
  if (name === 'charges') return charges(context, accountId, range);
  return consumption(context, accountId, range);
}
