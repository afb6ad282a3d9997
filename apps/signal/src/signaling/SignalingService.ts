import { randomBytes } from 'node:crypto';
import {
  CLOSE_CODES,
  errorMessage,
  parseClientMessage,
  type ErrorCode,
  type JoinMessage,
  type ParseResult,
  type ClientMessage,
  type Peer,
  type PeerId,
  type ServerMessage,
  type SignalMessage,
} from '@app/protocol';
import type { FastifyBaseLogger } from 'fastify';
import { WebSocket, type RawData } from 'ws';
import type { SignalMetrics } from '../plugins/metrics.ts';
import type { RegistryHooks, RoomRegistry } from '../rooms/RoomRegistry.ts';
import { iceServersFor, type IceConfig } from '../turn/credentials.ts';
import type { ResumeTokens } from './ResumeTokens.ts';
import { Session, type Outbox } from './Session.ts';
import { RateLimiter } from './TokenBucket.ts';

export interface SignalingOptions {
  roomCapacity: number;
  heartbeatMs: number;
  rateBurst: number;
  ratePerSecond: number;
  rateStrikes: number;
  resumeGraceMs: number;
  /** Events queued for a held seat before it is given up. */
  resumeQueueLimit: number;
  ice: IceConfig;
  tokens: ResumeTokens;
}

/**
 * Why a socket closed, which decides what the room hears (issue 6): a `fault` (no close
 * frame, reset, injected drop) holds the seat for a resume; every other reason frees it
 * at once with `peer-left`; `shutdown` and `replaced` tell nobody anything.
 */
type CloseReason =
  | 'client'
  | 'fault'
  | 'heartbeat'
  | 'rate-limit'
  | 'too-big'
  | 'protocol'
  | 'shutdown'
  | 'replaced'
  | 'server-error';

/**
 * Bytes queued to one socket that is not reading them. Past this the socket is cut like a
 * network fault (the seat is held for resume), so a stalled client cannot make the server
 * buffer without bound.
 */
const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Connections pinged per event-loop turn by the heartbeat. */
const HEARTBEAT_SLICE = 200;

/** How long shutdown waits for clients to answer the 1001 close before cutting them off. */
const SHUTDOWN_CLOSE_WAIT_MS = 300;

let nextConnectionId = 1;

class Connection implements Outbox {
  readonly id = nextConnectionId++;
  isAlive = true;
  session: Session | null = null;
  closeReason: CloseReason | undefined;
  #chain: Promise<void> = Promise.resolve();

  constructor(
    readonly socket: WebSocket,
    readonly limiter: RateLimiter,
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
   * handled strictly in order even when a step awaits the registry (CONTRACT §2, order).
   */
  enqueue(task: () => Promise<void>, onError: (error: unknown) => void): void {
    this.#chain = this.#chain.then(task).catch(onError);
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

function frameText(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}

/** 128 random bits, base64url: unguessable, and safe in URLs, logs and Redis keys. */
function newPeerId(): PeerId {
  return randomBytes(16).toString('base64url');
}

/**
 * The signaling protocol (CONTRACT §2) over any number of sockets: validation, limits,
 * heartbeat, join/leave/relay through the room registry, and seats held for resume.
 */
export class SignalingService {
  readonly rooms: RoomRegistry;
  readonly #sessions = new Map<PeerId, Session>();
  readonly #connections = new Set<Connection>();
  readonly #heartbeat: NodeJS.Timeout;
  #isShuttingDown = false;

  constructor(
    private readonly options: SignalingOptions,
    createRegistry: (hooks: RegistryHooks) => RoomRegistry,
    private readonly metrics: SignalMetrics,
    private readonly log: FastifyBaseLogger,
  ) {
    this.rooms = createRegistry({
      deliver: (to, event) => this.#sessions.get(to)?.deliver(event),
      release: (peerId) => this.#release(peerId),
    });
    this.#heartbeat = setInterval(() => this.#beat(), options.heartbeatMs);
  }

  accept(socket: WebSocket): void {
    const { rateBurst, ratePerSecond, rateStrikes } = this.options;
    const connection = new Connection(
      socket,
      new RateLimiter({ burst: rateBurst, perSecond: ratePerSecond, maxStrikes: rateStrikes }),
    );
    if (this.#isShuttingDown) {
      connection.close('shutdown', CLOSE_CODES.goingAway, 'Server shutting down');
      return;
    }
    this.#connections.add(connection);
    this.metrics.connections.inc();
    socket.on('pong', () => {
      connection.isAlive = true;
    });
    socket.on('message', (raw, isBinary) => this.#onFrame(connection, raw, isBinary));
    socket.on('error', (error: Error & { code?: unknown }) => this.#onSocketError(connection, error));
    socket.once('close', (code) => this.#onClose(connection, code));
  }

  /** Fault injection: cut a peer's socket without a close frame, as a network drop would. */
  dropPeer(peerId: PeerId): boolean {
    const session = this.#sessions.get(peerId);
    const connection = session && this.#connectionOf(session);
    if (connection === undefined) return false;
    this.log.info({ event: 'fault-drop', peer: peerId }, 'dropping peer socket');
    connection.terminate('fault');
    return true;
  }

  get heldSeats(): number {
    let held = 0;
    for (const session of this.#sessions.values()) if (session.isHeld) held += 1;
    return held;
  }

  /**
   * Closes every socket with 1001 and tells no room anything: after a restart the clients
   * resume their seats, so a `peer-left` now would only cause churn.
   */
  async shutdown(): Promise<void> {
    this.#isShuttingDown = true;
    clearInterval(this.#heartbeat);
    for (const session of this.#sessions.values()) session.end();
    this.#sessions.clear();
    const closed = [...this.#connections].map(
      (connection) =>
        new Promise<void>((resolve) => {
          connection.socket.once('close', () => resolve());
          connection.close('shutdown', CLOSE_CODES.goingAway, 'Server shutting down');
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all(closed),
      new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_CLOSE_WAIT_MS))),
    ]);
    clearTimeout(timer);
    for (const connection of this.#connections) connection.terminate('shutdown');
    await this.rooms.close();
  }

  /**
   * Pings every connection, HEARTBEAT_SLICE at a time with the event loop free in between:
   * each ping is a socket write, and pinging 2,000 sockets in one turn stalled the relay
   * for 75-95 ms every interval.
   */
  #beat(): void {
    const connections = [...this.#connections];
    let index = 0;
    const step = (): void => {
      const end = Math.min(index + HEARTBEAT_SLICE, connections.length);
      for (; index < end; index++) {
        const connection = connections[index];
        if (connection !== undefined && this.#connections.has(connection)) this.#beatOne(connection);
      }
      if (index < connections.length && !this.#isShuttingDown) setImmediate(step);
    };
    step();
  }

  #beatOne(connection: Connection): void {
    if (!connection.isAlive) {
      this.log.info({ event: 'heartbeat-missed', connection: connection.id }, 'peer missed a pong');
      connection.terminate('heartbeat');
      return;
    }
    connection.isAlive = false;
    try {
      connection.socket.ping();
    } catch {
      // A socket that is already closing cannot be pinged; its close event is on its way.
    }
  }

  #onFrame(connection: Connection, raw: RawData, isBinary: boolean): void {
    this.metrics.messagesReceived.inc();
    if (this.#isShuttingDown) return;
    switch (connection.limiter.check()) {
      case 'close':
        this.log.info(
          { event: 'rate-limit-close', connection: connection.id },
          'closing flooding connection',
        );
        connection.close('rate-limit', CLOSE_CODES.policyViolation, 'Message rate too high');
        return;
      case 'refuse-and-tell':
        this.#sendError(connection, 'rate-limited');
        return;
      case 'refuse':
        return;
      case 'accept':
        break;
    }
    const parsed: ParseResult<ClientMessage> = isBinary
      ? { ok: false, reason: 'binary frame' }
      : parseClientMessage(frameText(raw));
    connection.enqueue(
      () => this.#handle(connection, parsed),
      (error) => {
        // Only the room store failing gets here (e.g. Redis away): close with 1011 so the
        // client reconnects with backoff and resumes, rather than wait for an answer.
        this.log.error({ event: 'handling-failed', connection: connection.id, err: String(error) }, 'failed');
        connection.close('server-error', 1011, 'Temporarily unavailable, reconnect');
      },
    );
  }

  async #handle(connection: Connection, parsed: ParseResult<ClientMessage>): Promise<void> {
    if (!parsed.ok) {
      this.log.debug({ event: 'bad-message', connection: connection.id, reason: parsed.reason }, 'refused');
      this.#sendError(connection, 'bad-message');
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'join':
        return this.#join(connection, message);
      case 'signal':
        return this.#signal(connection, message);
      case 'leave':
        return this.#leave(connection);
    }
  }

  async #signal(connection: Connection, message: SignalMessage): Promise<void> {
    const session = connection.session;
    if (session === null) return this.#sendError(connection, 'not-joined');
    // `from` is always this connection's own PeerId, whatever the frame claimed.
    const isRelayed = await this.rooms.relay(session.room, session.peerId, message.to, message.data);
    if (isRelayed) this.metrics.messagesRelayed.inc();
    else this.#sendError(connection, 'unknown-peer');
  }

  async #leave(connection: Connection): Promise<void> {
    const session = connection.session;
    if (session === null) return this.#sendError(connection, 'not-joined');
    connection.session = null;
    await this.#endSeat(session, 'leave');
  }

  async #join(connection: Connection, message: JoinMessage): Promise<void> {
    if (connection.session !== null) return this.#sendError(connection, 'already-joined');
    const claim = message.resume === undefined ? undefined : this.options.tokens.verify(message.resume);
    if (claim !== undefined && claim.room === message.room) {
      const resumed = await this.#resume(connection, message, claim.peerId);
      if (resumed === 'done') return;
      if (resumed === 'recreate') return this.#seat(connection, message, claim.peerId);
    }
    // No token, a token for another room, or a seat that is not ours to take: a new peer.
    return this.#seat(connection, message, newPeerId());
  }

  /**
   * Takes back a seat this process still holds for `peerId` (issue 6). 'recreate' means
   * the seat is gone (grace expired, or a restart lost the room) and a new one may be made
   * with the same PeerId; 'fresh' means the token cannot be honoured as is.
   */
  async #resume(
    connection: Connection,
    message: JoinMessage,
    peerId: PeerId,
  ): Promise<'done' | 'recreate' | 'fresh'> {
    const held = this.#sessions.get(peerId);
    if (held === undefined) {
      if (!(await this.rooms.isMember(message.room, peerId))) return 'recreate';
      return this.#claim(connection, message, peerId);
    }
    if (held.room !== message.room || held.name !== message.name) return 'fresh';
    if (!(await this.rooms.checkPassword(message.room, message.password))) {
      this.#sendError(connection, 'wrong-password');
      return 'done';
    }
    if (this.#sessions.get(peerId) !== held || held.isEnded) return 'recreate';
    if (connection.session !== null) {
      this.#sendError(connection, 'already-joined');
      return 'done';
    }
    // The old socket may still look open (a half-open TCP connection the heartbeat has not
    // caught yet): the token proves who this is, so the new socket takes the seat over.
    const previous = this.#connectionOf(held);
    if (previous !== undefined) {
      previous.session = null;
      previous.close('replaced', 1000, 'Resumed on another connection');
    }
    const peers = held.reattach();
    connection.session = held;
    connection.send(this.#joined(held, peers, true));
    held.open(connection, peers);
    this.metrics.seatsHeld.set(this.heldSeats);
    this.log.info({ event: 'seat-resumed', room: held.room, peer: peerId }, 'peer resumed');
    return 'done';
  }

  /**
   * The seat is held by another process (the client reconnected through another one):
   * move it here. Events that process had queued for the seat are lost; the peers keep
   * their media, and negotiation repairs anything that was in flight.
   */
  async #claim(connection: Connection, message: JoinMessage, peerId: PeerId): Promise<'done' | 'fresh'> {
    if (!(await this.rooms.checkPassword(message.room, message.password))) {
      this.#sendError(connection, 'wrong-password');
      return 'done';
    }
    const session = this.#newSession(peerId, message);
    this.#sessions.set(peerId, session);
    connection.session = session;
    const peers = await this.rooms
      .claim(message.room, { id: peerId, name: message.name })
      .catch((error: unknown) => {
        this.#forget(session, connection);
        throw error;
      });
    if (peers === undefined) {
      this.#forget(session, connection);
      return 'fresh';
    }
    connection.send(this.#joined(session, peers, true));
    session.open(connection, peers);
    this.log.info(
      { event: 'seat-claimed', room: session.room, peer: peerId },
      'peer resumed from another process',
    );
    return 'done';
  }

  #newSession(peerId: PeerId, message: JoinMessage): Session {
    return new Session(peerId, message.room, message.name, this.options.resumeQueueLimit, (full) => {
      this.log.info({ event: 'hold-overflow', room: full.room, peer: full.peerId }, 'held seat given up');
      void this.#endSeat(full, 'hold-overflow');
    });
  }

  async #seat(connection: Connection, message: JoinMessage, peerId: PeerId): Promise<void> {
    const session = this.#newSession(peerId, message);
    this.#sessions.set(peerId, session);
    connection.session = session;
    const outcome = await this.rooms
      .join({ room: message.room, peer: { id: peerId, name: message.name }, password: message.password })
      .catch((error: unknown) => {
        this.#forget(session, connection);
        throw error;
      });
    if (!outcome.ok) {
      this.#forget(session, connection);
      this.#sendError(connection, outcome.code);
      return;
    }
    connection.send(this.#joined(session, outcome.peers, false));
    session.open(connection, outcome.peers);
    this.log.info({ event: 'peer-joined', room: session.room, peer: peerId }, 'peer joined');
  }

  #joined(session: Session, peers: Peer[], resumed: boolean): ServerMessage {
    return {
      type: 'joined',
      room: session.room,
      self: session.peerId,
      peers,
      iceServers: iceServersFor(this.options.ice, session.peerId),
      capacity: this.options.roomCapacity,
      resumeToken: this.options.tokens.issue(session.peerId, session.room),
      resumed,
    };
  }

  #forget(session: Session, connection?: Connection): void {
    session.end();
    if (this.#sessions.get(session.peerId) === session) this.#sessions.delete(session.peerId);
    if (connection?.session === session) connection.session = null;
  }

  async #endSeat(session: Session, reason: string): Promise<void> {
    if (session.isEnded) return;
    // Counting held seats walks every session on this process: only a held seat ending changes it.
    const wasHeld = session.isHeld;
    session.end();
    if (this.#sessions.get(session.peerId) === session) this.#sessions.delete(session.peerId);
    if (wasHeld) this.metrics.seatsHeld.set(this.heldSeats);
    this.log.info({ event: 'peer-left', room: session.room, peer: session.peerId, reason }, 'peer left');
    try {
      await this.rooms.leave(session.room, session.peerId);
    } catch (error) {
      // The store is unreachable; it reconciles this process's seats when it is back.
      this.log.warn(
        { event: 'leave-failed', room: session.room, peer: session.peerId, err: String(error) },
        'leave failed',
      );
    }
  }

  /** Another process resumed this seat: let go of it quietly. */
  #release(peerId: PeerId): void {
    const session = this.#sessions.get(peerId);
    if (session === undefined) return;
    const connection = this.#connectionOf(session);
    const wasHeld = session.isHeld;
    this.#forget(session);
    if (wasHeld) this.metrics.seatsHeld.set(this.heldSeats);
    if (connection !== undefined) {
      connection.session = null;
      connection.close('replaced', 1000, 'Resumed on another connection');
    }
    this.log.info(
      { event: 'seat-released', room: session.room, peer: peerId },
      'seat moved to another process',
    );
  }

  #connectionOf(session: Session): Connection | undefined {
    for (const connection of this.#connections) if (connection.session === session) return connection;
    return undefined;
  }

  #onSocketError(connection: Connection, error: Error & { code?: unknown }): void {
    // ws closes the socket itself after a protocol error (1009 for an oversized frame,
    // 1002 for a bad frame); that is the client's doing, so its seat is not held. Other
    // errors (ECONNRESET and the like) are network faults: the seat is held for resume.
    if (error.code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') connection.closeReason ??= 'too-big';
    else if (typeof error.code === 'string' && error.code.startsWith('WS_ERR_'))
      connection.closeReason ??= 'protocol';
    this.log.debug({ event: 'socket-error', connection: connection.id, code: error.code }, 'socket error');
  }

  #onClose(connection: Connection, code: number): void {
    this.#connections.delete(connection);
    this.metrics.connections.dec();
    // 1006: the socket ended without a close frame, the mark of a network drop or crash.
    const reason = connection.closeReason ?? (code === 1006 ? 'fault' : 'client');
    this.metrics.closes.inc({ reason });
    connection.enqueue(
      async () => {
        const session = connection.session;
        if (session === null || this.#isShuttingDown) return;
        connection.session = null;
        // A network fault, or our own store failing, is not the person leaving: hold the seat.
        const isAbnormal = reason === 'fault' || reason === 'server-error';
        if (isAbnormal && this.options.resumeGraceMs > 0) {
          session.hold(this.options.resumeGraceMs, (expired) => void this.#endSeat(expired, 'grace-expired'));
          this.metrics.seatsHeld.set(this.heldSeats);
          this.log.info({ event: 'seat-held', room: session.room, peer: session.peerId }, 'holding seat');
          return;
        }
        await this.#endSeat(session, reason);
      },
      // String(error): the logger would copy every field of a store error, including the command it ran.
      (error) =>
        this.log.error(
          { event: 'close-failed', connection: connection.id, err: String(error) },
          'close handling failed',
        ),
    );
  }

  #sendError(connection: Connection, code: ErrorCode): void {
    this.metrics.errors.inc({ code });
    connection.send({ type: 'error', code, message: errorMessage(code) });
  }
}
