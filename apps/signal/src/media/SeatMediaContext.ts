import type { PeerId, RoomId } from '@app/protocol';
import type { JanusConnection, MediaRoom } from '../janus/index.ts';
import type { SeatEvent } from '../signaling/seats/Session.ts';
import type { MediaSeals, ServerRoom } from './tokens.ts';

/** What a seat's media needs from its room and process. */
export interface SeatMediaContext {
  readonly peerId: PeerId;
  readonly room: RoomId;
  connectionOf(server: number): JanusConnection;
  readonly seals: MediaSeals;
  /** The room's media-server room, its watcher opened on this process if it was not yet. */
  mediaRoom(): Promise<{ room: MediaRoom; serverRoom: ServerRoom }>;
  /** Who publishes in the room now: feed id → PeerId. */
  readonly feeds: ReadonlyMap<number, PeerId>;
  /** Asks the media server again who publishes; with `unless`, only if one of those is unknown. */
  refreshFeeds(unless?: readonly number[]): Promise<void>;
  send(event: SeatEvent): void;
  /** The media server gave up a connection of this seat's on its own, for `reason` (for the log). */
  gaveUp(reason: string): void;
  /** Asks `peer`'s browser for a keyframe, when its seat is on this process. */
  keyframe(peer: PeerId): void;
}
