import type { RoomId } from '@app/protocol';

/**
 * Every name this server uses in Redis, all under one prefix so that several deployments (or
 * tests) can share one Redis. A room's keys carry its id in braces (a Redis Cluster hash
 * tag), so its members and its password sit together and one script can change both.
 */
export class RedisKeys {
  constructor(readonly prefix = 'sig:') {}

  /** Hash: PeerId -> member record (name and owning process) of everyone seated in `room`. */
  members(room: RoomId): string {
    return `${this.prefix}room:{${room}}:members`;
  }

  /** String: the room's password hash; absent for a room without one. */
  password(room: RoomId): string {
    return `${this.prefix}room:{${room}}:password`;
  }

  /** String: the room's media record (RoomMedia as JSON); absent while it never left the mesh. */
  media(room: RoomId): string {
    return `${this.prefix}room:{${room}}:media`;
  }

  /** Hash: PeerId -> '1' for each member of `room` whose hand is raised. */
  hands(room: RoomId): string {
    return `${this.prefix}room:{${room}}:hands`;
  }

  /** String with a TTL: the room was told `peer` left (see RoomRegistry.hasDeparted). */
  departed(room: RoomId, peer: string): string {
    return `${this.prefix}departed:{${room}}:${peer}`;
  }

  /** Set: the seat entries owned by `process`, so the others can free them if it dies. */
  seats(process: string): string {
    return `${this.seatsPrefix}${process}`;
  }

  /** What `seats(process)` starts with; the claim script appends the old owner itself. */
  get seatsPrefix(): string {
    return `${this.prefix}process:seats:`;
  }

  /** String with a TTL, refreshed while `process` is alive. */
  presence(process: string): string {
    return `${this.prefix}process:alive:${process}`;
  }

  /** Set: every process that has refreshed its presence and not yet been swept. */
  get processes(): string {
    return `${this.prefix}processes`;
  }

  /** Set: the media servers (indexes into JANUS_URLS) an operator drains, for every process. */
  get draining(): string {
    return `${this.prefix}media:draining`;
  }

  /** Pub/sub channel every process listens on, for what concerns them all. */
  get everyone(): string {
    return `${this.prefix}to-all`;
  }

  /** Pub/sub channel of the messages for `process`. */
  channel(process: string): string {
    return `${this.prefix}to:${process}`;
  }
}
