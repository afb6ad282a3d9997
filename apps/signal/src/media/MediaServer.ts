import { EventEmitter } from 'node:events';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import { JanusConnection, systemClock, VideoRoomClient, type Clock } from '../janus/index.ts';

export type MediaServerConfig = Pick<Config, 'janusUrls' | 'janusApiSecret' | 'janusAdminKey'>;

/** Waits between attempts to reach a media server that was never reached; the last repeats. */
const CONNECT_DELAYS_MS = [250, 1000, 2000, 5000];
/**
 * How often a reached media server is asked `info`, and how long it has to answer. A Janus
 * that hangs (or a link that silently drops) keeps its socket open; only an unanswered
 * request tells, and people's media is frozen meanwhile, so both are short.
 */
const HEALTH_EVERY_MS = 2000;
const HEALTH_TIMEOUT_MS = 2000;
/**
 * Unanswered checks in a row that make it down. One alone may be a Janus busy for a moment
 * (a burst of joins), and moving every room it holds costs far more than asking again: the
 * second check goes at once, so a hung Janus is still found within 2 × HEALTH_TIMEOUT_MS.
 * Only when another media server could take its rooms, though: with nowhere to go, dropping
 * a Janus that is slow but alive would cut everyone's media for nothing, so it is asked
 * again at the usual pace, until HEALTH_MISSES_ALONE in a row (about 30 s of silence: hung,
 * not busy) take it down all the same, and new rooms stay meshes.
 */
const HEALTH_MISSES_FOR_DOWN = 2;
const HEALTH_MISSES_ALONE = 8;

export interface MediaServerOptions {
  /** Shorter timers for tests. */
  keepaliveMs?: number;
  requestTimeoutMs?: number;
  healthEveryMs?: number;
  clock?: Clock;
  /** Whether another media server (up, not draining, answering) could take its rooms; none by default. */
  hasAlternative?: (index: number) => boolean;
}

export type MediaServerEvents = {
  /** Reached (the first time, or again after being down). */
  up: [];
  /** Its socket closed or a health check went unanswered: its rooms have to go elsewhere. */
  down: [];
};

/**
 * One of JANUS_URLS. Connects in the background and keeps trying until Janus answers; once
 * connected, the connection itself reconnects and claims its sessions back, and a health
 * check (`info`) every couple of seconds catches a Janus that hangs with its socket open.
 * Logs and metrics name it `janus-<index>`, never by its URL (which may hold credentials).
 */
export class MediaServer extends EventEmitter<MediaServerEvents> {
  readonly label: string;
  readonly connection: JanusConnection;
  readonly rooms: VideoRoomClient;
  /**
   * Set by an operator through any process, and kept by the room registry for all of them:
   * takes no new rooms, and its rooms move when they next change size.
   */
  isDraining = false;
  /** Rooms moved away from it (failover or draining). */
  movesAway = 0;
  readonly #log: FastifyBaseLogger;
  #attempt = 0;
  #cancelRetry: (() => void) | undefined;
  #cancelHealth: (() => void) | undefined;
  #isClosed = false;
  #wasUp = false;
  /** Health checks unanswered in a row. */
  #misses = 0;
  readonly #clock: Clock;
  readonly #healthEveryMs: number;
  readonly #hasAlternative: (index: number) => boolean;

  constructor(
    /** Which of JANUS_URLS this is. */
    readonly index: number,
    config: MediaServerConfig,
    log: FastifyBaseLogger,
    options: MediaServerOptions = {},
  ) {
    super();
    const url = config.janusUrls[index];
    if (url === undefined) throw new Error('no such media server');
    this.label = `janus-${index}`;
    this.#log = log;
    this.#clock = options.clock ?? systemClock;
    this.#healthEveryMs = options.healthEveryMs ?? HEALTH_EVERY_MS;
    this.#hasAlternative = options.hasAlternative ?? (() => false);
    this.connection = new JanusConnection({
      url,
      label: this.label,
      logger: log,
      ...(config.janusApiSecret !== undefined ? { apiSecret: config.janusApiSecret } : {}),
      ...(options.keepaliveMs !== undefined ? { keepaliveMs: options.keepaliveMs } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
    });
    this.connection.on('disconnected', () => this.#down());
    this.connection.on('reconnected', () => this.#up());
    this.rooms = new VideoRoomClient(
      this.connection,
      config.janusAdminKey !== undefined ? { adminKey: config.janusAdminKey } : {},
    );
  }

  get isUp(): boolean {
    return this.connection.isOpen;
  }

  /** Its last health check was answered. */
  get isAnswering(): boolean {
    return this.#misses === 0;
  }

  /** Up and not draining: it may take a new room. */
  get isAvailable(): boolean {
    return this.isUp && !this.isDraining;
  }

  /** Starts connecting; resolves after the first attempt, reached or not. */
  async start(): Promise<void> {
    await this.#tryConnect();
  }

  /** Sessions and handles this process holds on the media server. */
  stats(): { sessions: number; handles: number } {
    const sessions = this.connection.sessions;
    return { sessions: sessions.length, handles: sessions.reduce((sum, s) => sum + s.handles.length, 0) };
  }

  /**
   * With `keepSessions`, every session stays on Janus for a restarted process to claim
   * (people's media keeps flowing meanwhile); otherwise they are destroyed.
   */
  async close({ keepSessions }: { keepSessions: boolean }): Promise<void> {
    this.#isClosed = true;
    this.#cancelRetry?.();
    this.#cancelHealth?.();
    await this.connection.close({ keepSessions });
    this.removeAllListeners();
  }

  async #tryConnect(): Promise<void> {
    if (this.#isClosed) return;
    try {
      await this.connection.connect();
      this.#attempt = 0;
      this.#up();
    } catch {
      const delay = CONNECT_DELAYS_MS[Math.min(this.#attempt, CONNECT_DELAYS_MS.length - 1)] ?? 5000;
      if (this.#attempt === 0) {
        this.#log.warn(
          { event: 'media-server-down', janus: this.label },
          'media server not reachable; its rooms go elsewhere meanwhile',
        );
      }
      this.#attempt += 1;
      this.#cancelRetry = this.#clock.after(delay, () => {
        this.#cancelRetry = undefined;
        void this.#tryConnect();
      });
    }
  }

  #up(): void {
    if (this.#isClosed) return;
    this.#wasUp = true;
    this.#misses = 0;
    this.#log.info({ event: 'media-server-up', janus: this.label }, 'media server reached');
    this.#scheduleHealth();
    this.emit('up');
  }

  #down(): void {
    this.#cancelHealth?.();
    this.#cancelHealth = undefined;
    if (!this.#wasUp || this.#isClosed) return;
    this.#wasUp = false;
    this.#log.warn({ event: 'media-server-down', janus: this.label }, 'media server lost');
    this.emit('down');
  }

  #scheduleHealth(delayMs = this.#healthEveryMs): void {
    this.#cancelHealth?.();
    this.#cancelHealth = this.#clock.after(delayMs, () => void this.#check());
  }

  async #check(): Promise<void> {
    if (this.#isClosed || !this.isUp) return;
    let cancelTimeout: (() => void) | undefined;
    const timedOut = new Promise<false>((resolve) => {
      cancelTimeout = this.#clock.after(HEALTH_TIMEOUT_MS, () => resolve(false));
    });
    const answered = this.connection.info().then(
      () => true,
      () => false,
    );
    const isHealthy = await Promise.race([answered, timedOut]);
    cancelTimeout?.();
    if (this.#isClosed || !this.isUp) return;
    if (isHealthy) {
      this.#misses = 0;
      return this.#scheduleHealth();
    }
    this.#misses += 1;
    if (this.#misses < HEALTH_MISSES_FOR_DOWN) {
      this.#log.warn(
        { event: 'media-server-slow', janus: this.label },
        'media server did not answer; asking again',
      );
      return this.#scheduleHealth(0);
    }
    if (!this.#hasAlternative(this.index) && this.#misses < HEALTH_MISSES_ALONE) {
      this.#log.warn(
        { event: 'media-server-slow', janus: this.label, misses: this.#misses },
        'media server still not answering; no other can take its rooms, so they stay',
      );
      return this.#scheduleHealth();
    }
    this.#log.warn(
      { event: 'media-server-unhealthy', janus: this.label },
      `media server did not answer ${this.#misses} times`,
    );
    // Dropping the socket makes it down at once and starts the reconnection.
    this.connection.dropSocket();
  }
}
