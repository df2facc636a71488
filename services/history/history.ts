// История [manual 4.3]: an account's readings, payments, charges and consumption by month, over a
// range the customer picks, with the charts' geometry and the CSV downloads. Each page's data is
// read inside one read transaction, so the months, totals and chart agree with each other.
import type { Db } from '../../db/connection.ts';
import {
  historyExtent,
  listChargeLinesBetween,
  listChargesBetween,
  listLedgerMovesBetween,
  listPaymentsBetween,
  listReadingsBetween,
  meterZonesOf,
  type HistoryCharge,
  type HistoryPayment,
  type HistoryReading,
} from '../../db/history/history.ts';
import { monthlyChart, type ChartModel } from './charts.ts';
import type { Clock } from '../platform/clock.ts';
import type { Company } from '../platform/config.ts';
import { formatKwh, formatMoney, formatPeriod, type Formatter } from '../platform/format.ts';
import { addMonths, localDate, monthsBetween, periodOf } from '../billing/periods.ts';
import { zoneNames } from '../billing/tariffs.ts';
import { chargeBasisLabels, paymentChannelLabels, paymentStatusLabels, readingSourceLabels, readingStatusLabels } from '../platform/labels.ts';

export const historyViews = ['readings', 'payments', 'charges', 'consumption'] as const;
export type HistoryView = (typeof historyViews)[number];

export const historyViewTitles: Record<HistoryView, string> = {
  readings: 'История показаний',
  payments: 'История платежей',
  charges: 'Статистика расчётов',
  consumption: 'Статистика потребления',
};


/** Latin names for the CSV's ASCII file name fallback. */
const asciiViewNames: Record<HistoryView, string> = { readings: 'readings', payments: 'payments', charges: 'charges', consumption: 'consumption' };


/** The longest range one page shows: ten years of months. */
export const maxRangeMonths = 120;
export const defaultRangeMonths = 12;

export type Range = { from: string; to: string };
export type Extent = { first: string; last: string };
export type RangeValues = { from: string; to: string };
export type RangeResult =
  | { ok: true; range: Range; values: RangeValues; notice: string | null }
  | { ok: false; errors: Record<string, string>; values: RangeValues };

const shortMonths = ['янв', 'фев', 'мар', 'апр', 'май', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'];

/** 'YYYY-MM' from what people type: 2026-03, 2026-3, 03.2026, 3.2026, 03/2026; null otherwise. */
export function parseMonth(text: string): string | null {
  const value = text.trim();
  let year: number;
  let month: number;
  let match = /^(\d{4})-(\d{1,2})$/.exec(value);
  if (match) {
    year = Number(match[1]);
    month = Number(match[2]);
  } else if ((match = /^(\d{1,2})[./](\d{4})$/.exec(value))) {
    year = Number(match[2]);
    month = Number(match[1]);
  } else {
    return null;
  }
  if (month < 1 || month > 12 || year < 1900 || year > 2999) return null;
  return periodOf({ year, month });
}

/** Every period from `from` to `to`, newest first. */
export function periodsNewestFirst(range: Range): string[] {
  const count = monthsBetween(range.from, range.to) + 1;
  return Array.from({ length: count }, (_, i) => addMonths(range.to, -i));
}

/** 1234,56 (no spaces, comma decimal, minus sign for credits): what Excel in Russian reads as a number. */
export function csvMoney(kopecks: number): string {
  const sign = kopecks < 0 ? '-' : '';
  const abs = Math.abs(kopecks);
  return `${sign}${Math.floor(abs / 100)},${String(abs % 100).padStart(2, '0')}`;
}

function csvCell(value: string | number | null): string {
  let text = value === null ? '' : String(value);
  // A text cell starting with = + - @ would be a formula in Excel: quote it as text.
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text) && !/^-\d+(,\d+)?$/.test(text)) text = `'${text}`;
  return /[";\n\r]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function toCsv(rows: (string | number | null)[][]): string {
  return `\uFEFF${rows.map((row) => row.map(csvCell).join(';')).join('\r\n')}\r\n`;
}

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

export type History = ReturnType<typeof createHistory>;

export function createHistory(deps: { db: Db; clock: Clock; company: Company; format: Formatter }) {
  const { db, clock, company, format } = deps;
  const timeZone = company.timeZone;
  const monthStarts = new Map<string, number>();

  const periodAt = (seconds: number) => periodOf(localDate(seconds * 1000, timeZone));
  const currentPeriod = () => periodOf(localDate(clock.now(), timeZone));

  /** Unix seconds of local midnight on the period's first day. */
  function monthStart(period: string): number {
    let seconds = monthStarts.get(period);
    if (seconds === undefined) {
      const [year, month] = period.split('-').map(Number);
      const utc = Date.UTC(year, month - 1, 1) / 1000;
      // Local time runs ahead of UTC by the offset; two steps settle on the right side of a DST change.
      seconds = utc - offsetAt(utc - offsetAt(utc));
      monthStarts.set(period, seconds);
    }
    return seconds;
  }

  const offsetParts = new Intl.DateTimeFormat('en-US', {
    timeZone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  function offsetAt(seconds: number): number {
    const p = Object.fromEntries(offsetParts.formatToParts(new Date(seconds * 1000)).map((part) => [part.type, Number(part.value)]));
    return Date.UTC(p.year, p.month - 1, p.day, p.hour, p.minute, p.second) / 1000 - seconds;
  }

  // Deferred: a read-only snapshot never waits for a writer (db/connection.ts makes IMMEDIATE the default).
  const readTransaction = <T>(read: () => T): T => db.transaction(read).deferred();

  /** The first and last months the account has anything in; the last is at least the current month. */
  function extentOf(accountId: number): Extent {
    const found = historyExtent(db, accountId);
    const now = currentPeriod();
    const firsts = [
      found.firstReadingPeriod,
      found.firstChargePeriod,
      found.firstPaymentAt === null ? null : periodAt(found.firstPaymentAt),
      found.firstLedgerAt === null ? null : periodAt(found.firstLedgerAt),
    ].filter((p): p is string => p !== null);
    const first = firsts.length === 0 ? now : firsts.reduce((a, b) => (b < a ? b : a));
    const last = found.lastReadingPeriod !== null && found.lastReadingPeriod > now ? found.lastReadingPeriod : now;
    return { first: first < last ? first : last, last };
  }

  function describeExtent(extent: Extent): string {
    return extent.first === extent.last
      ? `История по этому счёту есть только за ${formatPeriod(extent.first)} (${extent.first}).`
      : `История по этому счёту есть за месяцы с ${extent.first} по ${extent.last} (${formatPeriod(extent.first)} — ${formatPeriod(extent.last)}).`;
  }

  /** The range asked for in the query, checked against the account's history. */
  function parseRange(query: Record<string, unknown>, extent: Extent): RangeResult {
    const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 20).trim() : '');
    const values = { from: text(query.from), to: text(query.to) };
    const errors: Record<string, string> = {};
    const monthHint = 'Введите месяц в виде ГГГГ-ММ, например 2026-03';
    const from = values.from === '' ? null : parseMonth(values.from);
    const to = values.to === '' ? null : parseMonth(values.to);
    if (values.from !== '' && from === null) errors.from = `Начало периода: ${monthHint.charAt(0).toLowerCase()}${monthHint.slice(1)}`;
    if (values.to !== '' && to === null) errors.to = `Конец периода: ${monthHint.charAt(0).toLowerCase()}${monthHint.slice(1)}`;
    if (Object.keys(errors).length > 0) return { ok: false, errors, values };

    const end = to ?? extent.last;
    const start = from ?? maxPeriod(extent.first, addMonths(end, 1 - defaultRangeMonths));
    if (start > end) {
      errors[to !== null ? 'to' : 'from'] = `Конец периода (${end}) раньше начала (${start}): выберите конец не раньше начала`;
      return { ok: false, errors, values };
    }
    if (monthsBetween(start, end) + 1 > maxRangeMonths) {
      errors.to = `Выберите период не длиннее 10 лет (${maxRangeMonths} месяцев); сейчас — ${monthsBetween(start, end) + 1} месяцев`;
      return { ok: false, errors, values };
    }
    if (end < extent.first) {
      errors.to = `За этот период истории нет. ${describeExtent(extent)}`;
      return { ok: false, errors, values };
    }
    if (start > extent.last) {
      errors.from = `За этот период истории нет. ${describeExtent(extent)}`;
      return { ok: false, errors, values };
    }
    const range = { from: maxPeriod(start, extent.first), to: minPeriod(end, extent.last) };
    const clipped = range.from !== start || range.to !== end;
    return {
      ok: true,
      range,
      values: { from: values.from === '' ? range.from : values.from, to: values.to === '' ? range.to : values.to },
      notice: clipped ? `${describeExtent(extent)} Показаны месяцы с ${range.from} по ${range.to}.` : null,
    };
  }

  function readingsMonths(accountId: number, range: Range): ReadingsMonth[] {
    const rows = listReadingsBetween(db, accountId, range.from, range.to);
    const months: ReadingsMonth[] = [];
    for (const row of rows) {
      let month = months[months.length - 1];
      if (!month || month.period !== row.period) {
        const submission = submissionOf(row);
        month = { period: row.period, submissions: [submission], accepted: null, latest: submission };
        months.push(month);
      }
      let submission = month.submissions[month.submissions.length - 1];
      if (submission.seq !== row.seq) {
        submission = submissionOf(row);
        month.submissions.push(submission);
      }
      submission.values.push({ zone: row.zone, value: row.value });
    }
    for (const month of months) month.accepted = month.submissions.find((s) => s.status === 'accepted') ?? null;
    return months;
  }

  function submissionOf(row: HistoryReading): Submission {
    return {
      seq: row.seq,
      submittedAt: row.submitted_at,
      source: row.source,
      status: row.status,
      reason: row.reason,
      early: row.early === 1,
      rollover: row.rollover === 1,
      values: [],
    };
  }

  function paymentsMonths(accountId: number, range: Range): PaymentsMonth[] {
    const rows = listPaymentsBetween(db, accountId, monthStart(range.from), monthStart(addMonths(range.to, 1)));
    const months: PaymentsMonth[] = [];
    for (const payment of rows) {
      const period = periodAt(payment.created_at);
      let month = months[months.length - 1];
      if (!month || month.period !== period) months.push((month = { period, payments: [], paidKopecks: 0 }));
      month.payments.push(payment);
      if (payment.status === 'paid') month.paidKopecks += payment.amount_kopecks;
    }
    return months;
  }

  function chargesMonths(accountId: number, range: Range): ChargesMonth[] {
    const charges = new Map(listChargesBetween(db, accountId, range.from, range.to).map((c) => [c.period, c]));
    const months = new Map<string, ChargesMonth>(
      periodsNewestFirst(range).map((period) => [
        period,
        { period, charge: charges.get(period) ?? null, zoneKwh: [], lines: [], recalculations: [], recalculationKopecks: 0, paidKopecks: 0 },
      ]),
    );
    for (const line of listChargeLinesBetween(db, accountId, range.from, range.to)) {
      const month = months.get(line.period)!;
      month.lines.push(line);
      month.zoneKwh[line.zone - 1] = (month.zoneKwh[line.zone - 1] ?? 0) + line.kwh;
    }
    const moves = listLedgerMovesBetween(db, accountId, monthStart(range.from), monthStart(addMonths(range.to, 1)), range.from, range.to);
    for (const move of moves) {
      if (move.kind === 'recalculation') {
        const month = move.period === null ? undefined : months.get(move.period);
        if (!month) continue;
        month.recalculations.push({ at: move.at, amount_kopecks: move.amount_kopecks, note: move.note });
        month.recalculationKopecks += move.amount_kopecks;
      } else {
        // Money that came (a payment, negative in the ledger) or went back (a reversal), by the month it moved.
        const month = months.get(periodAt(move.at));
        if (month) month.paidKopecks -= move.amount_kopecks;
      }
    }
    for (const month of months.values()) month.zoneKwh = Array.from(month.zoneKwh, (kwh) => kwh ?? 0);
    return [...months.values()];
  }

  function consumptionMonths(accountId: number, range: Range): ConsumptionMonth[] {
    const earlier = addMonths(range.from, -12);
    const charges = new Map(listChargesBetween(db, accountId, earlier, range.to).map((c) => [c.period, c]));
    const zones = new Map<string, number[]>();
    for (const line of listChargeLinesBetween(db, accountId, earlier, range.to)) {
      const list = zones.get(line.period) ?? [];
      list[line.zone - 1] = (list[line.zone - 1] ?? 0) + line.kwh;
      zones.set(line.period, list);
    }
    const of = (period: string) => {
      const charge = charges.get(period);
      const zoneKwh = charge ? Array.from(zones.get(period) ?? [charge.kwh], (kwh) => kwh ?? 0) : [];
      return { period, kwh: charge?.kwh ?? null, zoneKwh, basis: charge?.basis ?? null };
    };
    return periodsNewestFirst(range).map((period) => {
      const now = of(period);
      return { ...now, previousYear: of(addMonths(period, -12)) };
    });
  }

  /** The zones to show: the meter's, or more if older months used more (a replaced meter). */
  function zoneCount(accountId: number, usedZones: number[]): 1 | 2 | 3 {
    const used = Math.max(1, ...usedZones);
    const meter = meterZonesOf(db, accountId) ?? 1;
    return Math.min(3, Math.max(used, meter)) as 1 | 2 | 3;
  }

  function categoryOf(period: string, index: number) {
    const month = Number(period.slice(5));
    // The year under January, and under the first month unless January follows right after it (the two would collide).
    const yearShown = month === 1 || (index === 0 && month !== 12);
    return { key: period, label: shortMonths[month - 1], sublabel: yearShown ? period.slice(0, 4) : undefined, title: formatPeriod(period) };
  }

  function chargesChart(months: ChargesMonth[], range: Range): ChartModel {
    const oldestFirst = [...months].reverse();
    const charged = oldestFirst.reduce((sum, m) => sum + (m.charge?.amount_kopecks ?? 0), 0);
    const paid = oldestFirst.reduce((sum, m) => sum + m.paidKopecks, 0);
    return monthlyChart({
      id: 'charges-chart',
      title: 'Начислено и оплачено по месяцам',
      description:
        `Столбчатая диаграмма за ${formatPeriod(range.from)} — ${formatPeriod(range.to)}: по каждому месяцу два столбца, начислено и оплачено. ` +
        `Всего начислено ${formatMoney(charged)}, оплачено ${formatMoney(paid)}. Те же числа — в таблице ниже.`,
      categories: oldestFirst.map((m, i) => categoryOf(m.period, i)),
      series: [
        { key: 'charged', name: 'Начислено', kind: 'bar', values: oldestFirst.map((m) => m.charge?.amount_kopecks ?? null) },
        { key: 'paid', name: 'Оплачено', kind: 'bar', values: oldestFirst.map((m) => m.paidKopecks) },
      ],
      formatValue: formatMoney,
      yAxisLabel: 'Сумма, ₽',
      xAxisLabel: 'Месяц',
    });
  }

  function consumptionChart(months: ConsumptionMonth[], range: Range): ChartModel {
    const oldestFirst = [...months].reverse();
    const total = oldestFirst.reduce((sum, m) => sum + (m.kwh ?? 0), 0);
    const before = oldestFirst.reduce((sum, m) => sum + (m.previousYear.kwh ?? 0), 0);
    return monthlyChart({
      id: 'consumption-chart',
      title: 'Потребление по месяцам, кВт·ч',
      description:
        `Диаграмма за ${formatPeriod(range.from)} — ${formatPeriod(range.to)}: столбцы — расход за месяц, линия с точками — расход в тот же месяц годом раньше. ` +
        `Всего за период ${formatKwh(total)}, годом раньше ${formatKwh(before)}. Те же числа — в таблице ниже.`,
      categories: oldestFirst.map((m, i) => categoryOf(m.period, i)),
      series: [
        { key: 'kwh', name: 'Расход', kind: 'bar', values: oldestFirst.map((m) => m.kwh) },
        { key: 'previous', name: 'Годом раньше', kind: 'line', values: oldestFirst.map((m) => m.previousYear.kwh) },
      ],
      formatValue: formatKwh,
      formatTick: (value) => format.integer(value),
      yAxisLabel: 'Расход, кВт·ч',
      xAxisLabel: 'Месяц',
    });
  }

  const service = {
    extentOf,
    parseRange,
    describeExtent,
    monthStart,

    /** Whether a period in a details URL lies in the account's history. */
    inExtent(extent: Extent, period: string): boolean {
      return period >= extent.first && period <= extent.last;
    },

    readings(accountId: number, range: Range) {
      return readTransaction(() => {
        const months = readingsMonths(accountId, range);
        return { months, zones: zoneCount(accountId, months.flatMap((m) => m.latest.values.map((v) => v.zone))) };
      });
    },

    payments(accountId: number, range: Range) {
      return readTransaction(() => ({ months: paymentsMonths(accountId, range) }));
    },

    charges(accountId: number, range: Range) {
      return readTransaction(() => {
        const months = chargesMonths(accountId, range);
        return { months, zones: zoneCount(accountId, months.map((m) => m.zoneKwh.length)), chart: chargesChart(months, range) };
      });
    },

    consumption(accountId: number, range: Range) {
      return readTransaction(() => {
        const months = consumptionMonths(accountId, range);
        return { months, zones: zoneCount(accountId, months.map((m) => m.zoneKwh.length)), chart: consumptionChart(months, range) };
      });
    },

    zoneNamesFor(zones: 1 | 2 | 3): string[] {
      return zoneNames[zones];
    },

    /** The view as a CSV file: its name and the text (UTF-8 with BOM, ';'-separated). */
    csv(view: HistoryView, accountId: number, range: Range): { asciiName: string; utf8Name: string; body: string } {
      const rows = readTransaction(() => csvRows(view, accountId, range));
      const suffix = range.from === range.to ? range.from : `${range.from}_${range.to}`;
      return {
        asciiName: `svet-${asciiViewNames[view]}-${suffix}.csv`,
        utf8Name: `${historyViewTitles[view]} ${suffix}.csv`,
        body: toCsv(rows),
      };
    },
  };

  function csvRows(view: HistoryView, accountId: number, range: Range): (string | number | null)[][] {
    if (view === 'readings') {
      const { months, zones } = service.readings(accountId, range);
      const names = zoneNames[zones];
      const rows: (string | number | null)[][] = [['Месяц', 'Дата передачи', 'Зона', 'Показания', 'Источник', 'Статус', 'Причина']];
      for (const month of months) {
        for (const s of month.submissions) {
          for (const v of s.values) {
            rows.push([month.period, format.dateTime(s.submittedAt), names[v.zone - 1] ?? `Зона ${v.zone}`, v.value, readingSourceLabels[s.source], readingStatusLabels[s.status], s.reason]);
          }
        }
      }
      return rows;
    }
    if (view === 'payments') {
      const rows: (string | number | null)[][] = [['Месяц', 'Дата', 'Сумма, руб.', 'Способ оплаты', 'Статус', 'Номер заказа']];
      for (const month of paymentsMonths(accountId, range)) {
        for (const p of month.payments) {
          rows.push([month.period, format.dateTime(p.created_at), csvMoney(p.amount_kopecks), paymentChannelLabels[p.channel] ?? p.channel, paymentStatusLabels[p.status] ?? p.status, p.order_number]);
        }
      }
      return rows;
    }
    if (view === 'charges') {
      const months = chargesMonths(accountId, range);
      const names = zoneNames[zoneCount(accountId, months.map((m) => m.zoneKwh.length))];
      const rows: (string | number | null)[][] = [
        ['Месяц', ...names.map((n) => `${n}, кВт·ч`), 'Всего, кВт·ч', 'Основание', 'Начислено, руб.', 'Перерасчёт, руб.', 'Оплачено, руб.'],
      ];
      for (const m of months) {
        rows.push([
          m.period,
          ...names.map((_, i) => (m.charge ? (m.zoneKwh[i] ?? 0) : null)),
          m.charge?.kwh ?? null,
          m.charge ? chargeBasisLabels[m.charge.basis] : null,
          m.charge ? csvMoney(m.charge.amount_kopecks) : null,
          m.recalculations.length > 0 ? csvMoney(m.recalculationKopecks) : null,
          csvMoney(m.paidKopecks),
        ]);
      }
      return rows;
    }
    const months = consumptionMonths(accountId, range);
    const names = zoneNames[zoneCount(accountId, months.map((m) => m.zoneKwh.length))];
    const rows: (string | number | null)[][] = [['Месяц', ...names.map((n) => `${n}, кВт·ч`), 'Всего, кВт·ч', 'Основание', 'Годом раньше, кВт·ч']];
    for (const m of months) {
      rows.push([m.period, ...names.map((_, i) => (m.kwh === null ? null : (m.zoneKwh[i] ?? 0))), m.kwh, m.basis ? chargeBasisLabels[m.basis] : null, m.previousYear.kwh]);
    }
    return rows;
  }

  return service;
}

function maxPeriod(a: string, b: string): string {
  return a > b ? a : b;
}

function minPeriod(a: string, b: string): string {
  return a < b ? a : b;
}
