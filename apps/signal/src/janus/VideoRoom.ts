import { randomBytes, randomInt } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { MediaServerError } from './errors.ts';
import type { JanusConnection } from './JanusConnection.ts';
import type { JanusHandle, PluginNotification } from './JanusHandle.ts';
import type { JanusSession, SessionLostReason } from './JanusSession.ts';
import { Publisher } from './Publisher.ts';
import { Subscriber, type StreamRef } from './Subscriber.ts';
import {
  Attached,
  Created,
  Destroyed,
  Joined,
  Participants,
  RoomNotification,
  VIDEOROOM_PLUGIN,
  type Feed,
} from './videoroom-messages.ts';
import { videoroomRequest } from './videoroom-request.ts';

/** How the room's own watcher shows in Janus's participant list (it never publishes). */
export const ROOM_WATCHER_DISPLAY = 'callroom:watcher';

export interface CreateRoomOptions {
  /** Most people sending media at once (Janus's `publishers`). */
  capacity: number;
  /** Default cap on each publisher's video bitrate (REMB), in bits per second; none when absent. */
  bitrate?: number;
}

export interface RoomCredentials {
  id: number;
  secret: string;
}

export interface VideoRoomClientOptions {
  /** The VideoRoom plugin's admin_key, when Janus is configured with one. */
  adminKey?: string;
  /** Room ids, injectable so tests can make two rooms collide. */
  roomId?: () => number;
}

export interface Participant {
  id: number;
  display?: string;
  isPublishing: boolean;
}

export type RoomEvents = {
  /** People who started publishing (each with their streams). */
  publishers: [feeds: Feed[]];
  /** A feed stopped publishing (it may still be in the room). */
  unpublished: [feedId: number];
  /** A participant left the room (kicked ones too). */
  left: [participantId: number];
  /** The room is gone on Janus (destroyed by someone). */
  destroyed: [];
  /** The room's session is gone on Janus, and everything in it. */
  lost: [reason: SessionLostReason];
};

/** Random room ids below 2^48: exact JavaScript numbers, and never reused in practice. */
const randomRoomId = (): number => randomInt(1, 2 ** 48);

/**
 * Creates media rooms on one Janus. Each room gets a session of its own, so that destroying
 * the room (or Janus timing it out) takes every handle of its people with it, and a random
 * secret that only this server knows.
 */
export class VideoRoomClient {
  readonly #adminKey: string | undefined;
  readonly #roomId: () => number;

  constructor(
    readonly connection: JanusConnection,
    options: VideoRoomClientOptions = {},
  ) {
    this.#adminKey = options.adminKey;
    this.#roomId = options.roomId ?? randomRoomId;
  }

  async createRoom(options: CreateRoomOptions): Promise<MediaRoom> {
    const session = await this.connection.createSession();
    try {
      const control = await session.attach(VIDEOROOM_PLUGIN);
      const secret = randomBytes(24).toString('base64url');
      const id = await this.#create(control, secret, options);
      const room = new MediaRoom(session, control, id, secret);
      await room.watch();
      return room;
    } catch (error) {
      await session.destroy().catch(() => undefined);
      throw error;
    }
  }

  /**
   * Joins an existing room's watcher on a session of its own: another process created the
   * room, or this process was restarted. Resolves with the room and who publishes in it now.
   */
  async openRoom({ id, secret }: RoomCredentials): Promise<{ room: MediaRoom; feeds: Feed[] }> {
    const session = await this.connection.createSession();
    try {
      const control = await session.attach(VIDEOROOM_PLUGIN);
      const room = new MediaRoom(session, control, id, secret);
      return { room, feeds: await room.watch() };
    } catch (error) {
      await session.destroy().catch(() => undefined);
      throw error;
    }
  }

  /** Destroys a room known only by its credentials (one a previous process left behind). */
  async destroyRoom({ id, secret }: RoomCredentials): Promise<void> {
    const session = await this.connection.createSession();
    try {
      const handle = await session.attach(VIDEOROOM_PLUGIN);
      await videoroomRequest(handle, { request: 'destroy', room: id, secret, permanent: false }, Destroyed);
    } finally {
      await session.destroy().catch(() => undefined);
    }
  }

  /** Creates the room under a fresh random id, trying another id if one is taken. */
  async #create(control: JanusHandle, secret: string, options: CreateRoomOptions): Promise<number> {
    for (let attempt = 1; ; attempt++) {
      const id = this.#roomId();
      try {
        await videoroomRequest(
          control,
          {
            request: 'create',
            room: id,
            permanent: false,
            is_private: true,
            secret,
            publishers: options.capacity,
            audiocodec: 'opus',
            // VP8: every browser sends it, and Janus switches its simulcast layers per subscriber.
            videocodec: 'vp8',
            ...(options.bitrate !== undefined ? { bitrate: options.bitrate } : {}),
            ...(this.#adminKey ? { admin_key: this.#adminKey } : {}),
          },
          Created,
        );
        return id;
      } catch (error) {
        const isTaken = error instanceof MediaServerError && error.code === 'media-room-exists';
        if (!isTaken || attempt >= 3) throw error;
      }
    }
  }
}

/** One of our rooms while its media goes through Janus. */
export class MediaRoom extends EventEmitter<RoomEvents> {
  readonly #secret: string;

  constructor(
    readonly session: JanusSession,
    /** Joined to the room as a participant that never publishes, to hear the room's notifications once. */
    readonly control: JanusHandle,
    readonly id: number,
    secret: string,
  ) {
    super();
    this.#secret = secret;
    session.on('lost', (reason) => this.emit('lost', reason));
    control.on('event', (notification) => this.#onNotification(notification));
  }

  /** Joins the room's watcher; resolves with the people publishing in the room now. */
  async watch(): Promise<Feed[]> {
    const { data } = await videoroomRequest(
      this.control,
      { request: 'join', ptype: 'publisher', room: this.id, display: ROOM_WATCHER_DISPLAY },
      Joined,
    );
    return data.publishers.filter((feed) => feed.display !== ROOM_WATCHER_DISPLAY);
  }

  /** Everyone in the room (publishing or not), without the room's own watcher. */
  async participants(): Promise<Participant[]> {
    const { data } = await videoroomRequest(
      this.control,
      { request: 'listparticipants', room: this.id },
      Participants,
    );
    return data.participants
      .filter((participant) => participant.display !== ROOM_WATCHER_DISPLAY)
      .map(({ id, display, publisher }) => ({
        id,
        ...(display ? { display } : {}),
        isPublishing: publisher,
      }));
  }

  /**
   * A person enters the room (on a handle of their own), ready to publish. The handle is
   * made in `session` (default: the room's own), so that a person's handles can live in a
   * session of their own, claimed or ended without touching anyone else's.
   */
  async join({
    display,
    session = this.session,
  }: {
    display: string;
    session?: JanusSession;
  }): Promise<Publisher> {
    const handle = await session.attach(VIDEOROOM_PLUGIN);
    try {
      const { data } = await videoroomRequest(
        handle,
        { request: 'join', ptype: 'publisher', room: this.id, display },
        Joined,
      );
      const feeds = data.publishers.filter((feed) => feed.display !== ROOM_WATCHER_DISPLAY);
      return new Publisher(handle, data.id, data.private_id, feeds);
    } catch (error) {
      await handle.detach().catch(() => undefined);
      throw error;
    }
  }

  /**
   * A subscription to some publishers' streams; Janus's offer is in the result. With
   * `useMsid`, each m-line's msid names its publisher's feed, so the subscription can be
   * read back from an offer alone (see `Subscriber.reclaim`).
   */
  async subscribe(
    streams: StreamRef[],
    {
      privateId,
      session = this.session,
      useMsid = false,
    }: { privateId?: number; session?: JanusSession; useMsid?: boolean } = {},
  ): Promise<Subscriber> {
    const handle = await session.attach(VIDEOROOM_PLUGIN);
    try {
      const { data, jsep } = await videoroomRequest(
        handle,
        {
          request: 'join',
          ptype: 'subscriber',
          room: this.id,
          streams,
          ...(privateId !== undefined ? { private_id: privateId } : {}),
          ...(useMsid ? { use_msid: true } : {}),
        },
        Attached,
      );
      if (jsep?.type !== 'offer') throw new MediaServerError('media-server-error', 'videoroom.join');
      return new Subscriber(handle, jsep, data.streams);
    } catch (error) {
      await handle.detach().catch(() => undefined);
      throw error;
    }
  }

  /** Destroys the room on Janus, then its session (everyone's PeerConnection closes). */
  async destroy(): Promise<void> {
    try {
      await videoroomRequest(
        this.control,
        { request: 'destroy', room: this.id, secret: this.#secret, permanent: false },
        Destroyed,
      );
    } finally {
      await this.session.destroy();
      this.removeAllListeners();
    }
  }

  /** What another process needs to destroy this room later. Holds the secret: never log it. */
  get credentials(): RoomCredentials {
    return { id: this.id, secret: this.#secret };
  }

  #onNotification({ data }: PluginNotification): void {
    const parsed = RoomNotification.safeParse(data);
    if (!parsed.success) return;
    const notification = parsed.data;
    if (notification.videoroom === 'destroyed') {
      this.emit('destroyed');
    } else if ('publishers' in notification) {
      const feeds = notification.publishers.filter((feed) => feed.display !== ROOM_WATCHER_DISPLAY);
      if (feeds.length > 0) this.emit('publishers', feeds);
    } else if ('unpublished' in notification) {
      this.emit('unpublished', notification.unpublished);
    } else if ('leaving' in notification) {
      this.emit('left', notification.leaving);
    } else {
      this.emit('left', notification.kicked);
    }
  }
}
