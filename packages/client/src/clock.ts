/**
 * Time, passed in wherever a test needs to control it: every timer of the client (reconnect
 * backoff, ICE restarts, fail and grace timers, stats and speaker polls) goes through a Clock.
 * `now()` is a monotonic millisecond count (performance.now in browsers).
 */
export type TimerHandle = { readonly __timer: unique symbol } | number;

export interface Clock {
  now(): number;
  setTimeout(run: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | null | undefined): void;
  setInterval(run: () => void, ms: number): TimerHandle;
  clearInterval(handle: TimerHandle | null | undefined): void;
}

export const systemClock: Clock = {
  now: () => performance.now(),
  setTimeout: (run, ms) => setTimeout(run, ms) as unknown as TimerHandle,
  clearTimeout: (handle) => {
    if (handle != null) clearTimeout(handle as unknown as ReturnType<typeof setTimeout>);
  },
  setInterval: (run, ms) => setInterval(run, ms) as unknown as TimerHandle,
  clearInterval: (handle) => {
    if (handle != null) clearInterval(handle as unknown as ReturnType<typeof setInterval>);
  },
};
