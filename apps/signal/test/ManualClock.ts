import type { Clock } from '../src/janus/clock.ts';

/** A clock that only moves when the test says so. */
export class ManualClock implements Clock {
  now = 0;
  #timers: { at: number; callback: () => void }[] = [];

  after(ms: number, callback: () => void): () => void {
    const timer = { at: this.now + ms, callback };
    this.#timers.push(timer);
    return () => {
      this.#timers = this.#timers.filter((other) => other !== timer);
    };
  }

  /** Runs every timer due within `ms`, in time order, then sets the clock to the end. */
  advance(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      const next = this.#timers.filter((timer) => timer.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.#timers = this.#timers.filter((timer) => timer !== next);
      this.now = next.at;
      next.callback();
    }
    this.now = end;
  }

  get pending(): number {
    return this.#timers.length;
  }
}
