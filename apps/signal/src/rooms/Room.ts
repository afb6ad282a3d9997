import type { Peer, PeerId, RoomId } from '@app/protocol';
import type { RoomMedia } from './RoomRegistry.ts';

/**
 * One room in one process: who is in it and the hash of its password (the first joiner's,
 * which everyone after must give). Knows nothing about sockets; the registry owns delivery.
 */
export class Room {
  readonly #members = new Map<PeerId, Peer>();
  /** How the room's media travels; none while it never left the mesh. */
  media: RoomMedia | undefined;

  constructor(
    readonly id: RoomId,
    readonly capacity: number,
    readonly passwordHash: string | undefined,
  ) {}

  get size(): number {
    return this.#members.size;
  }

  get isEmpty(): boolean {
    return this.#members.size === 0;
  }

  get isFull(): boolean {
    return this.#members.size >= this.capacity;
  }

  /** Full at a `limit` lower than the capacity, given for one join. */
  isFullAt(limit: number): boolean {
    return this.#members.size >= Math.min(limit, this.capacity);
  }

  has(peerId: PeerId): boolean {
    return this.#members.has(peerId);
  }

  add(peer: Peer): void {
    this.#members.set(peer.id, peer);
  }

  remove(peerId: PeerId): boolean {
    return this.#members.delete(peerId);
  }

  /** Raises or lowers a member's hand; false when that changed nothing (or no such member). */
  setHand(peerId: PeerId, isRaised: boolean): boolean {
    const peer = this.#members.get(peerId);
    if (peer === undefined || (peer.hand === true) === isRaised) return false;
    const { hand: _lowered, ...rest } = peer;
    this.#members.set(peerId, isRaised ? { ...rest, hand: true } : rest);
    return true;
  }

  /** Everyone in the room, in the order they joined. */
  everyone(): Peer[] {
    return [...this.#members.values()];
  }

  /** Everyone in the room except `peerId`, in the order they joined. */
  peersExcept(peerId: PeerId): Peer[] {
    return [...this.#members.values()].filter((peer) => peer.id !== peerId);
  }
}
