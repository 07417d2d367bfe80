import uPlot from './vendor/uPlot.esm.js';

/** Distinct hues that keep 3:1 contrast against both the light and the dark background. */
const PALETTE = ['#2f7ed8', '#e4572e', '#17a398', '#c2185b', '#8e6c00', '#7b61ff', '#d9480f', '#2b8a3e', '#9c36b5', '#1971c2', '#e67700', '#0c8599', '#a61e4d', '#5c940d', '#6741d9', '#c92a2a'];
export const INCOME_COLOR = '#2b8a3e';
export const SPEND_COLOR = '#d9480f';

// Display only: the chart needs numbers; every figure shown as text comes from the API's strings.
const toNumber = (amount) => Number(amount);

function themeColors() {
  const style = getComputedStyle(document.documentElement);
  return { fg: style.getPropertyValue('--fg').trim() || '#000', grid: style.getPropertyValue('--border').trim() || '#ccc' };
}

/** Room for one month label ("2026-10" in uPlot's 12px axis font is about 50 px) and a gap. */
const MONTH_LABEL_SPACE = 64;

/** Month labels, thinned to every 2nd, 3rd, 6th… month when the chart is too narrow for all; `shown` hears which are drawn. */
function monthAxis(months, colors, shown) {
  return {
    stroke: colors.fg,
    grid: { show: false },
    ticks: { stroke: colors.grid },
    // uPlot picks the smallest step that gives each label MONTH_LABEL_SPACE pixels.
    space: MONTH_LABEL_SPACE,
    incrs: [1, 2, 3, 4, 6, 12, 24, 60, 120],
    splits: (_u, _axis, _min, _max, step) => months.map((_, i) => i).filter((i) => i % step === 0),
    values: (_u, splits) => {
      const labels = splits.map((i) => months[i] ?? '');
      shown(labels);
      return labels;
    },
  };
}

const measuring = document.createElement('canvas').getContext('2d');

/**
 * An axis as wide as its widest label in the axis font, with its tick and gap beside it: a fixed
 * width cut the labels from a million up at the chart's left edge ("12,500,000" read ",500,000").
 */
function widthForLabels(u, labels, axisIndex) {
  const axis = u.axes[axisIndex];
  // uPlot keeps the axis font scaled to the device's pixels.
  measuring.font = axis.font[0];
  const widest = Math.max(0, ...(labels ?? []).map((label) => measuring.measureText(label).width / uPlot.pxRatio));
  return Math.ceil(widest) + axis.ticks.size + axis.gap;
}

/** Money labels as uPlot writes them ("12,500,000"); `shown` hears which are drawn. */
function moneyAxis(colors, shown) {
  return {
    stroke: colors.fg,
    grid: { stroke: colors.grid, width: 1 },
    ticks: { stroke: colors.grid },
    size: widthForLabels,
    values: (_u, splits) => {
      const labels = splits.map((value) => uPlot.fmtNum(value));
      shown(labels);
      return labels;
    },
  };
}

function mount(container, options, data) {
  const width = () => Math.max(container.clientWidth, 280);
  const plot = new uPlot({ ...options, width: width(), height: 260 }, data, container);
  const observer = new ResizeObserver(() => plot.setSize({ width: width(), height: 260 }));
  observer.observe(container);
  return () => {
    observer.disconnect();
    plot.destroy();
  };
}

/** A bar chart with one slot a month on the x axis and money on the y axis. */
function mountMonthly(container, months, series, values) {
  const colors = themeColors();
  return mount(
    container,
    {
      scales: { x: { time: false, range: () => [-0.5, months.length - 0.5] }, y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] } },
      // The labels drawn are written on the chart (data-month-labels, data-money-labels): the canvas alone does not say.
      axes: [monthAxis(months, colors, (labels) => (container.dataset.monthLabels = labels.join(' '))), moneyAxis(colors, (labels) => (container.dataset.moneyLabels = labels.join(' ')))],
      legend: { live: false },
      cursor: { points: { show: false } },
      series: [{ label: 'Month' }, ...series],
    },
    [months.map((_, i) => i), ...values],
  );
}

/**
 * Monthly spend stacked by category. uPlot draws bars from zero, so each category is drawn as the
 * running total up to it, largest total first. The legend names the categories only (it is not live):
 * the amounts a person reads are the API's strings, in the table below each chart.
 */
export function stackedSpendChart(container, report) {
  const months = report.months.map((m) => m.month);
  const totals = new Map();
  for (const month of report.months) {
    for (const c of month.categories) totals.set(c.category, (totals.get(c.category) ?? 0) + toNumber(c.total_spend));
  }
  const categories = [...totals.keys()].sort((a, b) => totals.get(b) - totals.get(a) || (a < b ? -1 : 1));
  const own = categories.map((category) => report.months.map((m) => toNumber(m.categories.find((c) => c.category === category)?.total_spend ?? 0)));
  const running = own.map((_, k) => months.map((_m, i) => own.slice(0, k + 1).reduce((sum, values) => sum + values[i], 0)));
  const bars = uPlot.paths.bars({ size: [0.6, 80] });
  const order = categories.map((_, k) => k).reverse();
  const series = order.map((k) => ({
    label: categories[k],
    stroke: PALETTE[k % PALETTE.length],
    fill: PALETTE[k % PALETTE.length],
    paths: bars,
    points: { show: false },
  }));
  return mountMonthly(container, months, series, order.map((k) => running[k]));
}

/** Income and spend side by side, month by month. */
export function incomeSpendChart(container, report) {
  const months = report.months.map((m) => m.month);
  const bar = (label, color, align) => ({ label, stroke: color, fill: color, paths: uPlot.paths.bars({ size: [0.35, 40], align }), points: { show: false } });
  return mountMonthly(
    container,
    months,
    [bar('Income', INCOME_COLOR, -1), bar('Spend', SPEND_COLOR, 1)],
    [report.months.map((m) => toNumber(m.total_income)), report.months.map((m) => toNumber(m.total_spend))],
  );
}
