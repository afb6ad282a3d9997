import {
  LIMITS,
  type MediaCandidateMessage,
  type MediaLayersMessage,
  type MediaPublishMessage,
  type MediaSubscribeAnswerMessage,
  type PeerId,
  type RoomId,
  type Topology,
} from '@app/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Config } from '../config.ts';
import { MediaServerError } from '../janus/index.ts';
import type { SignalMetrics } from '../plugins/metrics.ts';
import type { RoomEvent, RoomMedia as RoomMediaRecord, RoomRegistry } from '../rooms/RoomRegistry.ts';
import { sendError } from '../signaling/replies.ts';
import type { Scheduler } from '../signaling/scheduler.ts';
import type { SeatMediaHooks } from '../signaling/seats/SeatMediaHooks.ts';
import type { Occupant } from '../signaling/seats/Seats.ts';
import type { Outbox, SeatEvent, Session } from '../signaling/seats/Session.ts';
import type { MediaServers, ServerLoad } from './MediaServers.ts';
import { Placement } from './Placement.ts';
import { RoomMedia, type RoomMediaContext } from './RoomMedia.ts';
import type { SeatMedia } from './SeatMedia.ts';
import type { MediaSeals } from './tokens.ts';
import { TopologyMoves } from './TopologyMoves.ts';

export type MediaRoomsConfig = Pick<Config, 'meshMax' | 'meshReturnMs' | 'meshLeaveMs' | 'roomCapacity'>;

export interface MediaRoomsParts {
  rooms: RoomRegistry;
  servers: MediaServers;
  seals: MediaSeals;
  metrics: SignalMetrics;
  log: FastifyBaseLogger;
  scheduler: Scheduler;
  send(to: PeerId, event: SeatEvent): void;
}

/** A mesh past this many people is beyond what browsers carry: the protocol's default capacity. */
const MESH_LIMIT = LIMITS.roomCapacity;

type Client = Occupant & Outbox;

/**
 * Rooms beyond the mesh: decides each room's topology (to the media server when it outgrows
 * MESH_MAX, back to the mesh once it has stayed at or below it for `meshReturnMs`), keeps
 * it in the room registry so that every process agrees, and carries each seat's media-*
 * messages to and from its handles. The registry's version check makes every move happen
 * once, whichever process decides it.
 */
export class MediaRooms implements SeatMediaHooks {
  readonly isEnabled = true;
  readonly #config: MediaRoomsConfig;
  readonly #parts: MediaRoomsParts;
  readonly #rooms = new Map<RoomId, RoomMedia>();
  /** Which room each seat of this process sits in. */
  readonly #seatRooms = new Map<PeerId, RoomMedia>();
  /** Rooms whose size is being checked, and whether another check was asked for meanwhile. */
  readonly #evaluating = new Map<RoomId, boolean>();
  readonly #moves: TopologyMoves;
  readonly placement: Placement;

  constructor(config: MediaRoomsConfig, parts: MediaRoomsParts) {
    this.#config = config;
    this.#parts = parts;
    const failed = (room: RoomId, what: string, error: unknown): void => this.#failed(room, what, error);
    this.placement = new Placement({ ...parts, known: () => this.#rooms.values(), failed });
    this.#moves = new TopologyMoves(config, {
      ...parts,
      loadOf: (index) => this.placement.loadOf(index),
      failed,
    });
    this.placement.watch(this.#moves);
  }

  /** Whether any media server is reachable. */
  get isUp(): boolean {
    return this.#parts.servers.isUp;
  }

  get servers(): MediaServers {
    return this.#parts.servers;
  }

  /** Starts reaching every media server; resolves after each one's first attempt, reached or not. */
  start(): Promise<void> {
    return this.#parts.servers.start();
  }

  async joinLimit(room: RoomId): Promise<number | undefined> {
    if (this.#parts.servers.isUp) return undefined;
    if ((await this.#parts.rooms.mediaOf(room))?.topology === 'sfu') return undefined;
    // No media server to move to: the room stays a mesh, and a mesh has a size limit.
    return Math.max(this.#config.meshMax, MESH_LIMIT);
  }

  async admit(
    session: Session,
    size: number,
    mediaToken: string | undefined,
  ): Promise<Topology | 'room-full'> {
    const room = this.#roomOf(session.room);
    room.members.add(session.peerId);
    this.#seatRooms.set(session.peerId, room);
    let record = await this.#parts.rooms.mediaOf(session.room);
    if (mediaToken !== undefined) record = await this.#reclaim(room, session, mediaToken, record);
    room.learn(record);
    // Grown: a room on a draining (or lost) media server moves now.
    if (room.topology === 'sfu') this.placement.check(room);
    if (room.topology === 'mesh' && size > this.#config.meshMax) {
      const hasMoved = await this.#moves.toServer(room, record, session.peerId);
      if (!hasMoved && size > Math.max(this.#config.meshMax, MESH_LIMIT)) {
        this.#forgetSeat(session.peerId);
        return 'room-full';
      }
    }
    this.#evaluate(room);
    return room.topology;
  }

  ended(session: Session): void {
    void this.#removeSeat(session.peerId, 'leave');
  }

  released(peerId: PeerId): void {
    void this.#removeSeat(peerId, 'release');
  }

  /** Sees what the registry delivers to this process's seats: moves, arrivals, departures. */
  onEvent(to: PeerId, event: RoomEvent): void {
    const room = this.#seatRooms.get(to);
    if (room === undefined) return;
    if (event.type === 'topology') {
      room.topology = event.topology;
      if (event.topology === 'sfu') {
        room.cancelLeave(to);
        room.forgetServerRoom();
        // Every move to the media server starts new connections: old handles are dead.
        const seat = room.seatIfAny(to);
        if (seat?.isActive) void seat.dropHandles();
      } else {
        room.scheduleLeave(to, this.#config.meshLeaveMs);
      }
    }
    if (event.type !== 'signal') this.#evaluate(room);
  }

  /** A room emptied: its media-server room goes. */
  roomClosed(roomId: RoomId, record: RoomMediaRecord): void {
    const serverRoom = this.#parts.seals.openRoom(record.server);
    if (serverRoom === undefined) return;
    const room = this.#rooms.get(roomId) ?? new RoomMedia(roomId, this.#roomContext());
    room.destroyServerRoom(serverRoom).catch((error: unknown) => this.#failed(roomId, 'destroy', error));
  }

  publish(client: Client, message: MediaPublishMessage): Promise<void> {
    return this.#withSeat(client, 'publish', (seat) => seat.publish(message.sdp));
  }

  answer(client: Client, message: MediaSubscribeAnswerMessage): Promise<void> {
    return this.#withSeat(client, 'answer', (seat) => seat.answer(message.sdp));
  }

  candidate(client: Client, message: MediaCandidateMessage): Promise<void> {
    return this.#withSeat(client, 'trickle', (seat) => seat.candidate(message.leg, message.candidate));
  }

  layers(client: Client, message: MediaLayersMessage): Promise<void> {
    return this.#withSeat(client, 'layers', (seat) => seat.selectLayers(message.layers));
  }

  restart(client: Client): Promise<void> {
    return this.#withSeat(client, 'restart', (seat) => seat.restart());
  }

  resubscribe(client: Client): Promise<void> {
    return this.#withSeat(client, 'resubscribe', (seat) => seat.resubscribe());
  }

  /** Which media server the room's media is on (an index into JANUS_URLS), as the registry says. */
  async placementOf(room: RoomId): Promise<number | undefined> {
    const record = await this.#parts.rooms.mediaOf(room);
    return record?.topology === 'sfu' ? this.#parts.seals.openRoom(record.server)?.server : undefined;
  }

  /** For the metrics and /healthz: each media server's state and what it carries, as seen here. */
  serverStats(): (ServerLoad & { server: number; isUp: boolean; isDraining: boolean; movesAway: number })[] {
    return this.#parts.servers.all.map((server) => ({
      server: server.index,
      isUp: server.isUp,
      isDraining: server.isDraining,
      movesAway: server.movesAway,
      ...this.placement.loadOf(server.index),
    }));
  }

  /** Stops every timer and keeps every session on the media server for a restarted process. */
  async shutdown(): Promise<void> {
    for (const room of this.#rooms.values()) room.stopTimers();
    await this.#parts.servers.close({ keepSessions: true });
  }

  async #withSeat(client: Client, what: string, act: (seat: SeatMedia) => Promise<void>): Promise<void> {
    const session = client.session;
    if (session === null) return sendError(client, 'not-joined', this.#parts.metrics);
    const room = this.#seatRooms.get(session.peerId);
    // A message that crossed a move back to the mesh: nothing to do.
    if (room?.topology !== 'sfu') return;
    try {
      await act(room.seat(session.peerId));
    } catch (error) {
      this.#failed(room.id, what, error);
    }
  }

  /** Takes over the seat's media-server session named by its `media-session` token. */
  async #reclaim(
    room: RoomMedia,
    session: Session,
    token: string,
    record: RoomMediaRecord | undefined,
  ): Promise<RoomMediaRecord | undefined> {
    const { rooms, seals, log } = this.#parts;
    const claim = seals.openSession(token, session.peerId, session.room);
    if (claim === undefined) return record;
    if (record === undefined) {
      // The registry forgot the room (a restart with rooms in memory): the token remembers.
      const restored: RoomMediaRecord = {
        topology: 'sfu',
        version: 1,
        server: seals.sealRoom(claim.serverRoom),
      };
      record = (await rooms.setMedia(session.room, 0, restored))
        ? restored
        : await rooms.mediaOf(session.room);
    }
    const current = seals.openRoom(record?.server);
    const isSameRoom =
      current?.server === claim.serverRoom.server &&
      current.credentials.id === claim.serverRoom.credentials.id;
    if (record?.topology !== 'sfu' || !isSameRoom) return record;
    room.learn(record);
    try {
      await room.seat(session.peerId).reclaim(claim);
      log.info(
        { event: 'media-reclaimed', room: session.room, peer: session.peerId },
        'media session taken over',
      );
    } catch (error) {
      this.#failed(session.room, 'reclaim', error);
    }
    return record;
  }

  /** Arms or cancels the wait before a move back to the mesh; one check per room at a time. */
  #evaluate(room: RoomMedia): void {
    if (this.#evaluating.has(room.id)) {
      this.#evaluating.set(room.id, true);
      return;
    }
    this.#evaluating.set(room.id, false);
    this.#parts.scheduler.soon(() => {
      this.#parts.rooms
        .size(room.id)
        .then((size) => room.dwell.hold(room.topology === 'sfu' && size > 0 && size <= this.#config.meshMax))
        .catch((error: unknown) => this.#failed(room.id, 'size', error))
        .finally(() => {
          const isAskedAgain = this.#evaluating.get(room.id) === true;
          this.#evaluating.delete(room.id);
          if (isAskedAgain && this.#rooms.get(room.id) === room) this.#evaluate(room);
        });
    });
  }

  #roomOf(roomId: RoomId): RoomMedia {
    let room = this.#rooms.get(roomId);
    if (room === undefined) {
      room = new RoomMedia(roomId, this.#roomContext());
      this.#rooms.set(roomId, room);
    }
    return room;
  }

  #roomContext(): RoomMediaContext {
    const { servers, seals, rooms, scheduler } = this.#parts;
    return {
      servers,
      seals,
      load: (room) => rooms.mediaOf(room),
      send: (to, event) => this.#parts.send(to, event),
      failed: (room, what, error) => this.#failed(room, what, error),
      gaveUp: (room, peer, reason) => {
        const event = { event: 'media-connection-lost', room, peer, reason };
        this.#parts.log.warn(event, 'the media server gave up a connection; its browser connects afresh');
      },
      dwelt: (room) => {
        this.#moves.toMesh(room).catch((error: unknown) => this.#failed(room.id, 'move', error));
      },
      meshReturn: { ms: this.#config.meshReturnMs, scheduler },
    };
  }

  async #removeSeat(peerId: PeerId, mode: 'leave' | 'release'): Promise<void> {
    const room = this.#forgetSeat(peerId);
    // Shrunk: a room on a draining media server moves now (the others' processes see it too).
    if (mode === 'leave' && room !== undefined && room.members.size > 0 && room.topology === 'sfu')
      this.placement.check(room);
    await room?.removeSeat(peerId, mode).catch((error: unknown) => this.#failed(room.id, mode, error));
  }

  /** The seat is no longer this process's; a room with none of its seats left is let go. */
  #forgetSeat(peerId: PeerId): RoomMedia | undefined {
    const room = this.#seatRooms.get(peerId);
    if (room === undefined) return undefined;
    this.#seatRooms.delete(peerId);
    room.members.delete(peerId);
    if (room.members.size === 0) {
      this.#rooms.delete(room.id);
      this.placement.forget(room.id);
      room.stopTimers();
      void room.closeWatcher();
    }
    return room;
  }

  /** Logs what failed by our own codes only: Janus's words, addresses and secrets stay out. */
  #failed(room: RoomId, what: string, error: unknown): void {
    const code = error instanceof MediaServerError ? error.code : 'internal';
    const operation = error instanceof MediaServerError ? error.operation : undefined;
    this.#parts.log.warn({ event: 'media-failed', room, what, code, operation }, 'media server step failed');
  }
}
