import type { Clock } from '../janus/index.ts';

/**
 * Tries a failed step again a while later: `schedule()` (after a failure) runs the task once
 * `ms` have passed, one pending run at a time, and gives up after `limit` failures in a row;
 * `succeeded()` starts the count afresh.
 */
export class LaterRetry {
  #cancel: (() => void) | undefined;
  #failures = 0;

  constructor(
    private readonly ms: number,
    private readonly limit: number,
    private readonly clock: Clock,
    private readonly task: () => void,
  ) {}

  schedule(): void {
    if (this.#cancel !== undefined || this.#failures >= this.limit) return;
    this.#failures += 1;
    this.#cancel = this.clock.after(this.ms, () => {
      this.#cancel = undefined;
      this.task();
    });
  }

  succeeded(): void {
    this.#failures = 0;
  }

  cancel(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }
}
