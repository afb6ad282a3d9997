import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { systemClock, type Clock } from './clock.ts';
import { fromCoreError, MediaServerError } from './errors.ts';
import type { JanusTransport } from './JanusHandle.ts';
import { JanusSession } from './JanusSession.ts';
import { KEEPALIVE_MS } from './Keepalive.ts';
import { parseJanusFrame, type JanusMessage, type JanusReply, type ServerInfo } from './messages.ts';

/** The subset of a pino logger this module uses. Nothing logged names a URL, a secret or an SDP. */
export interface JanusLogger {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

const silentLogger: JanusLogger = { info() {}, warn() {} };

export interface JanusConnectionOptions {
  /** A Janus WebSocket API URL: `ws://host:8188` or `ws+unix:///path/to/socket:/`. */
  url: string;
  apiSecret?: string;
  /** How logs name this server (never by its URL). */
  label?: string;
  /** A request with no answer by then fails with `media-server-timeout`. */
  requestTimeoutMs?: number;
  keepaliveMs?: number;
  /** Waits between reconnection attempts; the last one repeats. */
  reconnectDelaysMs?: readonly number[];
  clock?: Clock;
  logger?: JanusLogger;
}

export type ConnectionEvents = {
  /** The WebSocket went away; reconnection has begun. */
  disconnected: [];
  /** A new WebSocket is up and each session was claimed back, or found lost. */
  reconnected: [{ claimed: number[]; lost: number[] }];
};

interface Pending {
  operation: string;
  waitsForEvent: boolean;
  resolve: (reply: JanusReply) => void;
  reject: (error: MediaServerError) => void;
  cancelTimer: () => void;
}

/**
 * The signaling server's connection to one Janus, over Janus's WebSocket API: transactions
 * with timeouts, sessions with keepalives, and, when the socket breaks, reconnection that
 * claims every session back so that nobody's media is cut (Janus keeps a session whose
 * transport went away for reclaim_session_timeout seconds).
 */
export class JanusConnection extends EventEmitter<ConnectionEvents> implements JanusTransport {
  readonly #options: Required<Omit<JanusConnectionOptions, 'apiSecret'>> & { apiSecret?: string };
  readonly #pending = new Map<string, Pending>();
  readonly #sessions = new Map<number, JanusSession>();
  #socket: WebSocket | undefined;
  #isClosed = false;
  #reconnectAttempt = 0;
  #cancelReconnect: (() => void) | undefined;

  constructor(options: JanusConnectionOptions) {
    super();
    this.#options = {
      label: 'janus',
      requestTimeoutMs: 10_000,
      keepaliveMs: KEEPALIVE_MS,
      reconnectDelaysMs: [250, 500, 1000, 2000, 5000],
      clock: systemClock,
      logger: silentLogger,
      ...options,
    };
  }

  get isOpen(): boolean {
    return this.#socket?.readyState === WebSocket.OPEN;
  }

  get sessions(): JanusSession[] {
    return [...this.#sessions.values()];
  }

  /** Opens the WebSocket; rejects with `media-server-unavailable` when Janus cannot be reached. */
  async connect(): Promise<void> {
    if (this.#socket) return;
    this.#isClosed = false;
    await this.#open();
  }

  async info(): Promise<ServerInfo> {
    const reply = await this.request({ janus: 'info' }, 'info');
    if (reply.janus !== 'server_info') throw new MediaServerError('media-server-error', 'info');
    return reply;
  }

  async createSession(): Promise<JanusSession> {
    const reply = await this.request({ janus: 'create' }, 'create');
    if (reply.janus !== 'success' || !reply.data) throw new MediaServerError('media-server-error', 'create');
    return this.#track(reply.data.id);
  }

  /** Takes over a session another connection (or process) had, e.g. after a server restart. */
  async claimSession(id: number): Promise<JanusSession> {
    await this.request({ janus: 'claim', session_id: id }, 'claim');
    return this.#sessions.get(id) ?? this.#track(id);
  }

  request(body: Record<string, unknown>, operation: string, waitsForEvent = false): Promise<JanusReply> {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) {
      return Promise.reject(new MediaServerError('media-server-unavailable', operation));
    }
    const transaction = randomBytes(12).toString('base64url');
    const secret = this.#options.apiSecret ? { apisecret: this.#options.apiSecret } : {};
    return new Promise((resolve, reject) => {
      const cancelTimer = this.#options.clock.after(this.#options.requestTimeoutMs, () => {
        this.#pending.delete(transaction);
        this.#options.logger.warn(
          { janus: this.#options.label, operation },
          'media server request timed out',
        );
        reject(new MediaServerError('media-server-timeout', operation));
      });
      this.#pending.set(transaction, { operation, waitsForEvent, resolve, reject, cancelTimer });
      socket.send(JSON.stringify({ ...body, transaction, ...secret }));
    });
  }

  /**
   * Closes the WebSocket. With `keepSessions`, the sessions stay on Janus for another process
   * to claim (a restart); otherwise they are destroyed first.
   */
  async close({ keepSessions = false }: { keepSessions?: boolean } = {}): Promise<void> {
    this.#isClosed = true;
    this.#cancelReconnect?.();
    if (!keepSessions) {
      await Promise.allSettled(this.sessions.map((session) => session.destroy()));
    }
    for (const session of this.sessions) session.release();
    const socket = this.#socket;
    if (socket && socket.readyState !== WebSocket.CLOSED) {
      const closed = new Promise((resolve) => socket.once('close', resolve));
      socket.close(1000);
      await closed;
    }
    this.removeAllListeners();
  }

  /** Fault injection: the socket dies as in a network cut (no closing handshake). */
  dropSocket(): void {
    this.#socket?.terminate();
  }

  #track(id: number): JanusSession {
    const session = new JanusSession(this, id, {
      keepaliveMs: this.#options.keepaliveMs,
      clock: this.#options.clock,
      onEnded: (ended) => this.#sessions.delete(ended.id),
      onKeepaliveFailed: (failed, error) =>
        this.#options.logger.warn(
          {
            janus: this.#options.label,
            session: failed.id,
            code: error instanceof MediaServerError ? error.code : 'unknown',
          },
          'media server keepalive failed',
        ),
    });
    this.#sessions.set(id, session);
    return session;
  }

  #open(): Promise<void> {
    return new Promise((resolve, reject) => {
      const socket = new WebSocket(this.#options.url, 'janus-protocol', {
        handshakeTimeout: this.#options.requestTimeoutMs,
      });
      // The error's text names the address: it never leaves this function. After the
      // socket opened, an error is always followed by 'close', which does the work.
      socket.on('error', () => reject(new MediaServerError('media-server-unavailable', 'connect')));
      socket.once('open', () => {
        this.#socket = socket;
        resolve();
      });
      socket.on('message', (data) => this.#receive(String(data)));
      socket.on('close', () => this.#onClose(socket));
    });
  }

  #onClose(socket: WebSocket): void {
    if (socket !== this.#socket) return;
    this.#socket = undefined;
    for (const [transaction, pending] of this.#pending) {
      this.#pending.delete(transaction);
      pending.cancelTimer();
      pending.reject(new MediaServerError('media-server-unavailable', pending.operation));
    }
    if (this.#isClosed) return;
    this.#options.logger.warn({ janus: this.#options.label }, 'media server connection lost; reconnecting');
    this.emit('disconnected');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    const delays = this.#options.reconnectDelaysMs;
    const delay = delays[Math.min(this.#reconnectAttempt, delays.length - 1)] ?? 1000;
    this.#reconnectAttempt += 1;
    this.#cancelReconnect = this.#options.clock.after(delay, () => {
      this.#cancelReconnect = undefined;
      if (this.#isClosed) return;
      this.#open().then(
        () => (this.#isClosed ? this.#socket?.close(1000) : this.#claimAll()),
        () => this.#scheduleReconnect(),
      );
    });
  }

  async #claimAll(): Promise<void> {
    this.#reconnectAttempt = 0;
    const claimed: number[] = [];
    const lost: number[] = [];
    for (const session of this.sessions) {
      try {
        await this.request({ janus: 'claim', session_id: session.id }, 'claim');
        claimed.push(session.id);
      } catch (error) {
        // The socket broke again: the next reconnection claims what is left.
        if (error instanceof MediaServerError && error.code === 'media-server-unavailable') return;
        lost.push(session.id);
        session.markLost('not-claimed');
      }
    }
    this.#options.logger.info(
      { janus: this.#options.label, claimed: claimed.length, lost: lost.length },
      'media server connection back',
    );
    this.emit('reconnected', { claimed, lost });
  }

  #receive(text: string): void {
    const parsed = parseJanusFrame(text);
    if (!parsed.ok) {
      this.#options.logger.warn(
        { janus: this.#options.label, reason: parsed.reason },
        'unexpected media server frame',
      );
      const pending = parsed.transaction ? this.#pending.get(parsed.transaction) : undefined;
      if (pending && parsed.transaction) this.#settle(parsed.transaction, pending, undefined);
      return;
    }
    const message = parsed.message;
    const pending =
      'transaction' in message && message.transaction ? this.#pending.get(message.transaction) : undefined;
    if (pending && 'transaction' in message && message.transaction) {
      // An ack only says an asynchronous request was taken: its event with the same transaction follows.
      if (message.janus === 'ack' && pending.waitsForEvent) return;
      this.#settle(message.transaction, pending, message);
      return;
    }
    this.#route(message);
  }

  #settle(transaction: string, pending: Pending, message: JanusMessage | undefined): void {
    this.#pending.delete(transaction);
    pending.cancelTimer();
    if (!message) {
      pending.reject(new MediaServerError('media-server-error', pending.operation));
    } else if (message.janus === 'error') {
      pending.reject(fromCoreError(message.error.code, pending.operation));
    } else if (
      message.janus === 'success' ||
      message.janus === 'ack' ||
      message.janus === 'server_info' ||
      message.janus === 'event'
    ) {
      pending.resolve(message);
    } else {
      pending.reject(new MediaServerError('media-server-error', pending.operation));
    }
  }

  #route(message: JanusMessage): void {
    switch (message.janus) {
      case 'timeout':
        this.#sessions.get(message.session_id)?.markLost('timeout');
        break;
      case 'event':
      case 'trickle':
      case 'webrtcup':
      case 'media':
      case 'slowlink':
      case 'hangup':
      case 'detached':
        this.#sessions.get(message.session_id)?.dispatch(message);
        break;
      default:
      // A late answer to a request that already timed out.
    }
  }
}
