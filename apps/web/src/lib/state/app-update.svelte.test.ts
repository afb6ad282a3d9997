import { describe, expect, it, vi } from 'vitest';
import { AppUpdate, TAKEOVER_TIMEOUT_MS } from './app-update.svelte.ts';

function appUpdate() {
  const reload = vi.fn();
  const timers: Array<{ callback: () => void; ms: number }> = [];
  const update = new AppUpdate({ reload, setTimeout: (callback, ms) => timers.push({ callback, ms }) });
  return { update, reload, timers };
}

describe('AppUpdate', () => {
  it('is offered when a new version waits, and put away by Not now', () => {
    const { update } = appUpdate();
    expect(update.isOffered).toBe(false);
    update.offer(() => Promise.resolve());
    expect(update.isOffered).toBe(true);
    update.dismiss();
    expect(update.isOffered).toBe(false);
  });

  it('on Reload, lets the new version take over, then reloads once', async () => {
    const { update, reload, timers } = appUpdate();
    const activate = vi.fn(() => Promise.resolve());
    update.offer(activate);
    await update.reloadNow();
    expect(activate).toHaveBeenCalledTimes(1);
    expect(reload).not.toHaveBeenCalled();
    update.tookOver();
    expect(reload).toHaveBeenCalledTimes(1);
    // The fallback timer firing later does not reload a second time.
    timers[0]?.callback();
    expect(reload).toHaveBeenCalledTimes(1);
  });

  it('never reloads a page whose person did not ask, e.g. one in a call when another tab updated', () => {
    const { update, reload } = appUpdate();
    update.offer(() => Promise.resolve());
    update.tookOver();
    expect(reload).not.toHaveBeenCalled();
    expect(update.isOffered).toBe(true);
  });

  it('reloads at once when the new version already took over from another tab', async () => {
    const { update, reload } = appUpdate();
    const activate = vi.fn(() => Promise.resolve());
    update.offer(activate);
    update.tookOver();
    await update.reloadNow();
    expect(reload).toHaveBeenCalledTimes(1);
    expect(activate).not.toHaveBeenCalled();
  });

  it('reloads anyway when the worker never takes over, or cannot be asked to', async () => {
    const { update, reload, timers } = appUpdate();
    update.offer(() => new Promise<void>(() => undefined));
    void update.reloadNow();
    expect(timers.map((timer) => timer.ms)).toEqual([TAKEOVER_TIMEOUT_MS]);
    timers[0]?.callback();
    expect(reload).toHaveBeenCalledTimes(1);

    const failing = appUpdate();
    failing.update.offer(() => Promise.reject(new Error('no waiting worker')));
    await failing.update.reloadNow();
    expect(failing.reload).toHaveBeenCalledTimes(1);
  });
});
