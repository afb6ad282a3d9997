import type { FastifyBaseLogger } from 'fastify';
import { MediaServer, type MediaServerConfig, type MediaServerOptions } from './MediaServer.ts';

/** What one media server carries, as far as this process can see: its rooms' publishers. */
export interface ServerLoad {
  rooms: number;
  participants: number;
  /** Publications forwarded to a subscriber: each publisher's media to each other person. */
  streams: number;
}

export const NO_LOAD: ServerLoad = { rooms: 0, participants: 0, streams: 0 };

/**
 * Every media server of JANUS_URLS, by index. A room is placed on one of them when it first
 * needs a media server, and never spans two: the available one (up, not draining) carrying
 * the fewest forwarded streams, then the fewest rooms, then the first listed.
 */
export class MediaServers {
  readonly all: readonly MediaServer[];

  constructor(config: MediaServerConfig, log: FastifyBaseLogger, options: MediaServerOptions = {}) {
    if (config.janusUrls.length === 0) throw new Error('no media server configured');
    const hasAlternative = (index: number) =>
      this.all.some((other) => other.index !== index && other.isAvailable && other.isAnswering);
    this.all = config.janusUrls.map(
      (_url, index) => new MediaServer(index, config, log, { hasAlternative, ...options }),
    );
  }

  /** Whether any media server is reachable. */
  get isUp(): boolean {
    return this.all.some((server) => server.isUp);
  }

  get(index: number): MediaServer | undefined {
    return this.all[index];
  }

  /** Whether the room's media can stay on `index` (it is known, up and not draining). */
  isAvailable(index: number): boolean {
    return this.get(index)?.isAvailable ?? false;
  }

  /** Marks the listed servers draining and every other one not; returns those that changed. */
  setDraining(draining: readonly number[]): MediaServer[] {
    const changed: MediaServer[] = [];
    for (const server of this.all) {
      const isDraining = draining.includes(server.index);
      if (server.isDraining === isDraining) continue;
      server.isDraining = isDraining;
      changed.push(server);
    }
    return changed;
  }

  /** Where a room goes now; undefined when no media server is available. */
  pick(loadOf: (index: number) => ServerLoad, except?: number): MediaServer | undefined {
    let best: { server: MediaServer; load: ServerLoad } | undefined;
    for (const server of this.all) {
      if (!server.isAvailable || server.index === except) continue;
      const load = loadOf(server.index);
      if (
        best === undefined ||
        load.streams < best.load.streams ||
        (load.streams === best.load.streams && load.rooms < best.load.rooms)
      ) {
        best = { server, load };
      }
    }
    return best?.server;
  }

  /** Starts reaching every media server; resolves after each one's first attempt. */
  async start(): Promise<void> {
    await Promise.all(this.all.map((server) => server.start()));
  }

  async close({ keepSessions }: { keepSessions: boolean }): Promise<void> {
    await Promise.all(this.all.map((server) => server.close({ keepSessions })));
  }
}
