import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import type { SignalMetrics } from '../plugins/metrics.ts';
import type { RoomRegistry } from '../rooms/RoomRegistry.ts';
import type { Scheduler } from '../signaling/scheduler.ts';
import type { SeatEvent } from '../signaling/seats/Session.ts';
import type { PeerId } from '@app/protocol';
import { MediaRooms, type MediaRoomsConfig } from './MediaRooms.ts';
import type { MediaServerConfig } from './MediaServer.ts';
import { MediaServers } from './MediaServers.ts';
import { Sealer } from './Sealer.ts';
import { MediaSeals } from './tokens.ts';

export { MediaRooms } from './MediaRooms.ts';
export type { MediaServers } from './MediaServers.ts';

export type CreateMediaRooms = typeof createMediaRooms;

export type MediaConfig = MediaRoomsConfig & MediaServerConfig & Pick<Config, 'resumeSecret'>;

export interface MediaParts {
  rooms: RoomRegistry;
  metrics: SignalMetrics;
  log: FastifyBaseLogger;
  scheduler: Scheduler;
  send(to: PeerId, event: SeatEvent): void;
}

/**
 * The media-server side of the signaling service, or undefined without JANUS_URLS (every
 * room then stays a mesh and nothing below is built). Connecting starts at once, in the
 * background: until Janus answers, rooms stay in the mesh.
 */
export function createMediaRooms(config: MediaConfig, parts: MediaParts): MediaRooms | undefined {
  if (config.janusUrls.length === 0) return undefined;
  const servers = new MediaServers(config, parts.log);
  // Sealed with the resume secret: a restarted process (or another one) opens them too.
  const seals = new MediaSeals(new Sealer(config.resumeSecret));
  return new MediaRooms(config, { ...parts, servers, seals });
}
