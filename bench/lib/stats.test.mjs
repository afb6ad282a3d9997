import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  createHistogram,
  formatNumber,
  formatTable,
  histogramPercentile,
  HISTOGRAM_GROWTH,
  median,
  mergeHistograms,
  percentile,
  ratio,
  recordValue,
  verdict,
} from './stats.mjs';

test('median of odd and even counts, ignoring non-finite samples', () => {
  assert.equal(median([3, 1, 2]), 2);
  assert.equal(median([4, 1, 3, 2]), 2.5);
  assert.equal(median([5, Number.NaN, 1, 3]), 3);
  assert.ok(Number.isNaN(median([])));
});

test('median does not reorder its input', () => {
  const samples = [3, 1, 2];
  median(samples);
  assert.deepEqual(samples, [3, 1, 2]);
});

test('percentile uses the nearest rank', () => {
  const values = Array.from({ length: 100 }, (_, i) => i + 1); // 1..100
  assert.equal(percentile(values, 50), 50);
  assert.equal(percentile(values, 99), 99);
  assert.equal(percentile(values, 100), 100);
  assert.equal(percentile(values, 0), 1);
  assert.equal(percentile([7], 99), 7);
  assert.throws(() => percentile(values, 101), RangeError);
});

test('ratio is NaN when a side is missing or the baseline is zero', () => {
  assert.equal(ratio(150, 100), 1.5);
  assert.ok(Number.isNaN(ratio(1, 0)));
  assert.ok(Number.isNaN(ratio(undefined, 3)));
  assert.ok(Number.isNaN(ratio(3, Number.NaN)));
});

test('histogram percentiles stay within one bucket of the exact value', () => {
  const h = createHistogram();
  const samples = [];
  for (let i = 1; i <= 10_000; i++) {
    const micros = 50 + ((i * 7919) % 5000); // spread 50..5049 µs in a scrambled order
    samples.push(micros);
    recordValue(h, micros);
  }
  for (const p of [50, 90, 99]) {
    const exact = percentile(samples, p);
    const approx = histogramPercentile(h, p);
    assert.ok(
      approx >= exact / HISTOGRAM_GROWTH && approx <= exact * HISTOGRAM_GROWTH,
      `p${p}: ${approx} vs ${exact}`,
    );
  }
  assert.equal(h.max, 5049);
  assert.equal(histogramPercentile(h, 100), 5049);
});

test('merged histograms equal one histogram of all samples', () => {
  const a = createHistogram();
  const b = createHistogram();
  const all = createHistogram();
  for (let i = 0; i < 1000; i++) {
    const v = 10 + i * 3;
    recordValue(i % 2 ? a : b, v);
    recordValue(all, v);
  }
  const merged = mergeHistograms([a, b]);
  assert.deepEqual(merged, all);
  assert.ok(Number.isNaN(histogramPercentile(createHistogram(), 50)));
});

test('formatNumber picks digits by magnitude and marks missing values', () => {
  assert.equal(formatNumber(123456.7), '123,457');
  assert.equal(formatNumber(1234.5, 'msg/s'), '1235 msg/s');
  assert.equal(formatNumber(12.345), '12.3');
  assert.equal(formatNumber(1.2345), '1.23');
  assert.equal(formatNumber(0.012345), '0.012');
  assert.equal(formatNumber(Number.NaN), '—');
  assert.equal(formatNumber(undefined), '—');
});

test('verdict compares against the goal in its direction', () => {
  assert.equal(verdict(0.96, { op: '>=', value: 0.95 }), 'pass');
  assert.equal(verdict(0.9, { op: '>=', value: 0.95 }), 'FAIL');
  assert.equal(verdict(1.1, { op: '<=', value: 1.1 }), 'pass');
  assert.equal(verdict(Number.NaN, { op: '<=', value: 2 }), '—');
});

test('formatTable aligns columns and shows ratio, goal and verdict', () => {
  const table = formatTable([
    { figure: 'throughput', ours: 9000, baseline: 10000, unit: 'msg/s', goal: { op: '>=', value: 0.95 } },
    { figure: 'stall', ours: 12, baseline: 3, unit: 'ms', goal: { op: '<=', value: 50, absolute: true } },
    { figure: 'redis', ours: null, baseline: null, unit: 'msg/s', note: 'not measured yet' },
    {
      figure: 'rate',
      ours: 5,
      baseline: 10,
      unit: 'msg/s',
      goal: { op: '>=', value: 0.95 },
      inconclusive: 'machine-bound',
      remark: 'server at 20% of a core',
    },
  ]);
  const lines = table.split('\n');
  assert.equal(lines.length, 6);
  assert.match(lines[5], /rate .*\| 0\.50x +\| >= 0\.95x +\| n\/a +\| server at 20% of a core$/);
  assert.match(lines[2], /throughput +\| 9000 msg\/s +\| 10000 msg\/s +\| 0\.90x +\| >= 0\.95x +\| FAIL/);
  assert.match(lines[3], /stall .*\| 12\.0 ms .*\| 4\.00x +\| <= 50 ms +\| pass/);
  assert.match(lines[4], /redis .*\| not measured yet .*\| — /);
  const widths = lines.map((l) => l.indexOf('|'));
  assert.ok(
    widths.every((w) => w === widths[0]),
    'first column is padded to one width',
  );
});
