export interface PasswordBackoffOptions {
  /** The longest wait between two tries; 0 turns the backoff off. */
  maxWaitMs: number;
  /** Milliseconds clock; injected so tests control time. */
  now?: () => number;
}

/** Wrong passwords that cost nothing: a person who mistypes twice does not wait. */
const FREE_FAILURES = 2;
/** The wait after the first failure that costs something; it doubles with each further one. */
const FIRST_WAIT_MS = 1000;
/**
 * A room and address with no wrong password for this long starts again from zero. Longer
 * than any wait, so that waiting each one out never resets the count.
 */
const QUIET_MS = 15 * 60 * 1000;
/**
 * Rooms and addresses remembered at most; past this the oldest are forgotten first. A guesser
 * needs a socket per try in flight and a password-protected room per entry, so this is only a
 * bound on memory, never reached by real use (about 100 bytes each).
 */
const MAX_ENTRIES = 100_000;

interface Failures {
  count: number;
  lastAt: number;
}

export type Attempt = { ok: true } | { ok: false; retryAfterMs: number };

/**
 * Wrong-password backoff per room and client address: after the free failures each try
 * must wait 1, 2, 4 … seconds (up to `maxWaitMs`) after the last wrong one. A try made too
 * soon is refused at once (the caller answers with an error; nothing is delayed), and is not
 * itself counted, so a person who retries a little early only has to wait out the rest.
 * A right password, or a quiet period, forgets the failures. Being per address, a stranger's
 * guesses never lock out anyone else; callers skip it for a seated member resuming.
 */
export class PasswordBackoff {
  readonly #maxWaitMs: number;
  readonly #now: () => number;
  readonly #failures = new Map<string, Failures>();

  constructor({ maxWaitMs, now = performance.now.bind(performance) }: PasswordBackoffOptions) {
    this.#maxWaitMs = maxWaitMs;
    this.#now = now;
  }

  /** May `address` try a password for `room` now? */
  check(room: string, address: string): Attempt {
    if (this.#maxWaitMs === 0) return { ok: true };
    const key = keyOf(room, address);
    const failures = this.#failures.get(key);
    if (failures === undefined) return { ok: true };
    const sinceLast = this.#now() - failures.lastAt;
    if (sinceLast >= QUIET_MS) {
      this.#failures.delete(key);
      return { ok: true };
    }
    const wait = this.waitAfter(failures.count) - sinceLast;
    return wait > 0 ? { ok: false, retryAfterMs: Math.ceil(wait) } : { ok: true };
  }

  failed(room: string, address: string): void {
    if (this.#maxWaitMs === 0) return;
    const key = keyOf(room, address);
    const count = (this.#failures.get(key)?.count ?? 0) + 1;
    // Re-inserted, so the map's order stays oldest failure first.
    this.#failures.delete(key);
    this.#failures.set(key, { count, lastAt: this.#now() });
    this.#forgetStale();
  }

  succeeded(room: string, address: string): void {
    this.#failures.delete(keyOf(room, address));
  }

  /** The wait before the next try after `failures` wrong passwords in a row. */
  waitAfter(failures: number): number {
    if (failures <= FREE_FAILURES) return 0;
    const doublings = Math.min(failures - FREE_FAILURES - 1, 30);
    return Math.min(this.#maxWaitMs, FIRST_WAIT_MS * 2 ** doublings);
  }

  /** Rooms and addresses with failures remembered. */
  get size(): number {
    return this.#failures.size;
  }

  /** Oldest first: drops quiet entries, and the oldest ones past `MAX_ENTRIES`. */
  #forgetStale(): void {
    const now = this.#now();
    for (const [key, failures] of this.#failures) {
      if (this.#failures.size <= MAX_ENTRIES && now - failures.lastAt < QUIET_MS) return;
      this.#failures.delete(key);
    }
  }
}

/** Room ids cannot contain a newline (RoomId is base64url), so the pair cannot collide. */
function keyOf(room: string, address: string): string {
  return `${room}\n${address}`;
}
