import type { ServerMessage } from '@app/protocol';
import { WebSocket } from 'ws';
import type { CloseReason } from './closeReason.ts';
import type { Beating } from './Heartbeat.ts';
import type { Session } from './seats/Session.ts';
import type { RateLimiter } from './TokenBucket.ts';

/**
 * Bytes queued to one socket that is not reading them. Past this the socket is cut like a
 * network fault (the seat is held for resume), so a stalled client cannot make the server
 * buffer without bound.
 */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

let nextConnectionId = 1;

/**
 * One client socket: what it sends is handled in order, what it is sent is cut off when it
 * stops reading, and the reason it closed is recorded for the seat rules. `session` is the
 * seat it sits in, kept by `Seats`.
 */
export class Connection implements Beating {
  /** For logs: a number, never anything the client sent. */
  readonly id = nextConnectionId++;
  isAlive = true;
  session: Session | null = null;
  closeReason: CloseReason | undefined;
  /** The last step still waiting (on the room store); null while nothing is. */
  #tail: Promise<void> | null = null;

  constructor(
    readonly socket: WebSocket,
    readonly limiter: RateLimiter,
    /** The client address as the per-address limits key it (see limits/addressKey.ts). */
    readonly address: string,
  ) {}

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(message: ServerMessage): void {
    if (!this.isOpen) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.terminate('fault');
      return;
    }
    this.socket.send(JSON.stringify(message));
  }

  /**
   * Runs `step(this, arg)` after every earlier step of this connection: what a client sends
   * is handled strictly in order even when a step awaits the registry, so messages from A
   * to B arrive in the order A sent them. A step that finishes synchronously (a relay
   * between two peers in this process's memory) runs at once, with no promise and no
   * microtask; only while an earlier step is still waiting does a later one queue behind
   * it. `step` and `onError` are meant to be long-lived functions, so nothing is allocated
   * per message on the synchronous path.
   */
  run<A>(
    step: (connection: Connection, arg: A) => void | Promise<void>,
    arg: A,
    onError: (connection: Connection, error: unknown) => void,
  ): void {
    if (this.#tail !== null) {
      this.#follow(this.#tail.then(() => step(this, arg)).catch((error: unknown) => onError(this, error)));
      return;
    }
    let pending: void | Promise<void>;
    try {
      pending = step(this, arg);
    } catch (error) {
      onError(this, error);
      return;
    }
    if (pending !== undefined) this.#follow(pending.catch((error: unknown) => onError(this, error)));
  }

  #follow(step: Promise<void>): void {
    const tail: Promise<void> = step.then(() => {
      if (this.#tail === tail) this.#tail = null;
    });
    this.#tail = tail;
  }

  ping(): void {
    try {
      this.socket.ping();
    } catch {
      // A socket that is already closing cannot be pinged; its close event is on its way.
    }
  }

  close(reason: CloseReason, code: number, text: string): void {
    this.closeReason ??= reason;
    this.socket.close(code, text);
  }

  terminate(reason: CloseReason): void {
    this.closeReason ??= reason;
    this.socket.terminate();
  }
}
