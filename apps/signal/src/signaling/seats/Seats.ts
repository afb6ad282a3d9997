import type { PeerId } from '@app/protocol';
import type { Session } from './Session.ts';

/** A connection as the seats see it: which seat, if any, it sits in. */
export interface Occupant {
  session: Session | null;
}

/**
 * The seats this process owns, by PeerId: each one's session and the connection sitting in
 * it (none while the seat is held for a resume). Both directions are kept here, so neither
 * a delivery nor a takeover has to search: `connection.session` for what a socket sends,
 * `sessionOf`/`connectionOf` for what a room sends or a resume takes over.
 */
export class Seats<C extends Occupant> {
  readonly #sessions = new Map<PeerId, Session>();
  readonly #connections = new Map<PeerId, C>();

  sessionOf(peerId: PeerId): Session | undefined {
    return this.#sessions.get(peerId);
  }

  /** The connection sitting in `peerId`'s seat; undefined while the seat is held. */
  connectionOf(peerId: PeerId): C | undefined {
    const connection = this.#connections.get(peerId);
    const session = this.#sessions.get(peerId);
    return session !== undefined && connection?.session === session ? connection : undefined;
  }

  /** Seats `connection` in `session` (a new seat, or one taken back by a resume). */
  sit(session: Session, connection: C): void {
    this.#sessions.set(session.peerId, session);
    this.#connections.set(session.peerId, connection);
    connection.session = session;
  }

  /**
   * `connection` leaves its seat, which stays: held for a resume, or about to be ended.
   * Returns the seat it left, if any.
   */
  stand(connection: C): Session | null {
    const session = connection.session;
    if (session === null) return null;
    connection.session = null;
    if (this.#connections.get(session.peerId) === connection) this.#connections.delete(session.peerId);
    return session;
  }

  /** The seat is gone from this process for good: its session ends, its connection stands. */
  remove(session: Session): void {
    session.end();
    const { peerId } = session;
    if (this.#sessions.get(peerId) === session) this.#sessions.delete(peerId);
    const connection = this.#connections.get(peerId);
    if (connection?.session === session) {
      connection.session = null;
      this.#connections.delete(peerId);
    }
  }

  /** Seats held for a resume. Walks every seat: only worth it when a hold starts or ends. */
  countHeld(): number {
    let held = 0;
    for (const session of this.#sessions.values()) if (session.isHeld) held += 1;
    return held;
  }

  /** Ends every seat without telling anyone (shutdown: the clients resume after a restart). */
  clear(): void {
    for (const session of this.#sessions.values()) session.end();
    this.#sessions.clear();
    this.#connections.clear();
  }
}
