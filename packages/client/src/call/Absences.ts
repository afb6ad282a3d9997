/**
 * People who are not here now but may come back within a wait: those a resumed `joined` did
 * not list (after a server restart the others come back one by one, each within the resume
 * grace), and those the server lost (`peer-left` reason `lost`). `onExpired` decides what the
 * end of the wait means.
 */
import type { PeerId } from '@app/protocol';
import type { Clock, TimerHandle } from '../clock.ts';

export class Absences {
  readonly #clock: Clock;
  readonly #waitMs: number;
  readonly #onExpired: (peerId: PeerId) => void;
  readonly #timers = new Map<PeerId, TimerHandle>();

  constructor(clock: Clock, waitMs: number, onExpired: (peerId: PeerId) => void) {
    this.#clock = clock;
    this.#waitMs = waitMs;
    this.#onExpired = onExpired;
  }

  expect(peerId: PeerId): void {
    if (this.#timers.has(peerId)) return;
    const timer = this.#clock.setTimeout(() => {
      this.#timers.delete(peerId);
      this.#onExpired(peerId);
    }, this.#waitMs);
    this.#timers.set(peerId, timer);
  }

  has(peerId: PeerId): boolean {
    return this.#timers.has(peerId);
  }

  /** They are listed again (or left for real): no more waiting. */
  confirm(peerId: PeerId): void {
    this.#clock.clearTimeout(this.#timers.get(peerId));
    this.#timers.delete(peerId);
  }

  clear(): void {
    for (const timer of this.#timers.values()) this.#clock.clearTimeout(timer);
    this.#timers.clear();
  }
}
