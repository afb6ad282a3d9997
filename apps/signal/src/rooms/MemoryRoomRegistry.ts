import type { LeaveReason, Peer, PeerId, Reaction, RoomId, SignalData, TopologyMessage } from '@app/protocol';
import { hashPassword, verifyPassword } from './password.ts';
import { Room } from './Room.ts';
import { Departures } from './Departures.ts';
import {
  DEPARTURE_MEMORY_MS,
  type Deliver,
  type JoinOutcome,
  type JoinRequest,
  type RegistryHooks,
  type RegistryStats,
  type RoomMedia,
  type RoomRegistry,
} from './RoomRegistry.ts';

export interface MemoryRoomRegistryOptions {
  capacity: number;
  deliver: Deliver;
  roomClosed?: RegistryHooks['roomClosed'];
  draining?: RegistryHooks['draining'];
}

/** All rooms in this process's memory: the default when no `REDIS_URL` is set. */
export class MemoryRoomRegistry implements RoomRegistry {
  readonly #rooms = new Map<RoomId, Room>();
  readonly #departures = new Departures(DEPARTURE_MEMORY_MS);
  readonly #capacity: number;
  readonly #deliver: Deliver;
  readonly #roomClosed: RegistryHooks['roomClosed'];
  readonly #onDraining: RegistryHooks['draining'];
  /** One process: the draining media servers are this process's alone. */
  readonly #draining = new Set<number>();

  constructor(options: MemoryRoomRegistryOptions) {
    this.#capacity = options.capacity;
    this.#deliver = options.deliver;
    this.#roomClosed = options.roomClosed;
    this.#onDraining = options.draining;
  }

  async join({ room: roomId, peer, password, capacity }: JoinRequest): Promise<JoinOutcome> {
    // Hashing and verifying are async (scrypt on the thread pool), so the room may be
    // created, emptied or recreated meanwhile: re-check after every await and retry.
    for (;;) {
      const existing = this.#rooms.get(roomId);
      if (existing === undefined) {
        const passwordHash = password === undefined ? undefined : await hashPassword(password);
        if (this.#rooms.has(roomId)) continue;
        const room = new Room(roomId, this.#capacity, passwordHash);
        room.add(peer);
        this.#rooms.set(roomId, room);
        this.#departures.forget(`${roomId}\n${peer.id}`);
        return { ok: true, peers: [] };
      }
      if (existing.passwordHash !== undefined) {
        const isRight = password !== undefined && (await verifyPassword(password, existing.passwordHash));
        if (this.#rooms.get(roomId) !== existing) continue;
        if (!isRight) return { ok: false, code: 'wrong-password' };
      }
      if (existing.isFullAt(capacity ?? this.#capacity)) return { ok: false, code: 'room-full' };
      const peers = existing.peersExcept(peer.id);
      existing.add(peer);
      for (const other of peers) this.#deliver(other.id, { type: 'peer-joined', peer });
      this.#departures.forget(`${roomId}\n${peer.id}`);
      return { ok: true, peers };
    }
  }

  async leave(roomId: RoomId, peerId: PeerId, reason: LeaveReason = 'left'): Promise<void> {
    const room = this.#rooms.get(roomId);
    if (room === undefined || !room.remove(peerId)) return;
    if (room.isEmpty) {
      this.#rooms.delete(roomId);
      if (room.media !== undefined) this.#roomClosed?.(roomId, room.media);
      return;
    }
    this.#departures.remember(`${roomId}\n${peerId}`);
    for (const other of room.peersExcept(peerId))
      this.#deliver(other.id, { type: 'peer-left', id: peerId, reason });
  }

  async hasDeparted(roomId: RoomId, peerId: PeerId): Promise<boolean> {
    return this.#departures.has(`${roomId}\n${peerId}`);
  }

  relay(roomId: RoomId, from: PeerId, to: PeerId, data: SignalData): boolean {
    const room = this.#rooms.get(roomId);
    if (room === undefined || to === from || !room.has(to) || !room.has(from)) return false;
    this.#deliver(to, { type: 'signal', from, data });
    return true;
  }

  async setHand(roomId: RoomId, peerId: PeerId, isRaised: boolean): Promise<boolean> {
    const room = this.#rooms.get(roomId);
    if (room === undefined || !room.has(peerId)) return false;
    if (!room.setHand(peerId, isRaised)) return true;
    for (const peer of room.everyone())
      this.#deliver(peer.id, { type: 'hand', id: peerId, raised: isRaised });
    return true;
  }

  async react(roomId: RoomId, from: PeerId, emoji: Reaction): Promise<boolean> {
    const room = this.#rooms.get(roomId);
    if (room === undefined || !room.has(from)) return false;
    for (const peer of room.everyone()) this.#deliver(peer.id, { type: 'reaction', from, emoji });
    return true;
  }

  async checkPassword(roomId: RoomId, password: string | undefined): Promise<boolean> {
    const hash = this.#rooms.get(roomId)?.passwordHash;
    if (hash === undefined) return true;
    return password !== undefined && verifyPassword(password, hash);
  }

  async isMember(roomId: RoomId, peerId: PeerId): Promise<boolean> {
    return this.#rooms.get(roomId)?.has(peerId) ?? false;
  }

  /** One process holds every seat, so there is never a foreign seat to claim. */
  async claim(_room: RoomId, _peer: Peer): Promise<Peer[] | undefined> {
    return undefined;
  }

  async size(roomId: RoomId): Promise<number> {
    return this.#rooms.get(roomId)?.size ?? 0;
  }

  async broadcast(roomId: RoomId, event: TopologyMessage, except?: PeerId): Promise<void> {
    for (const peer of this.#rooms.get(roomId)?.peersExcept(except ?? '') ?? [])
      this.#deliver(peer.id, event);
  }

  async mediaOf(roomId: RoomId): Promise<RoomMedia | undefined> {
    return this.#rooms.get(roomId)?.media;
  }

  async setMedia(roomId: RoomId, expectedVersion: number, media: RoomMedia): Promise<boolean> {
    const room = this.#rooms.get(roomId);
    if (room === undefined || (room.media?.version ?? 0) !== expectedVersion) return false;
    room.media = media;
    return true;
  }

  /** No other process to tell, so `moveNow` asks nothing more: the caller moves the rooms. */
  async setDraining(index: number, isDraining: boolean, _moveNow?: boolean): Promise<void> {
    if (isDraining) this.#draining.add(index);
    else this.#draining.delete(index);
    this.#onDraining?.(await this.draining());
  }

  async draining(): Promise<number[]> {
    return [...this.#draining].sort((a, b) => a - b);
  }

  async open(): Promise<void> {}

  async stats(): Promise<RegistryStats> {
    let peers = 0;
    for (const room of this.#rooms.values()) peers += room.size;
    return { rooms: this.#rooms.size, peers };
  }

  isHealthy(): boolean {
    return true;
  }

  async close(): Promise<void> {
    this.#rooms.clear();
  }
}
