import { describe, expect, it } from 'vitest';
import { Departures } from './Departures.ts';

describe('departures', () => {
  it('remembers a key for a while, then forgets it', () => {
    let now = 0;
    const departures = new Departures(1000, 10, () => now);
    departures.remember('room\npeer');
    expect(departures.has('room\npeer')).toBe(true);
    now = 999;
    expect(departures.has('room\npeer')).toBe(true);
    now = 1000;
    expect(departures.has('room\npeer')).toBe(false);
  });

  it('keeps at most its bound, dropping the oldest', () => {
    const departures = new Departures(60_000, 3, () => 0);
    for (const key of ['a', 'b', 'c', 'd']) departures.remember(key);
    expect(['a', 'b', 'c', 'd'].map((key) => departures.has(key))).toEqual([false, true, true, true]);
  });

  it('forgets a key on request', () => {
    const departures = new Departures(60_000);
    departures.remember('a');
    departures.forget('a');
    expect(departures.has('a')).toBe(false);
  });
});
