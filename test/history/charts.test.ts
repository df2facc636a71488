// The SVG chart geometry (services/charts.ts) and its drawing (views/partials/chart-bars.ejs).
import * as cheerio from 'cheerio';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { monthlyChart, niceStep, type ChartInput } from '../../services/history/charts.ts';
import { formatMoney } from '../../services/platform/format.ts';
import { renderTemplate, viewsDir } from '../../services/platform/templates.ts';


const input = (values: (number | null)[], line: (number | null)[] = []): ChartInput => ({
  id: 'c',
  title: 'Начислено и оплачено',
  description: 'Описание',
  categories: values.map((_, i) => ({ key: `2026-${String(i + 1).padStart(2, '0')}`, label: `м${i + 1}`, title: `месяц ${i + 1}` })),
  series: [
    { key: 'a', name: 'Начислено', kind: 'bar', values },
    { key: 'b', name: 'Оплачено', kind: 'bar', values: values.map((v) => (v === null ? null : Math.round(v / 2))) },
    ...(line.length ? [{ key: 'l', name: 'Годом раньше', kind: 'line' as const, values: line }] : []),
  ],
  formatValue: formatMoney,
  yAxisLabel: 'Сумма, ₽',
  xAxisLabel: 'Месяц',
});

test('nice steps: 1, 2, 2.5, 5 × 10^n, at most four intervals', () => {
  assert.is(niceStep(0), 1);
  assert.is(niceStep(4), 1);
  assert.is(niceStep(7), 2);
  assert.is(niceStep(100), 25);
  assert.is(niceStep(123_456), 50_000);
  assert.is(niceStep(1_000_000), 250_000);
});

test('bars: height in proportion to the value, on the baseline, inside the plot, in month order', () => {
  const chart = monthlyChart(input([100_000, 50_000, null, 0]));
  const a = chart.bars.filter((b) => b.series === 'a');
  assert.equal(a.map((b) => b.period), ['2026-01', '2026-02', '2026-04'], 'no bar for a missing value');
  assert.ok(Math.abs(a[0].height - 2 * a[1].height) < 0.5);
  assert.is(a[2].height, 0);
  for (const bar of chart.bars) {
    assert.ok(Math.abs(bar.y + bar.height - chart.plot.bottom) < 0.2);
    assert.ok(bar.x >= chart.plot.left && bar.x + bar.width <= chart.plot.right + 0.1);
  }
  assert.ok(chart.bars.find((b) => b.series === 'a')!.x < chart.bars.find((b) => b.series === 'b')!.x, 'the two series side by side');
  assert.is(chart.ticks[0].label, formatMoney(0));
  assert.ok(chart.ticks.length >= 3 && chart.ticks.length <= 6);
  assert.ok(chart.fluid && chart.width === 288, 'a phone-wide drawing: one unit a pixel at 320 px');
});

test('a line series breaks where a value is missing; long ranges widen and thin their labels', () => {
  const chart = monthlyChart(input([1, 2, 3, 4], [1, null, 3, 4]));
  assert.is(chart.lines[0].paths.length, 2);
  assert.is(chart.points.length, 3);
  const long = monthlyChart(input(Array.from({ length: 120 }, (_, i) => i)));
  assert.ok(!long.fluid && long.width > 360);
  assert.ok(long.xLabels.length === 120, 'wide enough for a label a month');
});

test('the partial draws an accessible SVG with data attributes', async () => {
  const chart = monthlyChart(input([100_000, 50_000], [90_000, 80_000]));
  const html = renderTemplate(`${viewsDir}partials/chart-bars.ejs`, { chart });
  const $ = cheerio.load(html);
  const svg = $('svg#c');
  assert.is(svg.attr('role'), 'img');
  assert.is(svg.attr('aria-labelledby'), 'c-title c-desc');
  assert.is(svg.attr('width'), '100%');
  assert.ok(svg.attr('viewBox')!.startsWith('0 0 288 '));
  assert.is(svg.attr('font-size'), '13');
  assert.is($('#c-title').text(), 'Начислено и оплачено');
  assert.equal($('rect[data-period]').map((_, r) => `${$(r).attr('data-series')}:${$(r).attr('data-period')}=${$(r).attr('data-value')}`).get(), [
    'a:2026-01=100000', 'b:2026-01=50000', 'a:2026-02=50000', 'b:2026-02=25000',
  ]);
  assert.equal($('circle[data-period]').map((_, c) => $(c).attr('data-value')).get(), ['90000', '80000']);
  assert.ok(html.includes(`1${'\u00a0'}000,00${'\u00a0'}₽`), 'money ticks as 1 000,00 ₽');
  assert.not.ok(/style=/.test(html), 'no inline styles (CSP)');
});

test.run();
