/**
 * Notices a page that was frozen (a suspended phone browser, a closed laptop lid): its socket
 * reconnects at once, since that is one person coming back, not a crowd after a server restart.
 */
import type { Clock, TimerHandle } from '../clock.ts';

const WATCH_TICK_MS = 1000;
/** Ticks this late mean the page was frozen, not just busy. */
const FROZEN_GAP_MS = 2500;
/** A socket that closes this soon after a wake-up closed because of the freeze. */
const WOKE_MS = 5000;

/** Ticks while in a room; a tick that came late means the page was not running meanwhile. */
export class FreezeWatch {
  readonly #clock: Clock;
  #timer: TimerHandle | null = null;
  #lastTick = 0;
  #wokeAt = Number.NEGATIVE_INFINITY;
  #lastGapMs = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  start(): void {
    this.#lastTick = this.#clock.now();
    this.#timer ??= this.#clock.setInterval(() => {
      const now = this.#clock.now();
      // The late tick may run before the socket's close event does: remember the wake-up.
      if (now - this.#lastTick > FROZEN_GAP_MS) {
        this.#wokeAt = now;
        this.#lastGapMs = now - this.#lastTick;
      }
      this.#lastTick = now;
    }, WATCH_TICK_MS);
  }

  /** The page did not run for a while (every millisecond of that shows as a frozen call). */
  get wasFrozen(): boolean {
    return this.recentFreezeMs > 0;
  }

  /**
   * How long the page stood still, while it is still standing or just woke up (the tick
   * that noticed ran within WOKE_MS); else 0.
   */
  get recentFreezeMs(): number {
    if (this.#timer === null) return 0;
    const now = this.#clock.now();
    if (now - this.#lastTick > FROZEN_GAP_MS) return now - this.#lastTick;
    return now - this.#wokeAt < WOKE_MS ? this.#lastGapMs : 0;
  }

  stop(): void {
    this.#clock.clearInterval(this.#timer);
    this.#timer = null;
  }
}
