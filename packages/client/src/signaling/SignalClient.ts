/**
 * The signaling connection: one WebSocket to `/ws` (the protocol README of @app/protocol),
 * typed events for what the server says, and a session that survives drops.
 *
 * After an unexpected close it reconnects with exponential backoff and jitter (first retry
 * within ~300 ms, capped at 5 s) and joins again with the `resumeToken` of the last
 * `joined`, the same name and password, so the server gives back the same PeerId and seat.
 * Signals sent while disconnected are queued and sent in order once the join is answered
 * again (the peer connections live on); the media-server session's token goes back too.
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
import { FreezeWatch } from './FreezeWatch.ts';
import type {
  JoinParams,
  MediaClientMessage,
  SignalClientOptions,
  SignalEvents,
  SignalState,
  SocketLike,
} from './SignalTypes.ts';

export type * from './SignalTypes.ts';

const OPEN = 1;

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
  /** The media-server session's token, sent back along with the resume token. */
  #mediaToken: string | null = null;
  #isJoined = false;
  #attempt = 0;
  #retryTimer: TimerHandle | null = null;
  #watch: FreezeWatch;
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
    this.#watch = new FreezeWatch(this.#options.clock);
  }

  get state(): SignalState {
    return this.#state;
  }

  /** How long the page stood still, when it just woke up from a freeze (see FreezeWatch); else 0. */
  get recentFreezeMs(): number {
    return this.#watch.recentFreezeMs;
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
    this.#mediaToken = params.mediaToken ?? null;
    this.#isJoined = false;
    if (this.#socket && this.#socket.readyState === OPEN) {
      this.#sendJoin();
    } else if (!this.#socket) {
      this.#connect('connecting');
    }
  }

  /** Relays to one peer; queued while the socket is down or the join is not answered yet. */
  sendSignal(to: PeerId, data: SignalData): void {
    this.#send({ type: 'signal', to, data });
  }

  /** A message about our media-server connections; queued like signals. */
  sendMedia(message: MediaClientMessage): void {
    this.#send(message);
  }

  /** The room left the media server: its session is nothing to take back any more. */
  forgetMediaSession(): void {
    this.#mediaToken = null;
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
    this.#options.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
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
    this.#options.clock.clearTimeout(this.#retryTimer);
    this.#retryTimer = null;
    for (const stale of this.#stale.splice(0)) stale.close(1000, 'bye');
    this.#watch.stop();
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

  #send(message: ClientMessage): void {
    if (this.#isJoined && this.#socket?.readyState === OPEN) {
      this.#socket.send(JSON.stringify(message));
      return;
    }
    this.#queue.push(message);
    if (this.#queue.length > this.#options.maxQueued) this.#queue.shift();
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
    // An error is always followed by a close event: reconnecting is decided there.
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
    // A page back from a freeze finds its socket long closed: no reason to wait (FreezeWatch).
    const { random, firstRetryMs, maxRetryMs } = this.#options;
    const delay =
      this.#watch.wasFrozen && this.#attempt === 0
        ? 0
        : retryDelay(this.#attempt, random, firstRetryMs, maxRetryMs);
    this.#attempt += 1;
    this.#setState('reconnecting');
    this.#retryTimer = this.#options.clock.setTimeout(() => {
      this.#retryTimer = null;
      this.#connect('reconnecting');
    }, delay);
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
      ...(this.#resumeToken && this.#mediaToken ? { media: this.#mediaToken } : {}),
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
      case 'topology':
        this.#events.emit('topology', message.topology);
        return;
      case 'media-session':
        this.#mediaToken = message.token;
        this.#events.emit('media-session', message.token);
        return;
      default:
        this.#events.emit('media', message);
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
    this.#watch.start();
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
