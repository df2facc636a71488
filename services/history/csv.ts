// The history views as CSV downloads: UTF-8 with BOM, ';'-separated, numbers the way Excel in Russian reads them.
import { zoneNames } from '../billing/tariffs.ts';
import { chargeBasisLabels, paymentChannelLabels, paymentStatusLabels, readingSourceLabels, readingStatusLabels } from '../platform/labels.ts';
import type { HistoryContext, Range } from './history.ts';
import { chargesMonths, consumptionMonths, paymentsMonths, zoneCount } from './months.ts';
import { readingsOf, readTransaction } from './pages.ts';
import { historyViewTitles, type HistoryView } from './views.ts';

type CsvRow = (string | number | null)[];

/** Latin names for the CSV's ASCII file name fallback. */
const asciiViewNames: Record<HistoryView, string> = { readings: 'readings', payments: 'payments', charges: 'charges', consumption: 'consumption' };

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

/** The view as a CSV file: its name and the text (UTF-8 with BOM, ';'-separated). */
export async function csv(context: HistoryContext, view: HistoryView, accountId: number, range: Range): Promise<{ asciiName: string; utf8Name: string; body: string }> {
  const rows = await readTransaction(context, () => csvRows(context, view, accountId, range));
  const suffix = range.from === range.to ? range.from : `${range.from}_${range.to}`;
  return {
    asciiName: `svet-${asciiViewNames[view]}-${suffix}.csv`,
    utf8Name: `${historyViewTitles[view]} ${suffix}.csv`,
    body: toCsv(rows),
  };
}

function csvRows(context: HistoryContext, view: HistoryView, accountId: number, range: Range): CsvRow[] {
  if (view === 'readings') return readingsRows(context, accountId, range);
  if (view === 'payments') return paymentsRows(context, accountId, range);
  if (view === 'charges') return chargesRows(context, accountId, range);
  return consumptionRows(context, accountId, range);
}

function readingsRows(context: HistoryContext, accountId: number, range: Range): CsvRow[] {
  const { months, zones } = readingsOf(context, accountId, range);
  const names = zoneNames[zones];
  const rows: CsvRow[] = [['Месяц', 'Дата передачи', 'Зона', 'Показания', 'Источник', 'Статус', 'Причина']];
  for (const month of months) {
    for (const s of month.submissions) {
      for (const v of s.values) {
        rows.push([month.period, context.format.dateTime(s.submittedAt), names[v.zone - 1] ?? `Зона ${v.zone}`, v.value, readingSourceLabels[s.source], readingStatusLabels[s.status], s.reason]);
      }
    }
  }
  return rows;
}

function paymentsRows(context: HistoryContext, accountId: number, range: Range): CsvRow[] {
  const rows: CsvRow[] = [['Месяц', 'Дата', 'Сумма, руб.', 'Способ оплаты', 'Статус', 'Номер заказа']];
  for (const month of paymentsMonths(context, accountId, range)) {
    for (const p of month.payments) {
      rows.push([month.period, context.format.dateTime(p.created_at), csvMoney(p.amount_kopecks), paymentChannelLabels[p.channel] ?? p.channel, paymentStatusLabels[p.status] ?? p.status, p.order_number]);
    }
  }
  return rows;
}

function chargesRows(context: HistoryContext, accountId: number, range: Range): CsvRow[] {
  const months = chargesMonths(context, accountId, range);
  const names = zoneNames[zoneCount(context, accountId, months.map((m) => m.zoneKwh.length))];
  const rows: CsvRow[] = [
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

function consumptionRows(context: HistoryContext, accountId: number, range: Range): CsvRow[] {
  const months = consumptionMonths(context, accountId, range);
  const names = zoneNames[zoneCount(context, accountId, months.map((m) => m.zoneKwh.length))];
  const rows: CsvRow[] = [['Месяц', ...names.map((n) => `${n}, кВт·ч`), 'Всего, кВт·ч', 'Основание', 'Годом раньше, кВт·ч']];
  for (const m of months) {
    rows.push([m.period, ...names.map((_, i) => (m.kwh === null ? null : (m.zoneKwh[i] ?? 0))), m.kwh, m.basis ? chargeBasisLabels[m.basis] : null, m.previousYear.kwh]);
  }
  return rows;
}
