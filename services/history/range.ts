// The months a page shows: the account's extent of history, and the range asked for, checked against it.
import { historyExtent } from '../../db/history/history.ts';
import { formatPeriod } from '../platform/format.ts';
import { addMonths, monthsBetween, periodOf } from '../billing/periods.ts';
import type { Extent, HistoryContext, Range, RangeResult } from './history.ts';
import { currentPeriod, periodAt } from './local-time.ts';

/** The longest range one page shows: ten years of months. */
export const maxRangeMonths = 120;
export const defaultRangeMonths = 12;

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

/** The first and last months the account has anything in; the last is at least the current month. */
export function extentOf(context: HistoryContext, accountId: number): Extent {
  const found = historyExtent(context.db, accountId);
  const now = currentPeriod(context);
  const firsts = [
    found.firstReadingPeriod,
    found.firstChargePeriod,
    found.firstPaymentAt === null ? null : periodAt(context, found.firstPaymentAt),
    found.firstLedgerAt === null ? null : periodAt(context, found.firstLedgerAt),
  ].filter((p): p is string => p !== null);
  const first = firsts.length === 0 ? now : firsts.reduce((a, b) => (b < a ? b : a));
  const last = found.lastReadingPeriod !== null && found.lastReadingPeriod > now ? found.lastReadingPeriod : now;
  return { first: first < last ? first : last, last };
}

export function describeExtent(extent: Extent): string {
  return extent.first === extent.last
    ? `История по этому счёту есть только за ${formatPeriod(extent.first)} (${extent.first}).`
    : `История по этому счёту есть за месяцы с ${extent.first} по ${extent.last} (${formatPeriod(extent.first)} — ${formatPeriod(extent.last)}).`;
}

/** Whether a period in a details URL lies in the account's history. */
export function inExtent(extent: Extent, period: string): boolean {
  return period >= extent.first && period <= extent.last;
}

/** The range asked for in the query, checked against the account's history. */
export function parseRange(query: Record<string, unknown>, extent: Extent): RangeResult {
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

function maxPeriod(a: string, b: string): string {
  return a > b ? a : b;
}

function minPeriod(a: string, b: string): string {
  return a < b ? a : b;
}
