// The four history views of an account over a range, each read inside one read transaction.
import type { HistoryContext, Range } from './history.ts';
import { extentOf } from './range.ts';
import type { HistoryView } from './views.ts';
import { chargesChart, consumptionChart } from './month-charts.ts';
import { chargesMonths, consumptionMonths, paymentsMonths, readingsMonths, zoneCount } from './months.ts';

// With the other requests' reads of this turn, in one deferred read transaction (db/group-read.ts).
export function readTransaction<T>({ reads }: HistoryContext, read: () => T): Promise<T> {
  return reads.run(read);
}

/** The months the account has history in (extentOf), read like the views. */
export function readExtent(context: HistoryContext, accountId: number) {
  return readTransaction(context, () => extentOf(context, accountId));
}

/** The readings view's months and zone count, read by the caller's transaction (the CSV's too). */
export function readingsOf(context: HistoryContext, accountId: number, range: Range) {
  const months = readingsMonths(context, accountId, range);
  return { months, zones: zoneCount(context, accountId, months.flatMap((m) => m.latest.values.map((v) => v.zone))) };
}

export function readings(context: HistoryContext, accountId: number, range: Range) {
  return readTransaction(context, () => readingsOf(context, accountId, range));
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
