/** What may wait for the subscriber connection's offer to be answered. */
export type WaitingStep = 'restart' | 'update';

/**
 * The subscriber connection's offers not answered yet, and what waits for them. Janus may
 * re-offer while ours is out, and only the answer to the last offer is its: one negotiation
 * at a time, so an ICE restart or a new subscription asked for meanwhile waits its turn (an
 * ICE restart first).
 */
export class OfferBook {
  #out = 0;
  readonly #waiting = new Set<WaitingStep>();

  get isOut(): boolean {
    return this.#out > 0;
  }

  sent(): void {
    this.#out += 1;
  }

  /** An answer came; true when it answers the last offer (the one to give Janus). */
  answered(): boolean {
    if (this.#out === 0) return false;
    this.#out -= 1;
    return this.#out === 0;
  }

  wait(step: WaitingStep): void {
    this.#waiting.add(step);
  }

  /** What waited for the answer, to run now; one step at a time. */
  next(): WaitingStep | undefined {
    for (const step of ['restart', 'update'] as const) if (this.#waiting.delete(step)) return step;
    return undefined;
  }

  clear(): void {
    this.#out = 0;
    this.#waiting.clear();
  }
}
