import type { PeerId, RoomId } from '@app/protocol';

/**
 * Which process owns the other peers of rooms this process has seats in, as Redis said, so
 * that a relayed signal does not cost an HMGET each.
 *
 * An entry goes when the peer leaves (every process with a seat in the room hears its
 * peer-left), when the process that resumed it says `moved`, when this process has no seat
 * left in the room (it would hear no more peer-left), and when the subscriber reconnects
 * (what was published meanwhile is lost).
 *
 * The epoch rule: an owner read from Redis before a peer-left or `moved` may already be
 * stale when the answer arrives, so each of those bumps the epoch, and an answer is cached
 * only if the epoch is the one read before asking.
 */
export class OwnerCache {
  readonly #owners = new Map<PeerId, { room: RoomId; owner: string }>();
  readonly #self: string;
  readonly #hasLocalSeatIn: (room: RoomId) => boolean;
  #epoch = 0;

  /**
   * `self` is this process (its own peers are never cached); `hasLocalSeatIn` says whether
   * this process still hears the room's peer-left.
   */
  constructor(self: string, hasLocalSeatIn: (room: RoomId) => boolean) {
    this.#self = self;
    this.#hasLocalSeatIn = hasLocalSeatIn;
  }

  /** Read before asking Redis; hand back to `remember` with the answer. */
  get epoch(): number {
    return this.#epoch;
  }

  /** The owner of `peerId` if it is known to sit in `room`. */
  ownerOf(peerId: PeerId, room: RoomId): string | undefined {
    const known = this.#owners.get(peerId);
    return known !== undefined && known.room === room ? known.owner : undefined;
  }

  /**
   * Caches an owner Redis reported; `readAt` is the epoch before the question, for an answer
   * that may have raced a peer-left or a move (a member list from a script is current, so
   * it needs none).
   */
  remember(room: RoomId, peerId: PeerId, owner: string, readAt = this.#epoch): void {
    if (readAt !== this.#epoch) return;
    if (owner === this.#self || !this.#hasLocalSeatIn(room)) return;
    this.#owners.set(peerId, { room, owner });
  }

  /** The peer left, or moved to another process. */
  forget(peerId: PeerId): void {
    this.#epoch += 1;
    this.#owners.delete(peerId);
  }

  /** This process has no seat left in `room`. */
  forgetRoom(room: RoomId): void {
    for (const [peerId, known] of this.#owners) {
      if (known.room === room) this.#owners.delete(peerId);
    }
  }

  clear(): void {
    this.#owners.clear();
  }
}
