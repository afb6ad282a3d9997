/**
 * Timers, passed in where tests need to control time (heartbeat rounds, held seats' grace),
 * as `TokenBucket` takes its clock. `systemScheduler` is Node's own timers.
 */
export interface Timer {
  cancel(): void;
}

export interface Scheduler {
  /** Runs `task` once, `ms` from now. */
  after(ms: number, task: () => void): Timer;
  /** Runs `task` every `ms` until cancelled. */
  every(ms: number, task: () => void): Timer;
  /** Runs `task` on a later turn of the event loop, once pending I/O has been handled. */
  soon(task: () => void): void;
}

export const systemScheduler: Scheduler = {
  after(ms, task) {
    const handle = setTimeout(task, ms);
    return { cancel: () => clearTimeout(handle) };
  },
  every(ms, task) {
    const handle = setInterval(task, ms);
    return { cancel: () => clearInterval(handle) };
  },
  soon(task) {
    setImmediate(task);
  },
};
