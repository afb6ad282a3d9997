import type { Clock, TimerHandle } from '../clock.ts';

interface Timer {
  id: number;
  at: number;
  run: () => void;
  every: number | null;
}

/** A clock a test moves by hand: `advance(ms)` runs every timer that falls due, in order. */
export class ManualClock implements Clock {
  #now = 0;
  #nextId = 1;
  readonly #timers = new Map<number, Timer>();

  now(): number {
    return this.#now;
  }

  setTimeout(run: () => void, ms: number): TimerHandle {
    return this.#add(run, ms, null);
  }

  setInterval(run: () => void, ms: number): TimerHandle {
    return this.#add(run, ms, Math.max(1, ms));
  }

  clearTimeout(handle: TimerHandle | null | undefined): void {
    if (typeof handle === 'number') this.#timers.delete(handle);
  }

  clearInterval(handle: TimerHandle | null | undefined): void {
    this.clearTimeout(handle);
  }

  /** Timers still waiting: a closed object must leave none behind. */
  get pending(): number {
    return this.#timers.size;
  }

  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      const next = [...this.#timers.values()].filter((t) => t.at <= end).sort((a, b) => a.at - b.at)[0];
      if (!next) break;
      this.#now = next.at;
      if (next.every === null) this.#timers.delete(next.id);
      else next.at += next.every;
      next.run();
    }
    this.#now = end;
  }

  /**
   * The page stands still for `ms` (a frozen or suspended browser): no timer runs meanwhile;
   * those that fell due run once, late, on the next advance, as a browser runs them.
   */
  freeze(ms: number): void {
    this.#now += ms;
    for (const timer of this.#timers.values()) timer.at = Math.max(timer.at, this.#now);
  }

  #add(run: () => void, ms: number, every: number | null): TimerHandle {
    const id = this.#nextId++;
    this.#timers.set(id, { id, at: this.#now + Math.max(0, ms), run, every });
    return id;
  }
}
