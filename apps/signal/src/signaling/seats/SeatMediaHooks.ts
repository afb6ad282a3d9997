import type { PeerId, RoomId, Topology } from '@app/protocol';
import type { Session } from './Session.ts';

/** What the seat rules ask of the media-server side (media/MediaRooms), or of its absence. */
export interface SeatMediaHooks {
  /** False without a media server: `joined` then says nothing about topology. */
  readonly isEnabled: boolean;
  /** The most people a join may bring `room` to, when lower than the room capacity. */
  joinLimit(room: RoomId): Promise<number | undefined>;
  /**
   * A seat just entered its room, which now has `size` people: the topology its `joined`
   * says, after moving the room to the media server if it just outgrew the mesh, and after
   * taking over the seat's media-server session if `mediaToken` names one (a restart).
   * 'room-full' when the room outgrew the mesh and the media server cannot take it.
   */
  admit(session: Session, size: number, mediaToken: string | undefined): Promise<Topology | 'room-full'>;
  /** The seat is gone: its media-server handles go too. */
  ended(session: Session): void;
  /** Another process took the seat, and its media-server session with it. */
  released(peerId: PeerId): void;
}

export const NO_MEDIA: SeatMediaHooks = {
  isEnabled: false,
  joinLimit: async () => undefined,
  admit: async () => 'mesh',
  ended() {},
  released() {},
};
