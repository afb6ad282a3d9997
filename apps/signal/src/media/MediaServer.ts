import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import { JanusConnection, systemClock, VideoRoomClient, type Clock } from '../janus/index.ts';

export type MediaServerConfig = Pick<Config, 'janusUrls' | 'janusApiSecret' | 'janusAdminKey'>;

/** Waits between attempts to reach a media server that was never reached; the last repeats. */
const CONNECT_DELAYS_MS = [250, 1000, 2000, 5000];

export interface MediaServerOptions {
  /** Shorter timers for tests. */
  keepaliveMs?: number;
  requestTimeoutMs?: number;
  clock?: Clock;
}

/**
 * The media server this process uses: the first of JANUS_URLS (several come later, with
 * placement and failover). Connects in the background and keeps trying until Janus answers;
 * once connected, the connection itself reconnects and claims its sessions back. Logs name
 * the server `janus-0`, never by its URL.
 */
export class MediaServer {
  /** Which of JANUS_URLS this is. */
  readonly index = 0;
  readonly connection: JanusConnection;
  readonly rooms: VideoRoomClient;
  readonly #log: FastifyBaseLogger;
  #attempt = 0;
  #cancelRetry: (() => void) | undefined;
  #isClosed = false;
  readonly #clock: Clock;

  constructor(config: MediaServerConfig, log: FastifyBaseLogger, options: MediaServerOptions = {}) {
    const url = config.janusUrls[0];
    if (url === undefined) throw new Error('no media server configured');
    this.#log = log;
    this.#clock = options.clock ?? systemClock;
    this.connection = new JanusConnection({
      url,
      label: `janus-${this.index}`,
      logger: log,
      ...(config.janusApiSecret !== undefined ? { apiSecret: config.janusApiSecret } : {}),
      ...(options.keepaliveMs !== undefined ? { keepaliveMs: options.keepaliveMs } : {}),
      ...(options.requestTimeoutMs !== undefined ? { requestTimeoutMs: options.requestTimeoutMs } : {}),
      ...(options.clock !== undefined ? { clock: options.clock } : {}),
    });
    this.rooms = new VideoRoomClient(
      this.connection,
      config.janusAdminKey !== undefined ? { adminKey: config.janusAdminKey } : {},
    );
  }

  get isUp(): boolean {
    return this.connection.isOpen;
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
    await this.connection.close({ keepSessions });
  }

  async #tryConnect(): Promise<void> {
    if (this.#isClosed) return;
    try {
      await this.connection.connect();
      this.#attempt = 0;
      this.#log.info({ event: 'media-server-up', janus: `janus-${this.index}` }, 'media server reached');
    } catch {
      const delay = CONNECT_DELAYS_MS[Math.min(this.#attempt, CONNECT_DELAYS_MS.length - 1)] ?? 5000;
      if (this.#attempt === 0) {
        this.#log.warn(
          { event: 'media-server-down', janus: `janus-${this.index}` },
          'media server not reachable; rooms stay in the mesh meanwhile',
        );
      }
      this.#attempt += 1;
      this.#cancelRetry = this.#clock.after(delay, () => {
        this.#cancelRetry = undefined;
        void this.#tryConnect();
      });
    }
  }
}
