import type { PeerId, RoomId, Topology } from '@app/protocol';
import { MediaServerError, type Feed, type JanusConnection, type MediaRoom } from '../janus/index.ts';
import type { RoomMedia as RoomMediaRecord } from '../rooms/RoomRegistry.ts';
import type { Scheduler, Timer } from '../signaling/scheduler.ts';
import type { SeatEvent } from '../signaling/seats/Session.ts';
import { DwellTimer } from './DwellTimer.ts';
import type { MediaServer } from './MediaServer.ts';
import type { MediaServers } from './MediaServers.ts';
import { peerIdOr } from './offers.ts';
import { SeatMedia } from './SeatMedia.ts';
import type { MediaSeals, ServerRoom } from './tokens.ts';

/** What a room's media needs from the process around it. */
export interface RoomMediaContext {
  servers: MediaServers;
  seals: MediaSeals;
  /** The room's record in the registry, when this process has to read it again. */
  load(room: RoomId): Promise<RoomMediaRecord | undefined>;
  send(to: PeerId, event: SeatEvent): void;
  /** Something went wrong with the media server in the background: log it (codes only). */
  failed(room: RoomId, what: string, error: unknown): void;
  /** The media server gave up a connection of `peer`'s on its own: log it. */
  gaveUp(room: RoomId, peer: PeerId, reason: string): void;
  /** The room stayed at or below MESH_MAX long enough. */
  dwelt(room: RoomMedia): void;
  meshReturn: { ms: number; scheduler: Scheduler };
}

/**
 * One room as this process sees its media: the topology it last learned, the media-server
 * room (and this process's watcher in it, which hears who publishes), who publishes there
 * (feed id → PeerId, from the display every publisher joins with), and the media of this
 * process's own seats in the room.
 */
export class RoomMedia {
  /** This process's seats in the room. */
  readonly members = new Set<PeerId>();
  readonly feeds = new Map<number, PeerId>();
  readonly dwell: DwellTimer;
  topology: Topology = 'mesh';
  /** The media server the room's media-server room is on, as last learned (kept while it is re-read). */
  placedOn: number | undefined;
  #serverRoom: ServerRoom | undefined;
  readonly #ctx: RoomMediaContext;
  readonly #seats = new Map<PeerId, SeatMedia>();
  readonly #leaving = new Map<PeerId, Timer>();
  #watcher: MediaRoom | undefined;
  #opening: Promise<MediaRoom> | undefined;

  constructor(
    readonly id: RoomId,
    ctx: RoomMediaContext,
  ) {
    this.#ctx = ctx;
    this.dwell = new DwellTimer(ctx.meshReturn.ms, ctx.meshReturn.scheduler, () => ctx.dwelt(this));
  }

  get serverRoom(): ServerRoom | undefined {
    return this.#serverRoom;
  }

  get hasActiveSeats(): boolean {
    return [...this.#seats.values()].some((seat) => seat.isActive);
  }

  /** What the registry says now. A different media-server room than the watcher's closes it. */
  learn(record: RoomMediaRecord | undefined): void {
    this.topology = record?.topology ?? 'mesh';
    const serverRoom = this.#ctx.seals.openRoom(record?.server);
    if (serverRoom?.credentials.id !== this.#watcher?.id) void this.closeWatcher();
    this.#serverRoom = serverRoom;
    this.placedOn = serverRoom?.server;
  }

  /**
   * The room moved to the media server (again: perhaps to another one): read its record again
   * when next needed; a watcher in another media-server room closes then.
   */
  forgetServerRoom(): void {
    this.#serverRoom = undefined;
  }

  /** This process created the media-server room on media server `server`: its control handle already watches. */
  adoptWatcher(room: MediaRoom, server: number): void {
    if (this.#watcher !== undefined && this.#watcher !== room) void this.closeWatcher();
    this.#serverRoom = { server, credentials: room.credentials };
    this.placedOn = server;
    this.#watch(room, []);
  }

  seat(peerId: PeerId): SeatMedia {
    let seat = this.#seats.get(peerId);
    if (seat === undefined) {
      seat = new SeatMedia({
        peerId,
        room: this.id,
        connectionOf: (server) => this.#connectionOf(server),
        seals: this.#ctx.seals,
        feeds: this.feeds,
        mediaRoom: () => this.mediaRoom(),
        refreshFeeds: (unless) => this.#refreshFeeds(unless),
        send: (event) => this.#ctx.send(peerId, event),
        gaveUp: (reason) => this.#ctx.gaveUp(this.id, peerId, reason),
        keyframe: (peer) => this.#seats.get(peer)?.requestKeyframe(),
      });
      this.#seats.set(peerId, seat);
    }
    return seat;
  }

  seatIfAny(peerId: PeerId): SeatMedia | undefined {
    return this.#seats.get(peerId);
  }

  /** The seat's media goes for good (`leave`), or to another process (`release`). */
  async removeSeat(peerId: PeerId, mode: 'leave' | 'release'): Promise<void> {
    this.cancelLeave(peerId);
    const seat = this.#seats.get(peerId);
    this.#seats.delete(peerId);
    await seat?.close(mode);
  }

  /** After `topology: mesh`, the seat keeps its handles `ms` more, while its client builds the mesh. */
  scheduleLeave(peerId: PeerId, ms: number): void {
    if (this.#leaving.has(peerId) || !this.#seats.get(peerId)?.isActive) return;
    const timer = this.#ctx.meshReturn.scheduler.after(ms, () => {
      this.#leaving.delete(peerId);
      void this.#seats
        .get(peerId)
        ?.dropHandles()
        .then(() => (this.hasActiveSeats ? undefined : this.closeWatcher()));
    });
    this.#leaving.set(peerId, timer);
  }

  cancelLeave(peerId: PeerId): void {
    this.#leaving.get(peerId)?.cancel();
    this.#leaving.delete(peerId);
  }

  /** The media-server room and this process's watcher in it, opened on first use. */
  async mediaRoom(): Promise<{ room: MediaRoom; serverRoom: ServerRoom }> {
    if (this.#serverRoom === undefined) this.learnServerRoom(await this.#ctx.load(this.id));
    const serverRoom = this.#serverRoom;
    if (serverRoom === undefined) throw new MediaServerError('media-room-not-found', 'media-room');
    // A watcher left in a room the media moved away from (another media server's).
    if (this.#watcher !== undefined && this.#watcher.id !== serverRoom.credentials.id)
      void this.closeWatcher();
    const room = this.#watcher ?? (await (this.#opening ??= this.#open(serverRoom)));
    return { room, serverRoom };
  }

  learnServerRoom(record: RoomMediaRecord | undefined): void {
    this.#serverRoom = record?.topology === 'sfu' ? this.#ctx.seals.openRoom(record.server) : undefined;
    if (this.#serverRoom) this.placedOn = this.#serverRoom.server;
  }

  /** Destroys the media-server room itself (everyone's handles in it end). */
  async destroyServerRoom(serverRoom: ServerRoom): Promise<void> {
    const watcher = this.#watcher;
    if (watcher?.id === serverRoom.credentials.id) {
      this.#unwatch();
      await watcher.destroy();
      return;
    }
    await this.#serverOf(serverRoom.server).rooms.destroyRoom(serverRoom.credentials);
  }

  /** Leaves the media-server room as its watcher (the room stays). */
  async closeWatcher(): Promise<void> {
    const watcher = this.#watcher;
    this.#unwatch();
    await watcher?.session.destroy().catch(() => undefined);
  }

  /** Every timer stops; nothing is said to the media server (shutdown keeps sessions for a restart). */
  stopTimers(): void {
    this.dwell.cancel();
    for (const timer of this.#leaving.values()) timer.cancel();
    this.#leaving.clear();
  }

  async #open(serverRoom: ServerRoom): Promise<MediaRoom> {
    try {
      const { room, feeds } = await this.#serverOf(serverRoom.server).rooms.openRoom(serverRoom.credentials);
      this.#watch(room, feeds);
      return room;
    } finally {
      this.#opening = undefined;
    }
  }

  #watch(room: MediaRoom, feeds: readonly Feed[]): void {
    this.#watcher = room;
    this.feeds.clear();
    this.#addFeeds(feeds);
    room.on('publishers', (added) => {
      this.#addFeeds(added);
      for (const seat of this.#seats.values()) {
        seat.feedsChanged().catch((error: unknown) => this.#ctx.failed(this.id, 'subscribe', error));
      }
    });
    const gone = (feed: number): void => {
      this.feeds.delete(feed);
      for (const seat of this.#seats.values()) seat.feedGone(feed);
    };
    room.on('unpublished', gone);
    room.on('left', gone);
    room.on('destroyed', () => this.#unwatch());
    room.on('lost', () => this.#unwatch());
  }

  #serverOf(index: number): MediaServer {
    const server = this.#ctx.servers.get(index);
    if (server === undefined) throw new MediaServerError('media-server-unavailable', 'media-room');
    return server;
  }

  #connectionOf(index: number): JanusConnection {
    return this.#serverOf(index).connection;
  }

  #unwatch(): void {
    this.#watcher?.removeAllListeners();
    this.#watcher = undefined;
    this.feeds.clear();
  }

  #addFeeds(feeds: readonly Feed[]): void {
    for (const feed of feeds) {
      const peer = peerIdOr(feed.display);
      if (peer !== undefined) this.feeds.set(feed.id, peer);
    }
  }

  /** `unless`: feeds to know, for a restarted process that has not listed the room yet. */
  async #refreshFeeds(unless?: readonly number[]): Promise<void> {
    if (unless !== undefined) await this.mediaRoom();
    if (unless?.every((id) => this.feeds.has(id))) return;
    const watcher = this.#watcher;
    if (watcher === undefined) return;
    const participants = await watcher.participants();
    this.feeds.clear();
    for (const { id, display, isPublishing } of participants) {
      const peer = peerIdOr(display);
      if (isPublishing && peer !== undefined) this.feeds.set(id, peer);
    }
  }
}
