import type { Scheduler, Timer } from '../src/signaling/scheduler.ts';

interface Pending {
  at: number;
  task: () => void;
  /** Set for `every`: the period to reschedule with. */
  period: number | undefined;
  isCancelled: boolean;
}

/**
 * A scheduler whose time moves only when a test says so: `advance(ms)` runs every timer due
 * by then, in order; `runSoon()` runs what `soon()` queued, one event-loop turn at a time.
 * `now` doubles as the clock for `ResumeTokens` and `TokenBucket`.
 */
export class ManualScheduler implements Scheduler {
  #now = 0;
  #timers: Pending[] = [];
  #soon: (() => void)[] = [];

  readonly now = (): number => this.#now;

  after(ms: number, task: () => void): Timer {
    return this.#add(ms, task, undefined);
  }

  every(ms: number, task: () => void): Timer {
    return this.#add(ms, task, ms);
  }

  soon(task: () => void): void {
    this.#soon.push(task);
  }

  /** Tasks queued with `soon` and not yet run. */
  get soonQueued(): number {
    return this.#soon.length;
  }

  /** Runs the tasks queued so far (one turn); tasks they queue wait for the next call. */
  runSoon(): void {
    for (const task of this.#soon.splice(0)) task();
  }

  advance(ms: number): void {
    const until = this.#now + ms;
    for (;;) {
      const due = this.#timers
        .filter((timer) => !timer.isCancelled && timer.at <= until)
        .sort((a, b) => a.at - b.at)[0];
      if (due === undefined) break;
      this.#now = due.at;
      if (due.period === undefined) due.isCancelled = true;
      else due.at += due.period;
      due.task();
    }
    this.#now = until;
    this.#timers = this.#timers.filter((timer) => !timer.isCancelled);
  }

  #add(ms: number, task: () => void, period: number | undefined): Timer {
    const timer: Pending = { at: this.#now + ms, task, period, isCancelled: false };
    this.#timers.push(timer);
    return {
      cancel: () => {
        timer.isCancelled = true;
      },
    };
  }
}
