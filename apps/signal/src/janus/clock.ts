/** Timers, injected where tests need to control time (keepalive, request timeouts, reconnect). */
export interface Clock {
  /** Calls `callback` once after `ms`; the returned function cancels it. */
  after(ms: number, callback: () => void): () => void;
}

/** A clock that also tells the time: milliseconds, only ever growing. */
export interface TimeClock extends Clock {
  now(): number;
}

export const systemClock: TimeClock = {
  after(ms, callback) {
    const timer = setTimeout(callback, ms);
    timer.unref?.();
    return () => clearTimeout(timer);
  },
  now: () => performance.now(),
};
