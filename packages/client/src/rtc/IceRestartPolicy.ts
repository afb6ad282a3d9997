/**
 * When one connection restarts ICE. The mechanism (`restart`) is the caller's; this is only
 * the policy, with an injected clock:
 *
 * - `disconnected` often heals by itself (a lost packet burst, a Wi-Fi roam), so wait
 *   `disconnectedMs` (`baseMs` unless told), and as long again before the next restart while it
 *   lasts; `failed` does not heal, so restart at once.
 * - The impolite side restarts; the polite side only as a later backup (`2 × baseMs` after),
 *   so both rarely offer at the same moment.
 * - While the path stays broken, keep trying, backing off linearly up to five extra periods.
 * - While the other side is away (dropped by the server, maybe frozen: `hold`), nothing is
 *   restarted: an offer could not reach them. When they are back (`release`) they restart at
 *   once; this side backs them up a period later.
 * - A connection that never gets past `new`/`connecting` (candidates lost in a signaling drop,
 *   a machine too loaded to answer in time) is restarted after `stuckMs`, so a tile never
 *   stays "Connecting…" for good.
 */
import type { Clock, TimerHandle } from '../clock.ts';

export interface IceRestartPolicyOptions {
  clock: Clock;
  polite: boolean;
  /** The connection's state now. */
  state: () => RTCPeerConnectionState;
  /** `isNetworkChange`: the network came back or changed (see `nudge`). */
  restart: (isNetworkChange: boolean) => void;
  baseMs?: number;
  /** How long `disconnected` may last before a restart, and between restarts while it does. */
  disconnectedMs?: number;
  stuckMs?: number;
}

const MAX_BACKOFF_STEPS = 5;

export class IceRestartPolicy {
  readonly #options: IceRestartPolicyOptions;
  readonly #baseMs: number;
  readonly #disconnectedMs: number;
  readonly #stuckMs: number;
  #timer: TimerHandle | null = null;
  #attempts = 0;
  #isClosed = false;
  #isHeld = false;

  constructor(options: IceRestartPolicyOptions) {
    this.#options = options;
    this.#baseMs = options.baseMs ?? 3000;
    this.#disconnectedMs = options.disconnectedMs ?? this.#baseMs;
    this.#stuckMs = options.stuckMs ?? 10_000;
  }

  get attempts(): number {
    return this.#attempts;
  }

  /** Media and channels are on the connection: from now on it must get somewhere. */
  watchSetUp(): void {
    if (this.#timer !== null || this.#isClosed) return;
    this.#schedule(this.#stuckMs + this.#politeDelay());
  }

  onStateChange(state: RTCPeerConnectionState): void {
    if (this.#isClosed || this.#isHeld) return;
    if (state === 'connected') {
      this.#attempts = 0;
      this.#cancel();
      return;
    }
    if (state !== 'failed' && state !== 'disconnected') return;
    // A running "stuck" watch is replaced: this state says more.
    this.#cancel();
    this.#schedule((state === 'failed' ? 0 : this.#disconnectedMs) + this.#politeDelay() + this.#backoff());
  }

  /** No restarts until `release`: the other side cannot be reached through signaling now. */
  hold(): void {
    this.#isHeld = true;
    this.#cancel();
  }

  /**
   * The other side is reachable again. It restarts at once itself on its return; this side
   * only backs it up, a period later, if the connection is still not up.
   */
  release(): void {
    if (!this.#isHeld) return;
    this.#isHeld = false;
    if (this.#isClosed || this.#options.state() === 'connected') return;
    this.#schedule(this.#baseMs + this.#politeDelay() + this.#backoff());
  }

  /** The network came back: restart now if the connection is not up, whatever the backoff. */
  nudge(): void {
    if (this.#isClosed || this.#options.state() === 'connected') return;
    this.#isHeld = false;
    this.#cancel();
    this.#fire(true);
  }

  close(): void {
    this.#isClosed = true;
    this.#cancel();
  }

  /** One more period for each restart that did not help, up to MAX_BACKOFF_STEPS. */
  #backoff(): number {
    return Math.min(this.#attempts, MAX_BACKOFF_STEPS) * this.#baseMs;
  }

  #politeDelay(): number {
    return this.#options.polite ? this.#baseMs * 2 : 0;
  }

  #schedule(delay: number): void {
    this.#timer = this.#options.clock.setTimeout(() => {
      this.#timer = null;
      if (this.#isClosed || this.#isHeld || this.#options.state() === 'connected') return;
      this.#fire();
    }, delay);
  }

  #fire(isNetworkChange = false): void {
    this.#attempts += 1;
    this.#options.restart(isNetworkChange);
    // Keep trying while the path stays broken (the network may still be down).
    const period = this.#options.state() === 'disconnected' ? this.#disconnectedMs : this.#baseMs;
    this.#schedule(period + this.#politeDelay() + this.#backoff());
  }

  #cancel(): void {
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = null;
  }
}
