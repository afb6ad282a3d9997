import { TokenBucket } from '../signaling/TokenBucket.ts';

export interface SocketAdmissionOptions {
  /** Sockets one address may hold open at once; 0: no limit. */
  maxSockets: number;
  /** New sockets one address may open per minute (a bucket of this size, refilled over a minute); 0: no limit. */
  newPerMinute: number;
  /** Milliseconds clock; injected so tests control time. */
  now?: () => number;
}

/** Which per-address limit refused a socket, as the 429 body and the metric name it. */
export type SocketLimit = 'sockets-per-address' | 'new-sockets-per-address';

export type Admission =
  | { ok: true; release: () => void }
  | { ok: false; limit: SocketLimit; max: number; retryAfterS: number | undefined };

interface AddressState {
  open: number;
  opened: TokenBucket | undefined;
}

/** How often idle addresses are forgotten: a bucket left alone is full again within a minute. */
const SWEEP_INTERVAL_MS = 60_000;

/**
 * Sockets per client address: how many are open, and how fast new ones come. `admit`
 * reserves a place and hands back its `release`, which the caller runs once when the socket
 * is gone (whatever became of the upgrade), so the count never drifts. An address is
 * forgotten once it has no socket and a full bucket, which is when it is indistinguishable
 * from one never seen: a client cannot reset its rate by closing its last socket.
 */
export class SocketAdmission {
  readonly #maxSockets: number;
  readonly #newPerMinute: number;
  readonly #now: () => number;
  readonly #addresses = new Map<string, AddressState>();
  #sweptAt: number;

  constructor({ maxSockets, newPerMinute, now = performance.now.bind(performance) }: SocketAdmissionOptions) {
    this.#maxSockets = maxSockets;
    this.#newPerMinute = newPerMinute;
    this.#now = now;
    this.#sweptAt = now();
  }

  admit(address: string): Admission {
    this.#sweepIfDue();
    const state = this.#addresses.get(address) ?? this.#track(address);
    if (this.#maxSockets > 0 && state.open >= this.#maxSockets) {
      return { ok: false, limit: 'sockets-per-address', max: this.#maxSockets, retryAfterS: undefined };
    }
    if (state.opened !== undefined && !state.opened.take()) {
      // One token comes back every 60 / newPerMinute seconds.
      const retryAfterS = Math.max(1, Math.ceil(60 / this.#newPerMinute));
      return { ok: false, limit: 'new-sockets-per-address', max: this.#newPerMinute, retryAfterS };
    }
    state.open += 1;
    let isReleased = false;
    return {
      ok: true,
      release: () => {
        if (isReleased) return;
        isReleased = true;
        state.open -= 1;
      },
    };
  }

  /** Open sockets of `address`. */
  openSockets(address: string): number {
    return this.#addresses.get(address)?.open ?? 0;
  }

  /** Addresses remembered now: those with a socket or a bucket not yet full again. */
  get trackedAddresses(): number {
    return this.#addresses.size;
  }

  #track(address: string): AddressState {
    const opened =
      this.#newPerMinute > 0
        ? new TokenBucket({ burst: this.#newPerMinute, perSecond: this.#newPerMinute / 60, now: this.#now })
        : undefined;
    const state: AddressState = { open: 0, opened };
    this.#addresses.set(address, state);
    return state;
  }

  #sweepIfDue(): void {
    const now = this.#now();
    if (now - this.#sweptAt < SWEEP_INTERVAL_MS) return;
    this.#sweptAt = now;
    for (const [address, state] of this.#addresses) {
      const isRested = state.opened === undefined || state.opened.tokens >= this.#newPerMinute;
      if (state.open === 0 && isRested) this.#addresses.delete(address);
    }
  }
}
