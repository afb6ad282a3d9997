import type { PeerId, RoomId } from '@app/protocol';

interface LocalSeat {
  room: RoomId;
  name: string;
}

/**
 * The seats this process owns and the password hash of each of their rooms: the truth to
 * put back into Redis after it lost them, and what lets a relay between two of them skip
 * Redis altogether.
 */
export class LocalSeats {
  readonly #seats = new Map<PeerId, LocalSeat>();
  readonly #roomPasswords = new Map<RoomId, string>();

  get size(): number {
    return this.#seats.size;
  }

  add(peerId: PeerId, room: RoomId, name: string): void {
    this.#seats.set(peerId, { room, name });
  }

  /** The room's password hash ('' for none), as it was when this process seated someone. */
  setRoomPassword(room: RoomId, hash: string): void {
    this.#roomPasswords.set(room, hash);
  }

  roomPassword(room: RoomId): string | undefined {
    return this.#roomPasswords.get(room);
  }

  has(peerId: PeerId): boolean {
    return this.#seats.has(peerId);
  }

  roomOf(peerId: PeerId): RoomId | undefined {
    return this.#seats.get(peerId)?.room;
  }

  hasRoom(room: RoomId): boolean {
    return this.#roomPasswords.has(room);
  }

  /**
   * Forgets the seat. Returns its room when that was this process's last seat there, so the
   * caller can drop what it knew about the room.
   */
  remove(peerId: PeerId): RoomId | undefined {
    const seat = this.#seats.get(peerId);
    if (seat === undefined) return undefined;
    this.#seats.delete(peerId);
    for (const other of this.#seats.values()) if (other.room === seat.room) return undefined;
    this.#roomPasswords.delete(seat.room);
    return seat.room;
  }

  entries(): IterableIterator<[PeerId, LocalSeat]> {
    return this.#seats.entries();
  }

  roomCount(): number {
    const rooms = new Set<RoomId>();
    for (const seat of this.#seats.values()) rooms.add(seat.room);
    return rooms.size;
  }
}
