// История [manual 4.3]: an account's readings, payments, charges and consumption by month, over a
// range the customer picks, with the charts' geometry and the CSV downloads. Each page's data is
// read inside one read transaction, so the months, totals and chart agree with each other.
import type { Db } from '../../db/connection.ts';
import type { GroupRead } from '../../db/group-read.ts';
import type { HistoryCharge, HistoryPayment, HistoryReading } from '../../db/history/history.ts';
import { bind } from '../platform/bind.ts';
import type { Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import type { Formatter } from '../platform/format.ts';
import { zoneNames } from '../billing/tariffs.ts';
import { csv } from './csv.ts';
import { monthStart, offsetFormat } from './local-time.ts';
import { charges, consumption, payments, readExtent, readings, view } from './pages.ts';
import { describeExtent, inExtent, parseRange } from './range.ts';

export { historyViews, historyViewTitles, type HistoryView } from './views.ts';
export { defaultRangeMonths, maxRangeMonths, parseMonth, periodsNewestFirst } from './range.ts';
export { csvMoney, toCsv } from './csv.ts';

export type Range = { from: string; to: string };
export type Extent = { first: string; last: string };
export type RangeResult =
  | { ok: true; range: Range; values: Range; notice: string | null }
  | { ok: false; errors: Record<string, string>; values: Range };

export type Submission = {
  seq: number;
  submittedAt: number;
  source: HistoryReading['source'];
  status: HistoryReading['status'];
  reason: string | null;
  early: boolean;
  rollover: boolean;
  values: { zone: number; value: number }[];
};
export type ReadingsMonth = { period: string; submissions: Submission[]; accepted: Submission | null; latest: Submission };

export type PaymentsMonth = { period: string; payments: HistoryPayment[]; paidKopecks: number };

export type ChargesMonth = {
  period: string;
  charge: HistoryCharge | null;
  zoneKwh: number[];
  lines: { zone: number; band: number; kwh: number; kopecks_per_kwh: number; amount_kopecks: number }[];
  recalculations: { at: number; amount_kopecks: number; note: string | null }[];
  recalculationKopecks: number;
  paidKopecks: number;
};

export type ConsumptionMonth = {
  period: string;
  basis: HistoryCharge['basis'] | null;
  zoneKwh: (number | null)[];
  kwh: number | null;
  previousYear: { period: string; kwh: number | null; zoneKwh: (number | null)[]; basis: HistoryCharge['basis'] | null };
};

type HistoryDeps = { db: Db; clock: Clock; company: Company; format: Formatter; reads: GroupRead };

/** The dependencies, the company's time zone and what the operations work out once. */
export type HistoryContext = HistoryDeps & {
  timeZone: string;
  /** Local date and time parts in the time zone, to find its offset from UTC. */
  offsetParts: Intl.DateTimeFormat;
  state: {
    /** Unix seconds of local midnight on each period's first day, by period. */
    monthStarts: Map<string, number>;
  };
};

export type History = ReturnType<typeof createHistory>;

export function createHistory(deps: HistoryDeps) {
  const timeZone = deps.company.timeZone;
  const context: HistoryContext = { ...deps, timeZone, offsetParts: offsetFormat(timeZone), state: { monthStarts: new Map() } };
  return {
    parseRange,
    describeExtent,
    inExtent,
    zoneNamesFor,
    ...bind(context, { extentOf: readExtent, monthStart, readings, payments, charges, consumption, view, csv }),
  };
}

function zoneNamesFor(zones: 1 | 2 | 3): string[] {
  return zoneNames[zones];
}
