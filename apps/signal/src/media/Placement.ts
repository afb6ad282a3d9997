import type { RoomId } from '@app/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { RoomRegistry } from '../rooms/RoomRegistry.ts';
import type { MediaServers, ServerLoad } from './MediaServers.ts';
import type { RoomMedia } from './RoomMedia.ts';
import type { MediaSeals } from './tokens.ts';
import type { TopologyMoves } from './TopologyMoves.ts';

export interface PlacementParts {
  servers: MediaServers;
  seals: MediaSeals;
  rooms: RoomRegistry;
  log: FastifyBaseLogger;
  /** The rooms this process has seats in. */
  known(): Iterable<RoomMedia>;
  failed(room: RoomId, what: string, error: unknown): void;
}

/**
 * Which media server each room's media is on, and moving it when that server cannot keep it:
 * at once when the server goes down (every room this process has seats in; the registry's
 * version check lets one process do each move), and when a room on a draining server next
 * grows or shrinks (or at once, when the operator asks). A room no server could take waits
 * for the next one to come up.
 */
export class Placement {
  readonly #parts: PlacementParts;
  #moves: TopologyMoves | undefined;
  /** Rooms being checked now: one check per room at a time. */
  readonly #checking = new Set<RoomId>();
  /** Rooms that had to move and found no server to take them. */
  readonly #stranded = new Map<RoomId, { room: RoomMedia; version: number }>();

  constructor(parts: PlacementParts) {
    this.#parts = parts;
  }

  /** Starts watching the servers; `moves` does the moving. */
  watch(moves: TopologyMoves): void {
    this.#moves = moves;
    for (const server of this.#parts.servers.all) {
      server.on('down', () => this.#rescue(server.index));
      server.on('up', () => {
        for (const { room } of [...this.#stranded.values()]) this.check(room);
      });
    }
  }

  /** What each server carries, as this process sees it through the rooms it has seats in. */
  loadOf(index: number): ServerLoad {
    const load = { rooms: 0, participants: 0, streams: 0 };
    for (const room of this.#parts.known()) {
      if (room.topology !== 'sfu' || room.placedOn !== index) continue;
      const publishers = room.feeds.size;
      load.rooms += 1;
      load.participants += Math.max(publishers, room.members.size);
      load.streams += publishers * Math.max(0, publishers - 1);
    }
    return load;
  }

  /** Moves the room if its media server is down or draining; nothing otherwise. */
  check(room: RoomMedia): void {
    if (this.#checking.has(room.id)) return;
    this.#checking.add(room.id);
    this.#check(room)
      .catch((error: unknown) => this.#parts.failed(room.id, 'replace', error))
      .finally(() => this.#checking.delete(room.id));
  }

  /**
   * The registry says which servers drain (after a change through any process, or a read of
   * it afresh); with `moveNow`, an operator asked another process for that server's rooms
   * to move now, and this process moves the ones it has seats in.
   */
  drain(servers: readonly number[], moveNow?: number): void {
    for (const server of this.#parts.servers.setDraining(servers)) {
      const event = server.isDraining ? 'media-server-draining' : 'media-server-undrained';
      this.#parts.log.info(
        { event, janus: server.label },
        server.isDraining ? 'draining' : 'takes new rooms',
      );
    }
    if (moveNow !== undefined) this.drainNow(moveNow);
  }

  /** The operator wants the rooms off `index` now: this process's, moved by it; returns how many. */
  drainNow(index: number): number {
    let count = 0;
    for (const room of this.#parts.known()) {
      if (room.topology !== 'sfu' || room.placedOn !== index) continue;
      this.check(room);
      count += 1;
    }
    return count;
  }

  forget(room: RoomId): void {
    this.#stranded.delete(room);
  }

  #rescue(index: number): void {
    for (const room of this.#parts.known()) {
      if (room.topology === 'sfu' && room.placedOn === index) this.check(room);
    }
  }

  async #check(room: RoomMedia): Promise<void> {
    const { rooms, seals, servers } = this.#parts;
    const record = await rooms.mediaOf(room.id);
    const placed = seals.openRoom(record?.server);
    if (record?.topology !== 'sfu' || placed === undefined) return this.forget(room.id);
    const server = servers.get(placed.server);
    // A stranded room that another process placed since (its record moved on) is an ordinary
    // room again: moving it once more would have everyone publish afresh twice.
    const stranded = this.#stranded.get(room.id);
    if (stranded !== undefined && stranded.version !== record.version) this.forget(room.id);
    const isStranded = this.#stranded.has(room.id);
    if (server?.isAvailable && !isStranded) return;
    const reason = server?.isUp && !isStranded ? 'draining' : 'down';
    const hasMoved = await this.#moves?.replace(room, record, reason, isStranded);
    if (hasMoved) {
      this.forget(room.id);
    } else if (reason === 'down' && (await rooms.mediaOf(room.id))?.version === record.version) {
      this.#stranded.set(room.id, { room, version: record.version });
      this.#parts.log.warn(
        { event: 'media-server-stranded', room: room.id, janus: server?.label },
        'no media server can take the room now',
      );
    }
  }
}
