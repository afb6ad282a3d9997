import type { Scheduler, Timer } from '../signaling/scheduler.ts';

/**
 * Fires once a condition has held for `ms` without a break: `hold(true)` starts the wait
 * (if not already waiting), `hold(false)` cancels it. The mechanism behind "a room that has
 * stayed at or below MESH_MAX for 10 s moves back to the mesh"; the policy lives with the
 * caller.
 */
export class DwellTimer {
  #timer: Timer | undefined;

  constructor(
    private readonly ms: number,
    private readonly scheduler: Scheduler,
    private readonly onDwelt: () => void,
  ) {}

  get isWaiting(): boolean {
    return this.#timer !== undefined;
  }

  hold(isHolding: boolean): void {
    if (!isHolding) {
      this.cancel();
      return;
    }
    this.#timer ??= this.scheduler.after(this.ms, () => {
      this.#timer = undefined;
      this.onDwelt();
    });
  }

  cancel(): void {
    this.#timer?.cancel();
    this.#timer = undefined;
  }
}
