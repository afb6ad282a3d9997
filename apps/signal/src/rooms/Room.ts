import type { Peer, PeerId, RoomId } from '@app/protocol';

/**
 * One room in one process: who is in it and the hash of its password (the first joiner's,
 * which everyone after must give). Knows nothing about sockets; the registry owns delivery.
 */
export class Room {
  readonly #members = new Map<PeerId, Peer>();

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

  has(peerId: PeerId): boolean {
    return this.#members.has(peerId);
  }

  add(peer: Peer): void {
    this.#members.set(peer.id, peer);
  }

  remove(peerId: PeerId): boolean {
    return this.#members.delete(peerId);
  }

  /** Everyone in the room except `peerId`, in the order they joined. */
  peersExcept(peerId: PeerId): Peer[] {
    return [...this.#members.values()].filter((peer) => peer.id !== peerId);
  }
}
