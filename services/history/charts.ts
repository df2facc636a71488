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

const baseWidth = 360;
const monthWidth = 30;
const height = 250;
const fluidMonths = 12;

export function monthlyChart(input: ChartInput): ChartModel {
  const n = input.categories.length;
  const left = 8;
  const right = 8;
  const width = Math.max(baseWidth, left + right + n * monthWidth);
  // The legend sits above the plot, one entry per series, wrapping to a second row if needed.
  const legend: ChartModel['legend'] = [];
  let legendX = left;
  let legendY = 14;
  input.series.forEach((series, index) => {
    const entryWidth = 22 + series.name.length * 7;
    if (legendX > left && legendX + entryWidth > width - right) {
      legendX = left;
      legendY += 18;
    }
    legend.push({ x: legendX, y: legendY, name: series.name, series: series.key, index, kind: series.kind });
    legendX += entryWidth + 12;
  });
  const yAxisLabelY = legendY + 22;
  const plot = { left, top: yAxisLabelY + 18, right: width - right, bottom: height - 54 };
  const values = input.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  const max = Math.max(0, ...values);
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const scaleY = (value: number) => plot.bottom - (Math.max(0, value) / top) * (plot.bottom - plot.top);
  const formatTick = input.formatTick ?? input.formatValue;
  const ticks = [];
  for (let value = 0; value <= top + step / 2; value += step) ticks.push({ y: round(scaleY(value)), label: formatTick(value) });

  const slot = (plot.right - plot.left) / Math.max(1, n);
  const barSeries = input.series.filter((s) => s.kind === 'bar');
  const groupWidth = slot * 0.76;
  const barWidth = groupWidth / Math.max(1, barSeries.length);
  // Labels every month when they fit (about 24 units for «янв»), else every 2nd, 3rd… counted from the newest month.
  const every = Math.max(1, Math.ceil(26 / slot));
  const xLabels: ChartModel['xLabels'] = [];
  const bars: ChartBar[] = [];
  const points: ChartPoint[] = [];
  input.categories.forEach((category, i) => {
    const centre = plot.left + slot * (i + 0.5);
    if ((n - 1 - i) % every === 0) xLabels.push({ x: round(centre), label: category.label, sublabel: category.sublabel ?? null });
    barSeries.forEach((series, b) => {
      const value = series.values[i];
      if (value === null || value === undefined) return;
      const y = scaleY(value);
      bars.push({
        x: round(centre - groupWidth / 2 + b * barWidth),
        y: round(y),
        width: round(Math.max(1, barWidth - 1)),
        height: round(plot.bottom - y),
        period: category.key,
        value,
        series: series.key,
        index: input.series.indexOf(series),
        title: `${category.title}, ${series.name.toLowerCase()}: ${input.formatValue(value)}`,
      });
    });
  });
  const lines: ChartModel['lines'] = [];
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
      const cx = round(plot.left + slot * (i + 0.5));
      const cy = round(scaleY(value));
      current.push(`${current.length === 0 ? 'M' : 'L'}${cx} ${cy}`);
      const category = input.categories[i];
      points.push({ cx, cy, period: category.key, value, series: series.key, index, title: `${category.title}, ${series.name.toLowerCase()}: ${input.formatValue(value)}` });
    });
    if (current.length > 0) paths.push(current.join(' '));
    lines.push({ series: series.key, index, paths });
  }
  return {
    id: input.id,
    title: input.title,
    description: input.description,
    width,
    height,
    fluid: n <= fluidMonths,
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

function round(value: number): number {
  return Math.round(value * 10) / 10;
}
