import { LIMITS, type HandMessage, type ReactMessage } from '@app/protocol';
import type { SignalMetrics } from '../plugins/metrics.ts';
import type { RoomRegistry } from '../rooms/RoomRegistry.ts';
import { sendError } from './replies.ts';
import type { Occupant } from './seats/Seats.ts';
import type { Outbox } from './seats/Session.ts';
import { TokenBucket } from './TokenBucket.ts';

type GestureConnection = Occupant & Outbox;

export interface GesturesOptions {
  /** Reactions one connection may send at once. */
  reactionBurst?: number;
  /** Milliseconds for one more reaction to be allowed. */
  reactionRefillMs?: number;
  /** Milliseconds clock; injected so tests control time. */
  now?: () => number;
}

/**
 * The `hand` and `react` messages: a raised hand belongs to the seat (the registry keeps it
 * for joiners and resumes); a reaction is fanned out once. Reactions have their own bucket
 * per connection, far below the message rate: each one floats over a tile on every screen,
 * so a burst of them is noise for everyone, however cheap it is for the server.
 */
export class Gestures {
  readonly #reactionBuckets = new WeakMap<GestureConnection, TokenBucket>();
  readonly #burst: number;
  readonly #perSecond: number;
  readonly #now: (() => number) | undefined;

  constructor(
    private readonly rooms: RoomRegistry,
    private readonly metrics: SignalMetrics,
    options: GesturesOptions = {},
  ) {
    this.#burst = options.reactionBurst ?? LIMITS.reactionBurst;
    this.#perSecond = 1000 / (options.reactionRefillMs ?? LIMITS.reactionRefillMs);
    this.#now = options.now;
  }

  async hand(connection: GestureConnection, message: HandMessage): Promise<void> {
    const session = connection.session;
    if (session === null) return sendError(connection, 'not-joined', this.metrics);
    if (!(await this.rooms.setHand(session.room, session.peerId, message.raised)))
      sendError(connection, 'not-joined', this.metrics);
  }

  async react(connection: GestureConnection, message: ReactMessage): Promise<void> {
    const session = connection.session;
    if (session === null) return sendError(connection, 'not-joined', this.metrics);
    if (!this.#bucketOf(connection).take()) return sendError(connection, 'rate-limited', this.metrics);
    if (!(await this.rooms.react(session.room, session.peerId, message.emoji)))
      sendError(connection, 'not-joined', this.metrics);
  }

  #bucketOf(connection: GestureConnection): TokenBucket {
    let bucket = this.#reactionBuckets.get(connection);
    if (bucket === undefined) {
      bucket = new TokenBucket({
        burst: this.#burst,
        perSecond: this.#perSecond,
        ...(this.#now === undefined ? {} : { now: this.#now }),
      });
      this.#reactionBuckets.set(connection, bucket);
    }
    return bucket;
  }
}
