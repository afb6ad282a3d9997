import {
  CLOSE_CODES,
  parseClientMessage,
  type ClientMessage,
  type ParseResult,
  type PeerId,
} from '@app/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { RawData, WebSocket } from 'ws';
import type { Config } from '../config.ts';
import { PasswordBackoff } from '../limits/PasswordBackoff.ts';
import type { CreateMediaRooms, MediaConfig, MediaRooms } from '../media/index.ts';
import type { SignalMetrics } from '../plugins/metrics.ts';
import type { RegistryFactory, RoomRegistry } from '../rooms/RoomRegistry.ts';
import { reasonOfClose, reasonOfSocketError, type CloseReason } from './closeReason.ts';
import { Connection } from './Connection.ts';
import { dispatch, type MessageHandlers } from './dispatch.ts';
import { Gestures } from './Gestures.ts';
import { Heartbeat } from './Heartbeat.ts';
import { Relay } from './Relay.ts';
import { sendError } from './replies.ts';
import { ResumeTokens } from './ResumeTokens.ts';
import { systemScheduler, type Scheduler, type Timer } from './scheduler.ts';
import { Seating, type SeatingConfig } from './seats/Seating.ts';
import { Seats } from './seats/Seats.ts';
import { RateLimiter } from './TokenBucket.ts';

export type SignalingConfig = SeatingConfig &
  MediaConfig &
  Pick<
    Config,
    'heartbeatMs' | 'rateBurst' | 'ratePerSecond' | 'rateStrikes' | 'resumeSecret' | 'passwordBackoffMaxMs'
  >;

/** How long shutdown waits for clients to answer the 1001 close before cutting them off. */
const SHUTDOWN_CLOSE_WAIT_MS = 300;

/** Resume tokens outlive any one connection; a day covers the longest call. */
const RESUME_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

const BINARY_FRAME: ParseResult<ClientMessage> = { ok: false, reason: 'binary frame' };

/**
 * The connection a socket serves, kept on the socket itself: every socket shares the same
 * listeners (which find it here), so an idle peer costs no closures of its own.
 */
const CONNECTION = Symbol('connection');
type ServedSocket = WebSocket & { [CONNECTION]: Connection };
const connectionOf = (socket: WebSocket): Connection => (socket as ServedSocket)[CONNECTION];

function onPong(this: WebSocket): void {
  connectionOf(this).isAlive = true;
}

function frameText(raw: RawData): string {
  if (Buffer.isBuffer(raw)) return raw.toString('utf8');
  if (Array.isArray(raw)) return Buffer.concat(raw).toString('utf8');
  return Buffer.from(raw).toString('utf8');
}

/**
 * The signaling protocol over any number of sockets: each frame is rate-limited, parsed
 * and handed, in order per connection, to the handler of its type; the heartbeat drops
 * silent sockets; a closed socket's seat goes to the seat rules. What each message does
 * lives with its concern (`Seating` for join/leave, `Relay` for signal, `Gestures` for
 * hand/react), so a new message type is a new entry in `#handlers`, and a new concern a
 * new module beside those.
 */
export class SignalingService {
  readonly rooms: RoomRegistry;
  /** The media server's side of rooms; undefined without JANUS_URLS (every room a mesh). */
  readonly media: MediaRooms | undefined;
  readonly #connections = new Set<Connection>();
  readonly #seats = new Seats<Connection>();
  readonly #seating: Seating<Connection>;
  readonly #handlers: MessageHandlers<Connection>;
  readonly #heartbeat: Heartbeat<Connection>;
  readonly #scheduler: Scheduler;
  /** A socket's listeners, shared by every socket (see CONNECTION). */
  readonly #listeners: {
    message: (this: WebSocket, raw: RawData, isBinary: boolean) => void;
    error: (this: WebSocket, error: Error & { code?: unknown }) => void;
    close: (this: WebSocket, code: number) => void;
  };
  #isShuttingDown = false;

  constructor(
    private readonly config: SignalingConfig,
    createRegistry: RegistryFactory,
    private readonly metrics: SignalMetrics,
    private readonly log: FastifyBaseLogger,
    scheduler: Scheduler = systemScheduler,
    /** The media server's side, loaded by `loadMediaRooms` when JANUS_URLS names one. */
    createMediaRooms?: CreateMediaRooms,
  ) {
    this.#scheduler = scheduler;
    // eslint-disable-next-line @typescript-eslint/no-this-alias -- the listeners' `this` is the socket
    const service = this;
    this.#listeners = {
      message(raw, isBinary) {
        service.#onFrame(connectionOf(this), raw, isBinary);
      },
      error(error) {
        service.#onSocketError(connectionOf(this), error);
      },
      close(code) {
        service.#onClose(connectionOf(this), code);
      },
    };
    this.rooms = createRegistry({
      deliver: (to, event) => {
        this.media?.onEvent(to, event);
        this.#seats.sessionOf(to)?.deliver(event);
      },
      release: (peerId) => this.#seating.release(peerId),
      roomClosed: (room, record) => this.media?.roomClosed(room, record),
      draining: (servers, moveNow) => this.media?.placement.drain(servers, moveNow),
    });
    const media = createMediaRooms?.(config, {
      rooms: this.rooms,
      metrics,
      log,
      scheduler,
      send: (to, event) => this.#seats.sessionOf(to)?.deliver(event),
    });
    this.media = media;
    const tokens = new ResumeTokens(config.resumeSecret, RESUME_TOKEN_TTL_MS);
    const seating = new Seating(config, {
      rooms: this.rooms,
      seats: this.#seats,
      tokens,
      backoff: new PasswordBackoff({ maxWaitMs: config.passwordBackoffMaxMs }),
      metrics,
      log,
      scheduler,
      ...(media ? { media } : {}),
    });
    const relay = new Relay(this.rooms, metrics);
    const gestures = new Gestures(this.rooms, metrics);
    this.#seating = seating;
    this.#handlers = {
      join: (connection, message) => seating.join(connection, message),
      signal: (connection, message) => relay.signal(connection, message),
      leave: (connection) => seating.leave(connection),
      hand: (connection, message) => gestures.hand(connection, message),
      react: (connection, message) => gestures.react(connection, message),
      ...(media
        ? {
            'media-publish': (connection, message) => media.publish(connection, message),
            'media-subscribe-answer': (connection, message) => media.answer(connection, message),
            'media-candidate': (connection, message) => media.candidate(connection, message),
            'media-layers': (connection, message) => media.layers(connection, message),
            'media-restart': (connection) => media.restart(connection),
            'media-resubscribe': (connection) => media.resubscribe(connection),
          }
        : {
            // Without a media server every room is a mesh: media-server messages mean nothing here.
            'media-publish': async (connection) => sendError(connection, 'bad-message', metrics),
            'media-subscribe-answer': async (connection) => sendError(connection, 'bad-message', metrics),
            'media-candidate': async (connection) => sendError(connection, 'bad-message', metrics),
            'media-layers': async (connection) => sendError(connection, 'bad-message', metrics),
            'media-restart': async (connection) => sendError(connection, 'bad-message', metrics),
            'media-resubscribe': async (connection) => sendError(connection, 'bad-message', metrics),
          }),
    };
    this.#heartbeat = new Heartbeat(this.#connections, {
      intervalMs: config.heartbeatMs,
      scheduler,
      onMissed: (connection) => {
        this.log.info({ event: 'heartbeat-missed', connection: connection.id }, 'peer missed a pong');
        connection.terminate('heartbeat');
      },
    });
    this.#heartbeat.start();
  }

  /** Serves a new socket from the client at `address` (its per-address limits key). */
  accept(socket: WebSocket, address: string): void {
    const { rateBurst, ratePerSecond, rateStrikes } = this.config;
    const connection = new Connection(
      socket,
      new RateLimiter({ burst: rateBurst, perSecond: ratePerSecond, maxStrikes: rateStrikes }),
      address,
    );
    if (this.#isShuttingDown) {
      connection.close('shutdown', CLOSE_CODES.goingAway, 'Server shutting down');
      return;
    }
    this.#connections.add(connection);
    this.metrics.connections.inc();
    (socket as ServedSocket)[CONNECTION] = connection;
    const listeners = this.#listeners;
    socket.on('pong', onPong);
    socket.on('message', listeners.message);
    socket.on('error', listeners.error);
    // A socket closes once ('on' rather than 'once', which wraps the listener per socket).
    socket.on('close', listeners.close);
  }

  /** Fault injection: cut a peer's socket without a close frame, as a network drop would. */
  dropPeer(peerId: PeerId): boolean {
    const connection = this.#seats.connectionOf(peerId);
    if (connection === undefined) return false;
    this.log.info({ event: 'fault-drop', peer: peerId }, 'dropping peer socket');
    connection.terminate('fault');
    return true;
  }

  /**
   * Closes every socket with 1001 and tells no room anything: after a restart the clients
   * resume their seats, so a `peer-left` now would only cause churn.
   */
  async shutdown(): Promise<void> {
    this.#isShuttingDown = true;
    this.#heartbeat.stop();
    this.#seats.clear();
    const closed = [...this.#connections].map(
      (connection) =>
        new Promise<void>((resolve) => {
          connection.socket.once('close', () => resolve());
          connection.close('shutdown', CLOSE_CODES.goingAway, 'Server shutting down');
        }),
    );
    let timer: Timer | undefined;
    await Promise.race([
      Promise.all(closed),
      new Promise((resolve) => (timer = this.#scheduler.after(SHUTDOWN_CLOSE_WAIT_MS, () => resolve(null)))),
    ]);
    timer?.cancel();
    for (const connection of this.#connections) connection.terminate('shutdown');
    // Media-server sessions stay on Janus for the restarted process to claim: media flows on.
    await this.media?.shutdown();
    await this.rooms.close();
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
        sendError(connection, 'rate-limited', this.metrics);
        return;
      case 'refuse':
        return;
      case 'accept':
        break;
    }
    // Parsed once, here, in the order frames arrive; handled in order by `run`.
    const parsed: ParseResult<ClientMessage> = isBinary ? BINARY_FRAME : parseClientMessage(frameText(raw));
    connection.run(this.#handle, parsed, this.#handlingFailed);
  }

  /** One frame's handling: synchronous for a relay in memory, a promise when it awaits the store. */
  readonly #handle = (connection: Connection, parsed: ParseResult<ClientMessage>): void | Promise<void> => {
    if (!parsed.ok) {
      this.log.debug({ event: 'bad-message', connection: connection.id, reason: parsed.reason }, 'refused');
      sendError(connection, 'bad-message', this.metrics);
      return;
    }
    const message = parsed.value;
    return dispatch(this.#handlers, connection, message.type, message);
  };

  // Only the room store failing gets here (e.g. Redis away): close with 1011 so the client
  // reconnects with backoff and resumes, rather than wait for an answer.
  readonly #handlingFailed = (connection: Connection, error: unknown): void => {
    this.log.error({ event: 'handling-failed', connection: connection.id, err: String(error) }, 'failed');
    connection.close('server-error', 1011, 'Temporarily unavailable, reconnect');
  };

  #onSocketError(connection: Connection, error: Error & { code?: unknown }): void {
    connection.closeReason ??= reasonOfSocketError(error.code);
    this.log.debug({ event: 'socket-error', connection: connection.id, code: error.code }, 'socket error');
  }

  #onClose(connection: Connection, code: number): void {
    this.#connections.delete(connection);
    this.metrics.connections.dec();
    const reason = reasonOfClose(connection.closeReason, code);
    this.metrics.closes.inc({ reason });
    connection.run(this.#lost, reason, this.#lostFailed);
  }

  readonly #lost = (connection: Connection, reason: CloseReason): void | Promise<void> =>
    this.#isShuttingDown ? undefined : this.#seating.connectionLost(connection, reason);

  // String(error): the logger would copy every field of a store error, including the command it ran.
  readonly #lostFailed = (connection: Connection, error: unknown): void =>
    this.log.error(
      { event: 'close-failed', connection: connection.id, err: String(error) },
      'close handling failed',
    );
}
