import type { Duplex } from 'node:stream';
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
 * Sockets written to in this turn of the event loop. Each is corked at its first message and
 * uncorked when the turn's synchronous work is done, so what one turn sends to a socket (the
 * burst of candidates a browser gathers at once, several frames read in one chunk) leaves in
 * one write system call rather than one per message: on loopback that call is most of a
 * relayed message's cost.
 */
const corked: Duplex[] = [];

function uncorkAll(): void {
  for (const tcp of corked) tcp.uncork();
  corked.length = 0;
}

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
  /** The TCP (or TLS) stream under the WebSocket, which `ws` does not expose otherwise. */
  readonly #stream: Duplex;

  constructor(
    readonly socket: WebSocket,
    readonly limiter: RateLimiter,
    /** The client address as the per-address limits key it (see limits/addressKey.ts). */
    readonly address: string,
  ) {
    this.#stream = (socket as unknown as { _socket: Duplex })._socket;
  }

  get isOpen(): boolean {
    return this.socket.readyState === WebSocket.OPEN;
  }

  send(message: ServerMessage): void {
    if (!this.isOpen) return;
    if (this.socket.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.terminate('fault');
      return;
    }
    const stream = this.#stream;
    if (stream.writableCorked === 0) {
      stream.cork();
      if (corked.push(stream) === 1) process.nextTick(uncorkAll);
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
    // What this turn already sent goes out first: destroying a corked stream drops it.
    if (this.#stream.writableCorked > 0) this.#stream.uncork();
    this.socket.terminate();
  }
}
