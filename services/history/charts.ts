// Server-side SVG charts: the geometry of a monthly bar chart (one or two bar series, and an
// optional line series) for views/partials/chart-bars.ejs to draw. No JS, no library: a grouped
// bar chart with nice ticks is a hundred lines, and a library would bring its own markup that we
// would then have to make accessible and CSP-clean (no inline styles) anyway.

export type ChartCategory = { key: string; label: string; sublabel?: string; title: string };
export type ChartSeries = { key: string; name: string; kind: 'bar' | 'line'; values: (number | null)[] };

export type ChartInput = {
  id: string;
  title: string;
  description: string;
  /** Left to right (oldest first). */
  categories: ChartCategory[];
  series: ChartSeries[];
  formatValue: (value: number) => string;
  /** Tick labels (shorter than formatValue for round numbers if the caller wants). */
  formatTick?: (value: number) => string;
  yAxisLabel: string;
  xAxisLabel: string;
};

export type ChartBar = { x: number; y: number; width: number; height: number; period: string; value: number; series: string; index: number; title: string };
export type ChartPoint = { cx: number; cy: number; period: string; value: number; series: string; index: number; title: string };

export type ChartModel = {
  id: string;
  title: string;
  description: string;
  width: number;
  height: number;
  /** Fill the container up to this many months; wider charts get their own width and scroll. */
  fluid: boolean;
  plot: { left: number; top: number; right: number; bottom: number };
  ticks: { y: number; label: string }[];
  xLabels: { x: number; label: string; sublabel: string | null }[];
  bars: ChartBar[];
  lines: { series: string; index: number; paths: string[] }[];
  points: ChartPoint[];
  legend: { x: number; y: number; name: string; series: string; index: number; kind: 'bar' | 'line' }[];
  yAxisLabel: string;
  yAxisLabelY: number;
  xAxisLabel: string;
};

/** 1, 2, 2.5 or 5 × 10^n: the smallest such step giving at most `count` intervals up to `max`. */
export function niceStep(max: number, count = 4): number {
  if (max <= 0) return 1;
  const raw = max / count;
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 2.5, 5, 10]) {
    const step = factor * magnitude;
    if (step >= raw) return Math.max(1, step);
  }
  return Math.max(1, 10 * magnitude);
}

// The width of a phone of 320 px less the page's margins: there one unit is one pixel, so the 13-unit text is 13 px.
const baseWidth = 288;
const monthWidth = 30;
const height = 250;
const fluidMonths = 12;
const leftMargin = 8;
const rightMargin = 8;

type Plot = ChartModel['plot'];
/** Where a month and a value go: the plot's box, the width of one month, and the value's y. */
type Layout = { plot: Plot; slot: number; scaleY: (value: number) => number };

export function monthlyChart(input: ChartInput): ChartModel {
  const n = input.categories.length;
  const fluid = n <= fluidMonths;
  const width = fluid ? baseWidth : Math.max(baseWidth, leftMargin + rightMargin + n * monthWidth);
  const { legend, legendY } = legendOf(input.series, width);
  const yAxisLabelY = legendY + 22;
  const plot = { left: leftMargin, top: yAxisLabelY + 18, right: width - rightMargin, bottom: height - 54 };
  const { step, top } = valueAxis(input.series);
  const scaleY = (value: number) => plot.bottom - (Math.max(0, value) / top) * (plot.bottom - plot.top);
  const ticks = ticksOf(step, top, scaleY, input.formatTick ?? input.formatValue);
  const layout: Layout = { plot, slot: (plot.right - plot.left) / Math.max(1, n), scaleY };
  const xLabels = xLabelsOf(input.categories, layout);
  const bars = barsOf(input, layout);
  const { lines, points } = linesOf(input, layout);
  return {
    id: input.id,
    title: input.title,
    description: input.description,
    width,
    height,
    fluid,
    plot,
    ticks,
    xLabels,
    bars,
    lines,
    points,
    legend,
    yAxisLabel: input.yAxisLabel,
    yAxisLabelY,
    xAxisLabel: input.xAxisLabel,
  };
}

/** The legend sits above the plot, one entry per series, wrapping to a second row if needed. */
function legendOf(series: ChartSeries[], width: number): { legend: ChartModel['legend']; legendY: number } {
  const legend: ChartModel['legend'] = [];
  let legendX = leftMargin;
  let legendY = 14;
  series.forEach((entry, index) => {
    const entryWidth = 22 + entry.name.length * 8;
    if (legendX > leftMargin && legendX + entryWidth > width - rightMargin) {
      legendX = leftMargin;
      legendY += 18;
    }
    legend.push({ x: legendX, y: legendY, name: entry.name, series: entry.key, index, kind: entry.kind });
    legendX += entryWidth + 12;
  });
  return { legend, legendY };
}

/** The tick step and the top of the value axis: a whole number of steps at or above the largest value. */
function valueAxis(series: ChartSeries[]): { step: number; top: number } {
  const values = series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = Math.max(0, ...values);
  const step = niceStep(max);
  return { step, top: Math.max(step, Math.ceil(max / step) * step) };
}

function ticksOf(step: number, top: number, scaleY: Layout['scaleY'], formatTick: (value: number) => string): ChartModel['ticks'] {
  const ticks: ChartModel['ticks'] = [];
  for (let value = 0; value <= top + step / 2; value += step) ticks.push({ y: round(scaleY(value)), label: formatTick(value) });
  return ticks;
}

function centreOf({ plot, slot }: Layout, i: number): number {
  return plot.left + slot * (i + 0.5);
}

/** Labels every month when they fit (about 26 units for «янв» at 13), else every 2nd, 3rd… counted from the newest month. */
function xLabelsOf(categories: ChartCategory[], layout: Layout): ChartModel['xLabels'] {
  const n = categories.length;
  const every = Math.max(1, Math.ceil(28 / layout.slot));
  const xLabels: ChartModel['xLabels'] = [];
  categories.forEach((category, i) => {
    if ((n - 1 - i) % every === 0) xLabels.push({ x: round(centreOf(layout, i)), label: category.label, sublabel: category.sublabel ?? null });
  });
  return xLabels;
}

/** The bar series side by side in each month's group, month by month. */
function barsOf(input: ChartInput, layout: Layout): ChartBar[] {
  const barSeries = input.series.filter((s) => s.kind === 'bar');
  const groupWidth = layout.slot * 0.76;
  const barWidth = groupWidth / Math.max(1, barSeries.length);
  const bars: ChartBar[] = [];
  input.categories.forEach((category, i) => {
    const centre = centreOf(layout, i);
    barSeries.forEach((series, b) => {
      const value = series.values[i];
      if (value === null || value === undefined) return;
      const y = layout.scaleY(value);
      bars.push({
        x: round(centre - groupWidth / 2 + b * barWidth),
        y: round(y),
        width: round(Math.max(1, barWidth - 1)),
        height: round(layout.plot.bottom - y),
        period: category.key,
        value,
        series: series.key,
        index: input.series.indexOf(series),
        title: `${category.title}, ${series.name.toLowerCase()}: ${input.formatValue(value)}`,
      });
    });
  });
  return bars;
}

/** Each line series as paths broken where a month has no value, and a point per month that has one. */
function linesOf(input: ChartInput, layout: Layout): { lines: ChartModel['lines']; points: ChartPoint[] } {
  const lines: ChartModel['lines'] = [];
  const points: ChartPoint[] = [];
  for (const series of input.series.filter((s) => s.kind === 'line')) {
    const index = input.series.indexOf(series);
    const paths: string[] = [];
    let current: string[] = [];
    series.values.forEach((value, i) => {
      if (value === null || value === undefined) {
        if (current.length > 0) paths.push(current.join(' '));
        current = [];
        return;
      }
      const cx = round(centreOf(layout, i));
      const cy = round(layout.scaleY(value));
      current.push(`${current.length === 0 ? 'M' : 'L'}${cx} ${cy}`);
      const category = input.categories[i];
      points.push({ cx, cy, period: category.key, value, series: series.key, index, title: `${category.title}, ${series.name.toLowerCase()}: ${input.formatValue(value)}` });
    });
    if (current.length > 0) paths.push(current.join(' '));
    lines.push({ series: series.key, index, paths });
  }
  return { lines, points };
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
