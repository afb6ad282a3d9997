/**
 * Tries a failed step again a while later: `schedule()` (after a failure) runs the task once
 * `ms` have passed, one pending run at a time, and gives up after `limit` failures in a row;
 * `succeeded()` starts the count afresh.
 */
export class LaterRetry {
  #timer: NodeJS.Timeout | undefined;
  #failures = 0;

  constructor(
    private readonly ms: number,
    private readonly limit: number,
    private readonly task: () => void,
  ) {}

  schedule(): void {
    if (this.#timer !== undefined || this.#failures >= this.limit) return;
    this.#failures += 1;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.task();
    }, this.ms);
    this.#timer.unref();
  }

  succeeded(): void {
    this.#failures = 0;
  }

  cancel(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }
}
