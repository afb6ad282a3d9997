import { describe, expect, it, vi } from 'vitest';
import {
  formatBytes,
  formatDuration,
  formatKbps,
  formatMs,
  formatNames,
  formatPercent,
  formatSpeed,
  formatTime,
} from './format.ts';

describe('figures in the page language', () => {
  it('sizes and speeds use decimal units, one decimal below 10', () => {
    expect(formatBytes(12, 'en')).toBe('12 bytes');
    expect(formatBytes(300_000, 'en')).toBe('300 kB');
    expect(formatBytes(1_500_000, 'en')).toBe('1.5 MB');
    expect(formatBytes(3_000_000_000, 'en')).toBe('3.0 GB');
    expect(formatSpeed(2_000_000, 'en')).toBe('2.0 MB/s');
    expect(formatSpeed(400, 'en')).toBe('0.4 kB/s');
    expect(formatBytes(1_500_000, 'ko')).toBe('1.5MB');
    expect(formatBytes(12, 'ko')).toBe('12바이트');
  });

  it('durations keep their two largest parts', () => {
    expect(formatDuration(5.2, 'en')).toBe('6 sec');
    expect(formatDuration(65, 'en')).toBe('1 min 5 sec');
    expect(formatDuration(2 * 3600 + 600, 'en')).toBe('2 hr 10 min');
    expect(formatDuration(65, 'ko')).toBe('1분 5초');
  });

  it('statistics and clock times follow the locale', () => {
    expect(formatKbps(1234, 'en')).toBe('1,234 kb/s');
    expect(formatMs(45, 'en')).toBe('45 ms');
    expect(formatPercent(2.5, 'en')).toBe('2.5%');
    expect(formatTime(Date.UTC(2026, 0, 1, 15, 4), 'en-GB')).toMatch(/^\d{2}:04$/);
    expect(formatTime(Date.UTC(2026, 0, 1, 15, 4), 'en-US')).toMatch(/^\d{1,2}:04\s?[AP]M$/);
  });

  it('lists names as a sentence does, in each language, from one formatter per locale', () => {
    expect(formatNames(['Ada'], 'en')).toBe('Ada');
    expect(formatNames(['Ada', 'Bob', 'Cy'], 'en')).toBe('Ada, Bob, and Cy');
    expect(formatNames(['Ada', 'Bob'], 'en')).toBe('Ada and Bob');
    expect(formatNames(['Ada', 'Bob'], 'ko')).not.toBe(formatNames(['Ada', 'Bob'], 'en'));
  });

  it('names one person without building a list formatter', () => {
    const Real = Intl.ListFormat;
    const ListFormat = vi.spyOn(Intl, 'ListFormat').mockImplementation(function (
      ...args: ConstructorParameters<typeof Real>
    ) {
      return new Real(...args);
    } as never);
    expect(formatNames(['Ada'], 'fr')).toBe('Ada');
    expect(formatNames([], 'fr')).toBe('');
    expect(ListFormat).not.toHaveBeenCalled();
    expect(formatNames(['Ada', 'Bob'], 'fr')).toBe('Ada et Bob');
    expect(ListFormat).toHaveBeenCalledTimes(1);
  });
});
