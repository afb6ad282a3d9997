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
  #chain: Promise<void> = Promise.resolve();

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
   * Runs `task` after every earlier one from this connection: what a client sends is
   * handled strictly in order even when a step awaits the registry, so messages from A to B
   * arrive in the order A sent them.
   */
  enqueue(task: () => Promise<void>, onError: (error: unknown) => void): void {
    this.#chain = this.#chain.then(task).catch(onError);
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
