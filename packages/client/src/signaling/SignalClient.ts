/**
 * The signaling connection: one WebSocket to `/ws` (the protocol README of @app/protocol),
 * typed events for what the server says, and a session that survives drops.
 *
 * After an unexpected close it reconnects with exponential backoff and jitter (first retry
 * within ~300 ms, capped at 5 s) and joins again with the `resumeToken` of the last
 * `joined`, the same name and password, so the server gives back the same PeerId and seat.
 * Signals sent while disconnected are queued and sent in order once the server has
 * answered the join again: offers and ICE candidates keep their meaning across the drop
 * because the peer connections themselves are never torn down.
 */
import {
  parseServerMessage,
  type ClientMessage,
  type HandMessage,
  type JoinedMessage,
  type PeerId,
  type ReactMessage,
  type SignalData,
} from '@app/protocol';
import { systemClock, type TimerHandle } from '../clock.ts';
import { Emitter } from '../events.ts';
import { retryDelay } from './backoff.ts';
import type {
  JoinParams,
  SignalClientOptions,
  SignalEvents,
  SignalState,
  SocketLike,
} from './SignalTypes.ts';

export type * from './SignalTypes.ts';

const OPEN = 1;
const WATCH_TICK_MS = 1000;
/** Ticks this late mean the page was frozen, not just busy. */
const FROZEN_GAP_MS = 2500;
/** A socket that closes this soon after a wake-up closed because of the freeze. */
const WOKE_MS = 5000;

export class SignalClient {
  readonly #events = new Emitter<SignalEvents>();
  readonly #options: Required<Omit<SignalClientOptions, 'createSocket'>> & {
    createSocket: (url: string) => SocketLike;
  };
  #socket: SocketLike | null = null;
  /** Sockets replaced by reconnectNow, closed once the new one is answered. */
  #stale: SocketLike[] = [];
  #state: SignalState = 'idle';
  #join: JoinParams | null = null;
  #resumeToken: string | null = null;
  #isJoined = false;
  #attempt = 0;
  #retryTimer: TimerHandle | null = null;
  /** Ticks while in a room; a tick that came late means the page was not running meanwhile. */
  #watch: TimerHandle | null = null;
  #lastTick = 0;
  #wokeAt = Number.NEGATIVE_INFINITY;
  #queue: ClientMessage[] = [];
  #selfId: PeerId | null = null;
  #badFrames = 0;

  constructor(options: SignalClientOptions) {
    this.#options = {
      url: options.url,
      createSocket: options.createSocket ?? ((url) => new WebSocket(url)),
      random: options.random ?? Math.random,
      clock: options.clock ?? systemClock,
      firstRetryMs: options.firstRetryMs ?? 300,
      maxRetryMs: options.maxRetryMs ?? 5000,
      maxQueued: options.maxQueued ?? 2000,
    };
  }

  get state(): SignalState {
    return this.#state;
  }

  get selfId(): PeerId | null {
    return this.#selfId;
  }

  get isJoined(): boolean {
    return this.#isJoined;
  }

  get queuedCount(): number {
    return this.#queue.length;
  }

  /** Frames from the server that failed the schema (a server bug or a proxy mangling frames). */
  get badFrames(): number {
    return this.#badFrames;
  }

  on<K extends keyof SignalEvents>(event: K, listener: (payload: SignalEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * Opens the socket ahead of `join`, so pressing Join only has to send one frame (the
   * TCP and WebSocket handshakes take a good part of the call set-up otherwise). A socket
   * opened this way that closes before any join is not retried: `join` opens a new one.
   */
  connect(): void {
    if (this.#state !== 'idle' || this.#socket) return;
    this.#connect('connecting');
  }

  /** Opens the socket (if needed) and joins; the answer comes as `joined` or `error`. */
  join(params: JoinParams): void {
    if (this.#state === 'closed') throw new Error('SignalClient is closed');
    this.#join = { ...params };
    this.#resumeToken = params.resumeToken ?? null;
    this.#isJoined = false;
    if (this.#socket && this.#socket.readyState === OPEN) {
      this.#sendJoin();
    } else if (!this.#socket) {
      this.#connect('connecting');
    }
  }

  /** Relays to one peer; queued while the socket is down or the join is not answered yet. */
  sendSignal(to: PeerId, data: SignalData): void {
    const message: ClientMessage = { type: 'signal', to, data };
    if (this.#isJoined && this.#socket?.readyState === OPEN) {
      this.#socket.send(JSON.stringify(message));
      return;
    }
    this.#queue.push(message);
    if (this.#queue.length > this.#options.maxQueued) this.#queue.shift();
  }

  /** A hand or a reaction is worth nothing late: sent only while joined, never queued. */
  sendGesture(message: HandMessage | ReactMessage): boolean {
    if (!this.#isJoined || this.#socket?.readyState !== OPEN) return false;
    this.#socket.send(JSON.stringify(message));
    return true;
  }

  /** Leaves the room on purpose: no reconnect, queued signals dropped. The socket closes. */
  leave(): void {
    if (this.#socket?.readyState === OPEN && this.#isJoined) {
      this.#socket.send(JSON.stringify({ type: 'leave' } satisfies ClientMessage));
    }
    this.close();
  }

  /**
   * Makes a new connection and resumes on it, as after a network failure. Used when the
   * browser reports it is back online, since a socket can linger half-dead after a network
   * change. The old socket is not closed first: a close frame tells the server the person
   * left (the room would see them go and come back). The server hands the seat to the new
   * connection, and the old one is closed once the new one is answered.
   */
  reconnectNow(): void {
    if (this.#state === 'closed' || !this.#join) return;
    if (this.#retryTimer !== null) {
      this.#options.clock.clearTimeout(this.#retryTimer);
      this.#retryTimer = null;
    }
    const old = this.#socket;
    if (old) {
      this.#detach(old);
      this.#stale.push(old);
      this.#socket = null;
      this.#isJoined = false;
    }
    this.#connect('reconnecting');
  }

  close(): void {
    if (this.#state === 'closed') return;
    if (this.#retryTimer !== null) this.#options.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    for (const stale of this.#stale.splice(0)) stale.close(1000, 'bye');
    this.#options.clock.clearInterval(this.#watch);
    this.#watch = null;
    const socket = this.#socket;
    this.#socket = null;
    if (socket) {
      this.#detach(socket);
      socket.close(1000, 'bye');
    }
    this.#queue = [];
    this.#isJoined = false;
    this.#join = null;
    this.#setState('closed');
    this.#events.clear();
  }

  #connect(state: 'connecting' | 'reconnecting'): void {
    this.#setState(state);
    let socket: SocketLike;
    try {
      socket = this.#options.createSocket(this.#options.url);
    } catch {
      this.#scheduleReconnect();
      return;
    }
    this.#socket = socket;
    socket.onopen = () => {
      if (this.#join) this.#sendJoin();
    };
    socket.onmessage = (event) => {
      if (typeof event.data === 'string') this.#onFrame(event.data);
    };
    socket.onerror = () => {
      // A close event always follows; reconnecting is decided there.
    };
    socket.onclose = () => {
      this.#detach(socket);
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.#isJoined = false;
      if (this.#state === 'closed') return;
      if (!this.#join) {
        // Opened ahead of a join that has not come yet: nothing to resume.
        this.#setState('idle');
        return;
      }
      this.#scheduleReconnect();
    };
  }

  #detach(socket: SocketLike): void {
    socket.onopen = null;
    socket.onmessage = null;
    socket.onerror = null;
    socket.onclose = null;
  }

  #scheduleReconnect(): void {
    // A page that was frozen (a suspended phone browser, a closed laptop lid) comes back to a
    // socket the server has long closed. It is one person, not a crowd after a server restart:
    // no reason to wait, and every millisecond shows as a frozen call.
    const now = this.#options.clock.now();
    const wasFrozen =
      this.#watch !== null && (now - this.#lastTick > FROZEN_GAP_MS || now - this.#wokeAt < WOKE_MS);
    const delay =
      wasFrozen && this.#attempt === 0
        ? 0
        : retryDelay(
            this.#attempt,
            this.#options.random,
            this.#options.firstRetryMs,
            this.#options.maxRetryMs,
          );
    this.#attempt += 1;
    this.#setState('reconnecting');
    this.#retryTimer = this.#options.clock.setTimeout(() => {
      this.#retryTimer = null;
      this.#connect('reconnecting');
    }, delay);
  }

  #startWatch(): void {
    const clock = this.#options.clock;
    this.#lastTick = clock.now();
    this.#watch ??= clock.setInterval(() => {
      const now = clock.now();
      // The late tick may run before the socket's close event does: remember the wake-up.
      if (now - this.#lastTick > FROZEN_GAP_MS) this.#wokeAt = now;
      this.#lastTick = now;
    }, WATCH_TICK_MS);
  }

  #sendJoin(): void {
    const join = this.#join;
    if (!join || !this.#socket) return;
    const message: ClientMessage = {
      type: 'join',
      room: join.room,
      name: join.name,
      ...(join.password ? { password: join.password } : {}),
      ...(this.#resumeToken ? { resume: this.#resumeToken } : {}),
    };
    this.#socket.send(JSON.stringify(message));
  }

  #onFrame(text: string): void {
    const parsed = parseServerMessage(text);
    if (!parsed.ok) {
      this.#badFrames += 1;
      return;
    }
    const message = parsed.value;
    switch (message.type) {
      case 'joined':
        this.#onJoined(message);
        return;
      case 'peer-joined':
        this.#events.emit('peer-joined', message.peer);
        return;
      case 'peer-left':
        this.#events.emit('peer-left', { id: message.id, reason: message.reason ?? 'left' });
        return;
      case 'signal':
        this.#events.emit('signal', { from: message.from, data: message.data });
        return;
      case 'error':
        this.#events.emit('error', {
          code: message.code,
          message: message.message,
          retryAfterMs: message.retryAfterMs,
        });
        return;
      case 'hand':
      case 'reaction':
        this.#events.emit('gesture', message);
        return;
    }
  }

  #onJoined(message: JoinedMessage): void {
    const isNewIdentity = this.#selfId !== null && this.#selfId !== message.self;
    this.#selfId = message.self;
    this.#isJoined = true;
    this.#attempt = 0;
    if (message.resumeToken) {
      this.#resumeToken = message.resumeToken;
      this.#events.emit('resume-token', message.resumeToken);
    }
    // Queued signals belong to the connections of before the drop. They still hold under the
    // same PeerId: the others keep their connections to us even when the room was told we
    // were lost. Under a new PeerId every connection is made afresh, and an old offer, answer
    // or candidate reaching a new connection would only confuse it.
    if (isNewIdentity) this.#queue = [];
    for (const stale of this.#stale.splice(0)) stale.close(1000, 'replaced');
    this.#startWatch();
    this.#setState('open');
    this.#events.emit('joined', message);
    this.#flush();
  }

  #flush(): void {
    const socket = this.#socket;
    if (!socket) return;
    while (this.#queue.length > 0 && socket.readyState === OPEN && this.#isJoined) {
      const message = this.#queue.shift();
      if (message) socket.send(JSON.stringify(message));
    }
  }

  #setState(state: SignalState): void {
    if (this.#state === state) return;
    this.#state = state;
    this.#events.emit('state', state);
  }
}
