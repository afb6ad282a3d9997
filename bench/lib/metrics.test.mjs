import assert from 'node:assert/strict';
import { test } from 'node:test';
import { parseMetrics } from './metrics.mjs';

test('metrics are read by name and summed over their labels; help and type lines are skipped', () => {
  const text = [
    '# HELP signal_rooms Rooms with at least one peer.',
    '# TYPE signal_rooms gauge',
    'signal_rooms 3',
    '',
    'signal_closes_total{reason="leave"} 7',
    'signal_closes_total{reason="fault"} 2',
    'signal_peers 0',
    'process_resident_memory_bytes 1.5e+7',
  ].join('\n');
  assert.deepEqual(parseMetrics(text), {
    signal_rooms: 3,
    signal_closes_total: 9,
    signal_peers: 0,
    process_resident_memory_bytes: 15_000_000,
  });
});
