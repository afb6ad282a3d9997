import type { FastifyPluginAsync } from 'fastify';
import fp from 'fastify-plugin';
import { Counter, Gauge, Registry } from 'prom-client';
import type { RegistryStats } from '../rooms/RoomRegistry.ts';

/** The per-address limits, as the refusals metric labels them. */
const ADDRESS_LIMITS = ['sockets-per-address', 'new-sockets-per-address', 'password-backoff'] as const;
export type AddressLimit = (typeof ADDRESS_LIMITS)[number];

/** One media server as the metrics show it: by its index in JANUS_URLS, never by its URL. */
export interface MediaServerStat {
  server: number;
  isUp: boolean;
  isDraining: boolean;
  rooms: number;
  participants: number;
  streams: number;
}

/**
 * A counter bumped for every frame: a plain number, handed to prom-client only when
 * `/metrics` is read. prom-client's own `inc()` checks and hashes its labels on every call,
 * which was a visible share of the server's CPU per relayed message.
 */
export class FrameCounter {
  #count = 0;

  constructor(name: string, help: string, registers: Registry[]) {
    const take = (): number => {
      const count = this.#count;
      this.#count = 0;
      return count;
    };
    new Counter({
      name,
      help,
      registers,
      collect() {
        this.inc(take());
      },
    });
  }

  inc(): void {
    this.#count += 1;
  }
}

/**
 * Prometheus metrics at `/metrics`: connections, rooms, peers, messages relayed, errors by
 * code, closes by reason, refusals by per-address limit. One prom-client registry per app
 * instance, never the global one, so several apps in one process (tests) do not share or clash.
 */
export class SignalMetrics {
  readonly registry = new Registry();
  readonly connections: Gauge;
  readonly seatsHeld: Gauge;
  readonly messagesReceived: FrameCounter;
  readonly messagesRelayed: FrameCounter;
  readonly errors: Counter<'code'>;
  readonly closes: Counter<'reason'>;
  readonly topologyMoves: Counter<'to'>;
  readonly refusals: Counter<'limit'>;
  readonly mediaServerMoves: Counter<'server'>;
  #mediaServers: () => MediaServerStat[] = () => [];
  #roomStats: () => Promise<RegistryStats> = async () => ({ rooms: 0, peers: 0 });

  constructor() {
    const registers = [this.registry];
    this.connections = new Gauge({
      name: 'signal_connections',
      help: 'Open WebSocket connections.',
      registers,
    });
    this.seatsHeld = new Gauge({
      name: 'signal_seats_held',
      help: 'Seats held for a dropped peer to resume.',
      registers,
    });
    this.messagesReceived = new FrameCounter(
      'signal_messages_received_total',
      'Frames received from clients, before validation.',
      registers,
    );
    this.messagesRelayed = new FrameCounter(
      'signal_messages_relayed_total',
      'Signals relayed from one peer to another.',
      registers,
    );
    this.errors = new Counter({
      name: 'signal_errors_total',
      help: 'Error replies sent to clients, by error code.',
      labelNames: ['code'],
      registers,
    });
    this.closes = new Counter({
      name: 'signal_closes_total',
      help: 'Closed connections, by reason.',
      labelNames: ['reason'],
      registers,
    });
    this.topologyMoves = new Counter({
      name: 'signal_topology_moves_total',
      help: 'Rooms moved between the mesh and the media server, by where they went.',
      labelNames: ['to'],
      registers,
    });
    this.refusals = new Counter({
      name: 'signal_address_refusals_total',
      help: 'Sockets and joins refused by a per-address limit, by limit.',
      labelNames: ['limit'],
      registers,
    });
    // Every limit shows, at 0 until it first refuses, so an alert can watch its rate.
    for (const limit of ADDRESS_LIMITS) this.refusals.inc({ limit }, 0);
    this.mediaServerMoves = new Counter({
      name: 'signal_media_server_moves_total',
      help: 'Rooms moved off a media server (it went down, or was drained), by media server index.',
      labelNames: ['server'],
      registers,
    });
    this.#mediaServerGauges(registers);
    const roomStats = () => this.#roomStats();
    new Gauge({
      name: 'signal_rooms',
      help: 'Rooms with at least one peer.',
      registers,
      async collect() {
        this.set((await roomStats()).rooms);
      },
    });
    new Gauge({
      name: 'signal_peers',
      help: 'Peers seated in rooms (held seats included).',
      registers,
      async collect() {
        this.set((await roomStats()).peers);
      },
    });
  }

  /** A per-address limit refused a socket or a join. */
  refused(limit: AddressLimit): void {
    this.refusals.inc({ limit });
  }

  /** The media server gauges read their values from here at scrape time. */
  observeMediaServers(stats: () => MediaServerStat[]): void {
    this.#mediaServers = stats;
    for (const { server } of stats()) this.mediaServerMoves.inc({ server: String(server) }, 0);
  }

  /**
   * Per media server, as this process sees it: up, draining, and what it carries of the
   * rooms this process has people in (another process's rooms show in its own metrics).
   */
  #mediaServerGauges(registers: Registry[]): void {
    const stats = () => this.#mediaServers();
    const gauges: [string, string, (stat: MediaServerStat) => number][] = [
      ['signal_media_server_up', 'Whether the media server is reachable (1) or down (0).', (s) => +s.isUp],
      ['signal_media_server_draining', 'Whether the media server is being drained.', (s) => +s.isDraining],
      ['signal_media_server_rooms', 'Rooms on the media server.', (s) => s.rooms],
      ['signal_media_server_participants', 'People in rooms on the media server.', (s) => s.participants],
      [
        'signal_media_server_forwarded_streams',
        'Publications forwarded to a subscriber (each publisher to each other person).',
        (s) => s.streams,
      ],
    ];
    for (const [name, help, read] of gauges) {
      new Gauge({
        name,
        help,
        labelNames: ['server'],
        registers,
        collect() {
          for (const stat of stats()) this.set({ server: String(stat.server) }, read(stat));
        },
      });
    }
  }

  /** The rooms and peers gauges read their values from here at scrape time. */
  observeRooms(stats: () => Promise<RegistryStats>): void {
    this.#roomStats = stats;
  }
}

declare module 'fastify' {
  interface FastifyInstance {
    metrics: SignalMetrics;
  }
}

const metricsPlugin: FastifyPluginAsync = async (app) => {
  const metrics = new SignalMetrics();
  app.decorate('metrics', metrics);
  app.get('/metrics', async (_request, reply) => {
    reply.type(metrics.registry.contentType);
    return metrics.registry.metrics();
  });
};

export default fp(metricsPlugin, { name: 'metrics', fastify: '5.x' });
