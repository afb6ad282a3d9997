import type {
  LeaveReason,
  Peer,
  PeerHandMessage,
  PeerId,
  PeerJoinedMessage,
  PeerLeftMessage,
  Reaction,
  ReactionMessage,
  RelayedSignalMessage,
  RoomId,
  SignalData,
  Topology,
  TopologyMessage,
} from '@app/protocol';

/**
 * What the registry pushes to a peer on this process: membership changes, relayed signals,
 * raised hands and reactions, and moves of the room's media.
 */
export type RoomEvent =
  | PeerJoinedMessage
  | PeerLeftMessage
  | RelayedSignalMessage
  | PeerHandMessage
  | ReactionMessage
  | TopologyMessage;

/**
 * How a room's media travels, kept with the room so that every process sends the room's
 * people the same way and to the same media-server room.
 */
export interface RoomMedia {
  topology: Topology;
  /** Bumped by every change; a change is made only against the version it was decided on. */
  version: number;
  /**
   * The media-server room in use (or, after a move back to the mesh, not yet destroyed),
   * sealed: only the media module reads it.
   */
  server?: string | undefined;
}

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
  /** The room emptied while it had a media record: its media-server room can go. */
  roomClosed?(room: RoomId, media: RoomMedia): void;
  /**
   * Which media servers drain now (indexes into JANUS_URLS, the same list on every process):
   * told after every change through any process, and again whenever the registry reads it
   * afresh. With `moveNow`, an operator on another process asked for the rooms on that
   * server to move at once: this process moves the ones it has seats in.
   */
  draining?(servers: readonly number[], moveNow?: number): void;
}

/** How the signaling service gets its registry: the registry calls back through `hooks`. */
export type RegistryFactory = (hooks: RegistryHooks) => RoomRegistry;

export interface JoinRequest {
  room: RoomId;
  peer: Peer;
  /** Plain text from the join; only its hash is ever stored. */
  password?: string | undefined;
  /** This join's limit, when lower than the registry's (a mesh while the media server is away). */
  capacity?: number | undefined;
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
  /**
   * Relays to `to` if it sits in `room`; false means `unknown-peer`. `from` is set here.
   * The one method that may answer synchronously: it runs for every signal of every call,
   * and between two peers of this process it needs no store (no promise, no microtask).
   */
  relay(room: RoomId, from: PeerId, to: PeerId, data: SignalData): boolean | Promise<boolean>;
  /**
   * Raises or lowers `peerId`'s hand. When that changes it, everyone in the room (`peerId`
   * included) gets `hand`; the seat keeps it for joiners (`Peer.hand`) and resumes until it
   * leaves. False when `peerId` has no seat in `room`.
   */
  setHand(room: RoomId, peerId: PeerId, isRaised: boolean): Promise<boolean>;
  /** Everyone in the room (`from` included) gets `reaction`. False when `from` has no seat in `room`. */
  react(room: RoomId, from: PeerId, emoji: Reaction): Promise<boolean>;
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
  /** How many seats `room` has now (held ones included); 0 when it does not exist. */
  size(room: RoomId): Promise<number>;
  /** Delivers `event` to every member of `room` but `except`. */
  broadcast(room: RoomId, event: TopologyMessage, except?: PeerId): Promise<void>;
  /** The room's media record; undefined for a room without one (a mesh) or no room. */
  mediaOf(room: RoomId): Promise<RoomMedia | undefined>;
  /**
   * Replaces the room's media record if its version is still `expectedVersion` (0: no
   * record yet) and the room exists; false otherwise. Several processes deciding a move at
   * once: exactly one wins.
   */
  setMedia(room: RoomId, expectedVersion: number, media: RoomMedia): Promise<boolean>;
  /**
   * Marks media server `index` draining (it takes no new room) or not, for every process
   * sharing the registry: each, this one included, hears it through `hooks.draining` before
   * this resolves for this one and promptly for the others. With `moveNow`, the other
   * processes move their rooms off it at once; this process's rooms are the caller's to move.
   */
  setDraining(index: number, isDraining: boolean, moveNow?: boolean): Promise<void>;
  /** The media servers draining now, as the registry keeps them, in ascending order. */
  draining(): Promise<number[]>;
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
