import type { SignalMessage } from '@app/protocol';
import type { SignalMetrics } from '../plugins/metrics.ts';
import type { RoomRegistry } from '../rooms/RoomRegistry.ts';
import { sendError } from './replies.ts';
import type { Occupant } from './seats/Seats.ts';
import type { Outbox } from './seats/Session.ts';

/** The `signal` message: relayed to one peer in the sender's room. */
export class Relay {
  constructor(
    private readonly rooms: RoomRegistry,
    private readonly metrics: SignalMetrics,
  ) {}

  /** Synchronous when the registry answers synchronously (both peers in this process). */
  signal(connection: Occupant & Outbox, message: SignalMessage): void | Promise<void> {
    const session = connection.session;
    if (session === null) return sendError(connection, 'not-joined', this.metrics);
    // `from` is always this connection's own PeerId, whatever the frame claimed.
    const isRelayed = this.rooms.relay(session.room, session.peerId, message.to, message.data);
    if (typeof isRelayed === 'boolean') return this.#relayed(connection, isRelayed);
    return isRelayed.then((answer) => this.#relayed(connection, answer));
  }

  #relayed(connection: Outbox, isRelayed: boolean): void {
    if (isRelayed) this.metrics.messagesRelayed.inc();
    else sendError(connection, 'unknown-peer', this.metrics);
  }
}
