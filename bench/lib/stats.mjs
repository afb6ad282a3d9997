/**
 * Pure helpers for summarising benchmark samples: median, percentiles, a mergeable
 * latency histogram, ratios against a baseline and the printed table.
 */

/** Median of a list of numbers (mean of the two middle values for an even count). */
export function median(values) {
  const finite = values.filter((v) => Number.isFinite(v));
  if (finite.length === 0) return Number.NaN;
  const sorted = [...finite].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Percentile by the nearest-rank method: the smallest sample that at least p% of the
 * samples are less than or equal to. p in [0, 100].
 */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  if (p < 0 || p > 100) throw new RangeError(`percentile ${p} is outside 0..100`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1];
}

/** ours / baseline; NaN when either side was not measured or the baseline is zero. */
export function ratio(ours, baseline) {
  if (!Number.isFinite(ours) || !Number.isFinite(baseline) || baseline === 0) return Number.NaN;
  return ours / baseline;
}

/**
 * Latency histogram with logarithmic buckets (2% wide), so generator processes can send
 * bucket counts instead of every sample and the parent merges them exactly. Values are
 * microseconds; the reported percentile is the upper edge of its bucket, so it errs by at
 * most 2% on the high side.
 */
export const HISTOGRAM_GROWTH = 1.02;
const LOG_GROWTH = Math.log(HISTOGRAM_GROWTH);
export const HISTOGRAM_BUCKETS = 1000; // 1 µs .. 1.02^1000 µs (~ 400 s)

export function createHistogram() {
  return { counts: new Array(HISTOGRAM_BUCKETS).fill(0), total: 0, max: 0 };
}

export function bucketOf(micros) {
  if (!(micros > 1)) return 0;
  return Math.min(HISTOGRAM_BUCKETS - 1, Math.ceil(Math.log(micros) / LOG_GROWTH));
}

export function recordValue(histogram, micros) {
  histogram.counts[bucketOf(micros)] += 1;
  histogram.total += 1;
  if (micros > histogram.max) histogram.max = micros;
}

export function mergeHistograms(histograms) {
  const merged = createHistogram();
  for (const h of histograms) {
    for (let i = 0; i < HISTOGRAM_BUCKETS; i++) merged.counts[i] += h.counts[i];
    merged.total += h.total;
    merged.max = Math.max(merged.max, h.max);
  }
  return merged;
}

/** Nearest-rank percentile of a histogram, in microseconds (upper bucket edge, capped at max). */
export function histogramPercentile(histogram, p) {
  if (histogram.total === 0) return Number.NaN;
  const rank = Math.max(1, Math.ceil((p / 100) * histogram.total));
  let seen = 0;
  for (let i = 0; i < HISTOGRAM_BUCKETS; i++) {
    seen += histogram.counts[i];
    if (seen >= rank) return Math.min(HISTOGRAM_GROWTH ** i, histogram.max);
  }
  return histogram.max;
}

/** A number with a sensible count of significant digits for a table cell. */
export function formatNumber(value, unit = '') {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const abs = Math.abs(value);
  let text;
  if (abs >= 100_000) text = Math.round(value).toLocaleString('en-US');
  else if (abs >= 100) text = value.toFixed(0);
  else if (abs >= 10) text = value.toFixed(1);
  else if (abs >= 1) text = value.toFixed(2);
  else if (abs === 0) text = '0';
  else text = value.toPrecision(2);
  return unit ? `${text} ${unit}` : text;
}

/**
 * Whether a ratio meets its goal. `goal` is { op: '>=' | '<=', value }.
 * Returns 'pass', 'FAIL' or '—' when not measured.
 */
export function verdict(value, goal) {
  if (!goal || !Number.isFinite(value)) return '—';
  const ok = goal.op === '>=' ? value >= goal.value : value <= goal.value;
  return ok ? 'pass' : 'FAIL';
}

/**
 * One row per figure: { figure, ours, baseline, unit, goal, ratio?, note?, remark?, inconclusive? }.
 * `ratio` defaults to ours/baseline; rows whose goal is absolute (not a ratio) set
 * `goal.absolute` and the verdict compares `ours` itself. `note` replaces a missing `ours`;
 * `remark` is printed last; `inconclusive` (a reason) replaces the verdict with 'n/a'.
 */
export function formatTable(rows) {
  const header = ['figure', 'ours', 'baseline', 'ratio', 'goal', 'verdict', 'remark'];
  const lines = rows.map((row) => {
    const r = row.ratio ?? ratio(row.ours, row.baseline);
    const judged = row.goal?.absolute ? row.ours : r;
    const goalText = row.goal
      ? `${row.goal.op} ${row.goal.value}${row.goal.absolute ? ` ${row.unit}` : 'x'}`
      : '';
    return [
      row.figure,
      row.ours === undefined || row.ours === null
        ? (row.note ?? 'not measured')
        : formatNumber(row.ours, row.unit),
      row.baseline === undefined || row.baseline === null ? '—' : formatNumber(row.baseline, row.unit),
      Number.isFinite(r) ? `${r.toFixed(2)}x` : '—',
      goalText,
      row.inconclusive && row.goal ? 'n/a' : verdict(judged, row.goal),
      row.remark ?? '',
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => String(l[i]).length)));
  const format = (cells) =>
    cells
      .map((c, i) => String(c).padEnd(widths[i]))
      .join(' | ')
      .trimEnd();
  return [format(header), widths.map((w) => '-'.repeat(w)).join('-|-'), ...lines.map(format)].join('\n');
}
