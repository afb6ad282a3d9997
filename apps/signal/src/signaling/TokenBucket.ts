/**
 * Per-connection token bucket for the message rate limit. Each connection owns one, so a
 * flooding client only ever empties its own bucket and never slows anyone else.
 */
export interface TokenBucketOptions {
  /** Messages that may arrive at once. */
  burst: number;
  /** Refill rate, messages per second. */
  perSecond: number;
  /** Milliseconds clock; injected so tests control time. */
  now?: () => number;
}

export class TokenBucket {
  readonly #burst: number;
  readonly #perMs: number;
  readonly #now: () => number;
  #tokens: number;
  #updatedAt: number;

  constructor({ burst, perSecond, now = performance.now.bind(performance) }: TokenBucketOptions) {
    this.#burst = burst;
    this.#perMs = perSecond / 1000;
    this.#now = now;
    this.#tokens = burst;
    this.#updatedAt = now();
  }

  /** Takes one token if there is one. */
  take(): boolean {
    this.#refill();
    if (this.#tokens < 1) return false;
    this.#tokens -= 1;
    return true;
  }

  get tokens(): number {
    this.#refill();
    return this.#tokens;
  }

  #refill(): void {
    const now = this.#now();
    const elapsed = Math.max(0, now - this.#updatedAt);
    this.#updatedAt = now;
    this.#tokens = Math.min(this.#burst, this.#tokens + elapsed * this.#perMs);
  }
}

export type RateVerdict = 'accept' | 'refuse-and-tell' | 'refuse' | 'close';

/**
 * The policy around the bucket: the first refused message of a streak is answered with
 * `rate-limited` (one error, not one per dropped frame, so a flood cannot make the server
 * flood back); `strikes` counts refused messages and each accepted one forgives a strike,
 * so a client that keeps sending well above the rate reaches `maxStrikes` and is closed
 * (1008), while one that only brushes the limit just loses the excess.
 */
export class RateLimiter {
  readonly #bucket: TokenBucket;
  readonly #maxStrikes: number;
  #strikes = 0;
  #isRefusing = false;

  constructor(options: TokenBucketOptions & { maxStrikes: number }) {
    this.#bucket = new TokenBucket(options);
    this.#maxStrikes = options.maxStrikes;
  }

  check(): RateVerdict {
    if (this.#bucket.take()) {
      this.#isRefusing = false;
      if (this.#strikes > 0) this.#strikes -= 1;
      return 'accept';
    }
    this.#strikes += 1;
    if (this.#strikes >= this.#maxStrikes) return 'close';
    if (this.#isRefusing) return 'refuse';
    this.#isRefusing = true;
    return 'refuse-and-tell';
  }
}
