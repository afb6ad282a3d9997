// @vitest-environment jsdom
import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import MicMeter from './MicMeter.svelte';

describe('MicMeter', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  const shown = () =>
    Number(screen.getByRole('meter', { name: 'Input level' }).getAttribute('aria-valuenow'));

  it('reads the level about 15 times a second, not at every animation frame', () => {
    const readLevel = vi.fn(() => 0.5);
    render(MicMeter, { readLevel, label: 'Input level' });
    vi.advanceTimersByTime(1000);
    expect(readLevel.mock.calls.length).toBeGreaterThanOrEqual(14);
    expect(readLevel.mock.calls.length).toBeLessThanOrEqual(16);
    flushSync();
    expect(shown()).toBe(50);
  });

  it('falls back to zero once the sound stops, and its timer ends with it', () => {
    let level = 0.8;
    const { unmount } = render(MicMeter, { readLevel: () => level, label: 'Input level' });
    vi.advanceTimersByTime(100);
    flushSync();
    expect(shown()).toBe(80);
    level = 0;
    vi.advanceTimersByTime(200);
    flushSync();
    const falling = shown();
    expect(falling).toBeGreaterThan(0);
    expect(falling).toBeLessThan(80);
    vi.advanceTimersByTime(1000);
    flushSync();
    expect(shown()).toBe(0);
    unmount();
    expect(vi.getTimerCount()).toBe(0);
  });
});
