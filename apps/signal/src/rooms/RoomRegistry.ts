import type {
  LeaveReason,
  Peer,
  PeerId,
  PeerJoinedMessage,
  PeerLeftMessage,
  RelayedSignalMessage,
  RoomId,
  SignalData,
} from '@app/protocol';

/** What the registry pushes to a peer on this process: membership changes and relayed signals. */
export type RoomEvent = PeerJoinedMessage | PeerLeftMessage | RelayedSignalMessage;

/** Hands an event to the local session of `to`; the registry never touches sockets. */
export type Deliver = (to: PeerId, event: RoomEvent) => void;

/** What a registry may call back into the process that owns the sessions. */
export interface RegistryHooks {
  deliver: Deliver;
  /**
   * Another process took over this seat (a resume that reached it): end the local session
   * without telling the room anything.
   */
  release(peerId: PeerId): void;
}

/** How the signaling service gets its registry: the registry calls back through `hooks`. */
export type RegistryFactory = (hooks: RegistryHooks) => RoomRegistry;

export interface JoinRequest {
  room: RoomId;
  peer: Peer;
  /** Plain text from the join; only its hash is ever stored. */
  password?: string | undefined;
}

export type JoinOutcome = { ok: true; peers: Peer[] } | { ok: false; code: 'room-full' | 'wrong-password' };

export interface RegistryStats {
  rooms: number;
  peers: number;
}

/**
 * Rooms and their members: a room is created by its first joiner, holds at most its
 * capacity, and is deleted as soon as it is empty. Every method is async so the in-memory
 * and Redis implementations share this one interface; callers must not assume anything
 * completes synchronously.
 */
export interface RoomRegistry {
  /**
   * Seats `peer` in `room`, creating the room (with `password` as its password) when it
   * does not exist. On success every other member gets `peer-joined`.
   */
  join(request: JoinRequest): Promise<JoinOutcome>;
  /**
   * Frees the seat; the others get `peer-left` with `reason` (`lost`: they keep their
   * connection to the peer for a while, in case it comes back), and the room remembers, for a
   * while, that it told them; an empty room is deleted at once.
   */
  leave(room: RoomId, peerId: PeerId, reason?: LeaveReason): Promise<void>;
  /**
   * Whether the others in `room` were told `peerId` left, within the last DEPARTURE_MEMORY_MS.
   * A seat recreated for a resume token answers `resumed: false` only then: after a server
   * restart nobody was told anything, and the client's connections still stand.
   */
  hasDeparted(room: RoomId, peerId: PeerId): Promise<boolean>;
  /** Relays to `to` if it sits in `room`; false means `unknown-peer`. `from` is set here. */
  relay(room: RoomId, from: PeerId, to: PeerId, data: SignalData): Promise<boolean>;
  /** True when `room` has no password or `password` is its password (constant-time compare). */
  checkPassword(room: RoomId, password: string | undefined): Promise<boolean>;
  /** Whether `peerId` holds a seat in `room` (a held seat counts). */
  isMember(room: RoomId, peerId: PeerId): Promise<boolean>;
  /**
   * Moves a seat held by another process (same name) to this one, for a resume that
   * reached a different process. Returns the other members, or undefined when there is no
   * such seat to take.
   */
  claim(room: RoomId, peer: Peer): Promise<Peer[] | undefined>;
  /** Connects to the backing store, waiting at most `timeoutMs`; never throws. */
  open(timeoutMs: number): Promise<void>;
  stats(): Promise<RegistryStats>;
  /** False while a backing store is unreachable. */
  isHealthy(): boolean;
  close(): Promise<void>;
}

/**
 * How long a room remembers who it saw leave. Long enough for a laptop lid closed over lunch
 * to count as a departure; past it, the client's connections have failed anyway and it
 * offers afresh on its own.
 */
export const DEPARTURE_MEMORY_MS = 60 * 60 * 1000;
