import type { Clock } from './clock.ts';

/**
 * Janus ends a session that sends nothing for `session_timeout` seconds (60 by default, and
 * in deploy/janus). A session whose people are only exchanging media sends Janus nothing, so
 * each session sends a keepalive well inside that: every 25 s by default, which leaves room
 * for one lost keepalive or a slow event loop before Janus's 60 s run out.
 */
export const KEEPALIVE_MS = 25_000;

export interface KeepaliveOptions {
  intervalMs: number;
  clock: Clock;
  /** Sends one keepalive; a failure is the sender's to handle, the rhythm goes on. */
  send: () => void;
}

export class Keepalive {
  readonly #intervalMs: number;
  readonly #clock: Clock;
  readonly #send: () => void;
  #cancel: (() => void) | undefined;

  constructor({ intervalMs, clock, send }: KeepaliveOptions) {
    this.#intervalMs = intervalMs;
    this.#clock = clock;
    this.#send = send;
  }

  get isRunning(): boolean {
    return this.#cancel !== undefined;
  }

  start(): void {
    if (this.#cancel) return;
    this.#schedule();
  }

  stop(): void {
    this.#cancel?.();
    this.#cancel = undefined;
  }

  #schedule(): void {
    this.#cancel = this.#clock.after(this.#intervalMs, () => {
      this.#schedule();
      this.#send();
    });
  }
}
