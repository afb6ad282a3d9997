import type { PeerId, RoomId, Topology } from '@app/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { MediaRoom } from '../janus/index.ts';
import type { SignalMetrics } from '../plugins/metrics.ts';
import type { RoomMedia as RoomMediaRecord, RoomRegistry } from '../rooms/RoomRegistry.ts';
import type { Scheduler } from '../signaling/scheduler.ts';
import type { MediaRoomsConfig } from './MediaRooms.ts';
import type { MediaServer } from './MediaServer.ts';
import type { MediaServers, ServerLoad } from './MediaServers.ts';
import type { RoomMedia } from './RoomMedia.ts';
import type { MediaSeals, ServerRoom } from './tokens.ts';

export interface TopologyMovesParts {
  rooms: RoomRegistry;
  servers: MediaServers;
  /** What each media server carries, as this process sees it: placement picks the lightest. */
  loadOf(index: number): ServerLoad;
  seals: MediaSeals;
  metrics: SignalMetrics;
  log: FastifyBaseLogger;
  scheduler: Scheduler;
  failed(room: RoomId, what: string, error: unknown): void;
}

/**
 * After a move back to the mesh, how long past the seats' own departure the media-server room
 * is kept before it is destroyed: room for a slow seat, and for a move back to the media
 * server that reuses it.
 */
const DRAIN_MARGIN_MS = 5000;

/**
 * The moves of a room's media, each decided against the version of the room's record it
 * read: the registry takes exactly one of several processes' decisions, and only the
 * winner tells the room (`topology` to every member) and counts the move.
 */
export class TopologyMoves {
  constructor(
    private readonly config: Pick<MediaRoomsConfig, 'meshMax' | 'meshLeaveMs' | 'roomCapacity'>,
    private readonly parts: TopologyMovesParts,
  ) {}

  /**
   * Moves the room to the media server: to its media-server room if one is still there on an
   * available server (a quick return), or to a new one on the lightest available server.
   */
  async toServer(room: RoomMedia, record: RoomMediaRecord | undefined, joiner: PeerId): Promise<boolean> {
    const { servers, seals } = this.parts;
    const kept = seals.openRoom(record?.server);
    if (kept !== undefined && servers.isAvailable(kept.server)) {
      return this.#place(room, record, { serverRoom: kept }, { joiner });
    }
    const server = servers.pick((index) => this.parts.loadOf(index));
    if (server === undefined) return false;
    return this.#place(room, record, { server }, { joiner });
  }

  /**
   * The room's media server went down or is draining: the room goes to a new media-server room
   * on another one, and everyone in it (joiner included) is told `topology: sfu` again, so each
   * browser publishes and subscribes afresh there. False when no other server can take it.
   */
  async replace(
    room: RoomMedia,
    record: RoomMediaRecord,
    reason: 'down' | 'draining',
    /** The room waited for any server: its own, back again, will do (its room there is gone). */
    isAnyServer = false,
  ): Promise<boolean> {
    const { servers, seals } = this.parts;
    const left = seals.openRoom(record.server);
    const server = servers.pick((index) => this.parts.loadOf(index), isAnyServer ? undefined : left?.server);
    if (server === undefined || record.topology !== 'sfu') return false;
    const hasMoved = await this.#place(room, record, { server }, { restart: true });
    if (hasMoved && left !== undefined) {
      const old = servers.get(left.server);
      if (old) old.movesAway += 1;
      // The room left behind goes once everyone has switched (a server that is still up, as
      // when draining, would keep it otherwise; a dead one took it along).
      this.parts.scheduler.after(this.config.meshLeaveMs + DRAIN_MARGIN_MS, () => {
        if (!old?.isUp) return;
        room.destroyServerRoom(left).catch((error: unknown) => this.parts.failed(room.id, 'destroy', error));
      });
      this.parts.metrics.mediaServerMoves.inc({ server: String(left.server) });
      this.parts.log.info(
        { event: 'media-server-move', room: room.id, from: `janus-${left.server}`, to: server.label, reason },
        'room moved to another media server',
      );
    }
    return hasMoved;
  }

  async #place(
    room: RoomMedia,
    record: RoomMediaRecord | undefined,
    where: { serverRoom: ServerRoom } | { server: MediaServer },
    how: { joiner?: PeerId; restart?: boolean },
  ): Promise<boolean> {
    const { rooms, seals } = this.parts;
    let serverRoom: ServerRoom;
    let created: MediaRoom | undefined;
    if ('serverRoom' in where) {
      serverRoom = where.serverRoom;
    } else {
      try {
        created = await where.server.rooms.createRoom({ capacity: this.config.roomCapacity });
      } catch (error) {
        this.parts.failed(room.id, 'create-room', error);
        return false;
      }
      serverRoom = { server: where.server.index, credentials: created.credentials };
    }
    const version = record?.version ?? 0;
    const next: RoomMediaRecord = {
      topology: 'sfu',
      version: version + 1,
      server: seals.sealRoom(serverRoom),
    };
    if (!(await rooms.setMedia(room.id, version, next))) {
      // Another process moved it first: use its media-server room.
      await created?.destroy().catch(() => undefined);
      room.learn(await rooms.mediaOf(room.id));
      return room.topology === 'sfu' && !how.restart;
    }
    room.learn(next);
    if (created) room.adoptWatcher(created, serverRoom.server);
    if (!how.restart) this.#moved(room.id, 'sfu');
    await rooms.broadcast(
      room.id,
      { type: 'topology', topology: 'sfu', ...(how.restart ? { restart: true } : {}) },
      how.joiner,
    );
    return true;
  }

  /** The room stayed small for `meshReturnMs`: back to the mesh, if nobody decided otherwise. */
  async toMesh(room: RoomMedia): Promise<void> {
    const { rooms, scheduler } = this.parts;
    const [size, record] = await Promise.all([rooms.size(room.id), rooms.mediaOf(room.id)]);
    if (record?.topology !== 'sfu' || size === 0 || size > this.config.meshMax) return;
    const next: RoomMediaRecord = { topology: 'mesh', version: record.version + 1, server: record.server };
    if (!(await rooms.setMedia(room.id, record.version, next))) return;
    room.learn(next);
    this.#moved(room.id, 'mesh');
    await rooms.broadcast(room.id, { type: 'topology', topology: 'mesh' });
    scheduler.after(this.config.meshLeaveMs + DRAIN_MARGIN_MS, () => {
      this.#drain(room, next).catch((error: unknown) => this.parts.failed(room.id, 'destroy', error));
    });
  }

  /** Destroys the media-server room of a room that went back to the mesh and stayed there. */
  async #drain(room: RoomMedia, moved: RoomMediaRecord): Promise<void> {
    const { rooms, seals } = this.parts;
    const serverRoom = seals.openRoom(moved.server);
    if (serverRoom === undefined) return;
    // Clear the record first: a move back to the media server now makes a new room.
    if (!(await rooms.setMedia(room.id, moved.version, { topology: 'mesh', version: moved.version + 1 })))
      return;
    await room.destroyServerRoom(serverRoom);
  }

  #moved(room: RoomId, topology: Topology): void {
    this.parts.metrics.topologyMoves.inc({ to: topology });
    this.parts.log.info({ event: 'topology', room, topology }, 'room media moved');
  }
}
