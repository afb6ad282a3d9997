/**
 * Keys remembered for a while, oldest first: who a room saw leave. Bounded in time and in
 * count, so a busy server keeps at most `maxEntries` of them however many people come and go.
 */
export class Departures {
  readonly #until = new Map<string, number>();

  constructor(
    private readonly memoryMs: number,
    private readonly maxEntries = 100_000,
    private readonly now: () => number = Date.now,
  ) {}

  remember(key: string): void {
    this.#until.delete(key);
    this.#until.set(key, this.now() + this.memoryMs);
    this.#prune();
  }

  has(key: string): boolean {
    const until = this.#until.get(key);
    return until !== undefined && until > this.now();
  }

  forget(key: string): void {
    this.#until.delete(key);
  }

  /** Insertion order is expiry order: drop from the front while expired or over the bound. */
  #prune(): void {
    const now = this.now();
    for (const [key, until] of this.#until) {
      if (until > now && this.#until.size <= this.maxEntries) break;
      this.#until.delete(key);
    }
  }
}
