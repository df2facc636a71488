// The charts of the charges and consumption views: their series and texts for monthlyChart().
import { formatKwh, formatMoney, formatPeriod } from '../platform/format.ts';
import { monthlyChart, type ChartCategory, type ChartModel } from './charts.ts';
import type { ChargesMonth, ConsumptionMonth, HistoryContext, Range } from './history.ts';

const shortMonths = ['янв', 'фев', 'мар', 'апр', 'май', 'июн', 'июл', 'авг', 'сен', 'окт', 'ноя', 'дек'];

function categoryOf(period: string, index: number): ChartCategory {
  const month = Number(period.slice(5));
  // The year under January, and under the first month unless January follows right after it (the two would collide).
  const yearShown = month === 1 || (index === 0 && month !== 12);
  return { key: period, label: shortMonths[month - 1], sublabel: yearShown ? period.slice(0, 4) : undefined, title: formatPeriod(period) };
}

export function chargesChart(months: ChargesMonth[], range: Range): ChartModel {
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

export function consumptionChart({ format }: HistoryContext, months: ConsumptionMonth[], range: Range): ChartModel {
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
