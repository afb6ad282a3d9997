import type { JoinMessage, Peer, PeerId, ServerMessage, Topology } from '@app/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../../config.ts';
import type { SignalMetrics } from '../../plugins/metrics.ts';
import type { PasswordBackoff } from '../../limits/PasswordBackoff.ts';
import type { RoomRegistry } from '../../rooms/RoomRegistry.ts';
import { iceServersFor } from '../../turn/credentials.ts';
import { holdsSeat, type CloseReason } from '../closeReason.ts';
import { randomId } from '../randomId.ts';
import { sendError } from '../replies.ts';
import type { ResumeTokens } from '../ResumeTokens.ts';
import type { Scheduler } from '../scheduler.ts';
import type { Occupant, Seats } from './Seats.ts';
import { NO_MEDIA, type SeatMediaHooks } from './SeatMediaHooks.ts';
import { Session, type Outbox } from './Session.ts';

export type SeatingConfig = Pick<
  Config,
  | 'roomCapacity'
  | 'resumeGraceMs'
  | 'resumeQueueLimit'
  | 'stunUrls'
  | 'turnUrls'
  | 'turnSecret'
  | 'turnTtlSeconds'
>;

/** A connection as the seat rules use it: it sits in a seat, is sent messages, can be closed. */
export interface SeatedConnection extends Occupant, Outbox {
  /** The client address it came from, as the per-address limits count it. */
  readonly address: string;
  close(reason: CloseReason, code: number, text: string): void;
}

export interface SeatingParts<C extends SeatedConnection> {
  rooms: RoomRegistry;
  seats: Seats<C>;
  tokens: ResumeTokens;
  /** Wrong-password backoff for joins that are not a seated member coming back. */
  backoff: PasswordBackoff;
  metrics: SignalMetrics;
  log: Pick<FastifyBaseLogger, 'info' | 'warn'>;
  /** Runs the grace timers of held seats. */
  scheduler: Scheduler;
  /** The media server's part in joins and departures (default: none, every room a mesh). */
  media?: SeatMediaHooks;
}

/** What a resume token turned into: answered, a seat to recreate with its PeerId, or a new peer. */
type ResumeOutcome = 'done' | 'recreate' | 'fresh';

/** 128 random bits, base64url: unguessable, and safe in URLs, logs and Redis keys. */
const newPeerId = (): PeerId => randomId(16);

/**
 * Who sits where, and what happens to a seat when its connection goes: the `join` and
 * `leave` messages, resume, and seats held across a drop (the protocol README,
 * packages/protocol/README.md, has the rules as clients see them).
 *
 * - fresh: no token (or one that cannot be honoured as is) seats a new PeerId.
 * - resume: a token for a seat this process holds takes it back, with what was queued.
 * - claim: a token for a seat another process holds moves that seat here.
 * - recreate: a token for a seat that is gone (grace over, or a restart lost the room)
 *   seats its PeerId again, as a join; `resumed` says whether the room was told it left.
 * - hold: a connection lost to a fault keeps its seat for the grace period, queueing events.
 * - release: another process resumed the seat; it goes quietly.
 * - overflow: a held seat that queued too much is given up, with `peer-left`.
 *
 * Wrong passwords back off per room and address on the fresh path only: a seat resumed,
 * claimed or recreated is a member coming back (its signed token proves it), never a guess.
 */
export class Seating<C extends SeatedConnection> {
  readonly #config: SeatingConfig;
  readonly #rooms: RoomRegistry;
  readonly #seats: Seats<C>;
  readonly #tokens: ResumeTokens;
  readonly #backoff: PasswordBackoff;
  readonly #metrics: SignalMetrics;
  readonly #log: Pick<FastifyBaseLogger, 'info' | 'warn'>;
  readonly #scheduler: Scheduler;
  readonly #media: SeatMediaHooks;

  constructor(config: SeatingConfig, parts: SeatingParts<C>) {
    this.#config = config;
    this.#rooms = parts.rooms;
    this.#seats = parts.seats;
    this.#tokens = parts.tokens;
    this.#backoff = parts.backoff;
    this.#metrics = parts.metrics;
    this.#log = parts.log;
    this.#scheduler = parts.scheduler;
    this.#media = parts.media ?? NO_MEDIA;
  }

  async join(connection: C, message: JoinMessage): Promise<void> {
    if (connection.session !== null) return sendError(connection, 'already-joined', this.#metrics);
    const claim = message.resume === undefined ? undefined : this.#tokens.verify(message.resume);
    if (claim !== undefined && claim.room === message.room) {
      const resumed = await this.#resume(connection, message, claim.peerId);
      if (resumed === 'done') return;
      if (resumed === 'recreate') {
        // Nobody was told this seat went (a server restart): its connections still stand.
        const wasSeenLeaving = await this.#rooms.hasDeparted(message.room, claim.peerId);
        return this.#seat(connection, message, claim.peerId, { resumed: !wasSeenLeaving, isMember: true });
      }
    }
    // No token, a token for another room, or a seat that is not ours to take: a new peer.
    return this.#seat(connection, message, newPeerId(), { resumed: false, isMember: false });
  }

  async leave(connection: C): Promise<void> {
    const session = this.#seats.stand(connection);
    if (session === null) return sendError(connection, 'not-joined', this.#metrics);
    await this.#endSeat(session, 'leave');
  }

  /** The connection closed for `reason`: hold its seat for a resume, or free it now. */
  async connectionLost(connection: C, reason: CloseReason): Promise<void> {
    const session = this.#seats.stand(connection);
    if (session === null) return;
    const graceMs = this.#config.resumeGraceMs;
    if (holdsSeat(reason) && graceMs > 0) {
      session.hold(graceMs, (expired) => void this.#endSeat(expired, 'grace-expired'));
      this.#metrics.seatsHeld.set(this.#seats.countHeld());
      this.#log.info({ event: 'seat-held', room: session.room, peer: session.peerId }, 'holding seat');
      return;
    }
    await this.#endSeat(session, reason);
  }

  /** Another process resumed this seat: let go of it quietly. */
  release(peerId: PeerId): void {
    const session = this.#seats.sessionOf(peerId);
    if (session === undefined) return;
    const connection = this.#seats.connectionOf(peerId);
    const wasHeld = session.isHeld;
    this.#seats.remove(session);
    this.#media.released(peerId);
    if (wasHeld) this.#metrics.seatsHeld.set(this.#seats.countHeld());
    connection?.close('replaced', 1000, 'Resumed on another connection');
    this.#log.info(
      { event: 'seat-released', room: session.room, peer: peerId },
      'seat moved to another process',
    );
  }

  /**
   * Takes back a seat this process still holds for `peerId`, or claims it from the process
   * that does.
   */
  async #resume(connection: C, message: JoinMessage, peerId: PeerId): Promise<ResumeOutcome> {
    const held = this.#seats.sessionOf(peerId);
    if (held === undefined) {
      if (!(await this.#rooms.isMember(message.room, peerId))) return 'recreate';
      return this.#claim(connection, message, peerId);
    }
    if (held.room !== message.room || held.name !== message.name) return 'fresh';
    if (!(await this.#rooms.checkPassword(message.room, message.password))) {
      sendError(connection, 'wrong-password', this.#metrics);
      return 'done';
    }
    // The password check awaited: the seat may have ended or been taken meanwhile.
    if (this.#seats.sessionOf(peerId) !== held || held.isEnded) return 'recreate';
    if (connection.session !== null) {
      sendError(connection, 'already-joined', this.#metrics);
      return 'done';
    }
    // The old socket may still look open (a half-open TCP connection the heartbeat has not
    // caught yet): the token proves who this is, so the new socket takes the seat over.
    const previous = this.#seats.connectionOf(peerId);
    if (previous !== undefined) {
      this.#seats.stand(previous);
      previous.close('replaced', 1000, 'Resumed on another connection');
    }
    const peers = held.reattach();
    this.#seats.sit(held, connection);
    // What the client last knew; the queue replays every change since.
    const topology = held.toldTopology;
    connection.send(this.#joined(held, peers, true, topology));
    held.open(connection, peers, topology);
    this.#metrics.seatsHeld.set(this.#seats.countHeld());
    this.#log.info({ event: 'seat-resumed', room: held.room, peer: peerId }, 'peer resumed');
    return 'done';
  }

  /**
   * The seat is held by another process (the client reconnected through another one):
   * move it here. Events that process had queued for the seat are lost; the peers keep
   * their media, and negotiation repairs anything that was in flight.
   */
  async #claim(connection: C, message: JoinMessage, peerId: PeerId): Promise<'done' | 'fresh'> {
    if (!(await this.#rooms.checkPassword(message.room, message.password))) {
      sendError(connection, 'wrong-password', this.#metrics);
      return 'done';
    }
    const session = this.#newSession(peerId, message);
    this.#seats.sit(session, connection);
    const peers = await this.#rooms
      .claim(message.room, { id: peerId, name: message.name })
      .catch((error: unknown) => {
        this.#forget(session, connection);
        throw error;
      });
    if (peers === undefined) {
      this.#forget(session, connection);
      return 'fresh';
    }
    const admitted = await this.#admit(session, connection, peers.length + 1, message.media);
    // A resume brings nobody new: the room cannot have outgrown anything.
    const topology = admitted === 'room-full' ? 'mesh' : admitted;
    connection.send(this.#joined(session, peers, true, topology));
    session.open(connection, peers, topology);
    this.#log.info(
      { event: 'seat-claimed', room: session.room, peer: peerId },
      'peer resumed from another process',
    );
    return 'done';
  }

  /**
   * `isMember`: the join carries a valid resume token for this room, so it is someone who was
   * let in before (the owner among them), never a guess, and no backoff applies to them.
   */
  async #seat(
    connection: C,
    message: JoinMessage,
    peerId: PeerId,
    { resumed, isMember }: { resumed: boolean; isMember: boolean },
  ): Promise<void> {
    // Answered at once, never by delaying the reply: a slow answer would hold the socket
    // open and tell the person nothing.
    const attempt = isMember ? { ok: true as const } : this.#backoff.check(message.room, connection.address);
    if (!attempt.ok) {
      this.#metrics.refused('password-backoff');
      return sendError(connection, 'too-many-attempts', this.#metrics, attempt.retryAfterMs);
    }
    const session = this.#newSession(peerId, message);
    this.#seats.sit(session, connection);
    const outcome = await this.#media
      .joinLimit(message.room)
      .then((capacity) =>
        this.#rooms.join({
          room: message.room,
          peer: { id: peerId, name: message.name },
          password: message.password,
          capacity,
        }),
      )
      .catch((error: unknown) => {
        this.#forget(session, connection);
        throw error;
      });
    if (!outcome.ok) {
      this.#forget(session, connection);
      if (outcome.code === 'wrong-password' && !isMember)
        this.#backoff.failed(message.room, connection.address);
      sendError(connection, outcome.code, this.#metrics);
      return;
    }
    const topology = await this.#admit(session, connection, outcome.peers.length + 1, message.media);
    if (topology === 'room-full') {
      // The room outgrew the mesh and the media server could not take it.
      await this.#rooms.leave(message.room, peerId);
      this.#forget(session, connection);
      sendError(connection, 'room-full', this.#metrics);
      return;
    }
    this.#backoff.succeeded(message.room, connection.address);
    connection.send(this.#joined(session, outcome.peers, resumed, topology));
    session.open(connection, outcome.peers, topology);
    this.#log.info({ event: 'peer-joined', room: session.room, peer: peerId }, 'peer joined');
  }

  #newSession(peerId: PeerId, message: JoinMessage): Session {
    return new Session(
      peerId,
      message.room,
      message.name,
      this.#config.resumeQueueLimit,
      this.#onOverflow,
      this.#scheduler,
    );
  }

  /** One for every session: a held seat whose queue overflowed is given up. */
  readonly #onOverflow = (full: Session): void => {
    this.#log.info({ event: 'hold-overflow', room: full.room, peer: full.peerId }, 'held seat given up');
    void this.#endSeat(full, 'hold-overflow');
  };

  /** The media side's word on a seat that just entered; on failure the seat leaves again. */
  async #admit(
    session: Session,
    connection: C,
    size: number,
    mediaToken: string | undefined,
  ): Promise<Topology | 'room-full'> {
    try {
      return await this.#media.admit(session, size, mediaToken);
    } catch (error) {
      await this.#rooms.leave(session.room, session.peerId).catch(() => undefined);
      this.#forget(session, connection);
      throw error;
    }
  }

  #joined(session: Session, peers: Peer[], resumed: boolean, topology: Topology): ServerMessage {
    return {
      type: 'joined',
      room: session.room,
      self: session.peerId,
      peers,
      iceServers: iceServersFor(this.#config, session.peerId),
      capacity: this.#config.roomCapacity,
      resumeToken: this.#tokens.issue(session.peerId, session.room),
      resumed,
      ...(this.#media.isEnabled ? { topology } : {}),
    };
  }

  /** A seat that never made it into the room: gone without a word to anyone. */
  #forget(session: Session, connection: C): void {
    this.#seats.remove(session);
    // Another join for the same PeerId may have taken the seat meanwhile (two resumes with
    // one token): this connection still stands up from the one it tried.
    if (connection.session === session) this.#seats.stand(connection);
  }

  async #endSeat(session: Session, reason: string): Promise<void> {
    if (session.isEnded) return;
    // Counting held seats walks every session on this process: only a held seat ending changes it.
    const wasHeld = session.isHeld;
    this.#seats.remove(session);
    this.#media.ended(session);
    if (wasHeld) this.#metrics.seatsHeld.set(this.#seats.countHeld());
    this.#log.info({ event: 'peer-left', room: session.room, peer: session.peerId, reason }, 'peer left');
    try {
      // A missed pong is the one drop the browser did not choose and may not even know of
      // (it was frozen): the others keep their connection to it for a while.
      await this.#rooms.leave(session.room, session.peerId, reason === 'heartbeat' ? 'lost' : 'left');
    } catch (error) {
      // The store is unreachable; it reconciles this process's seats when it is back.
      this.#log.warn(
        { event: 'leave-failed', room: session.room, peer: session.peerId, err: String(error) },
        'leave failed',
      );
    }
  }
}
