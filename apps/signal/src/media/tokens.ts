import { PeerId, RoomId } from '@app/protocol';
import * as z from 'zod';
import type { JanusSession, Publisher, RoomCredentials, Subscriber } from '../janus/index.ts';
import type { Sealer } from './Sealer.ts';

const JanusId = z.int().positive();

/** A media-server room as the room registry keeps it: which server, which room, its secret. */
const ServerRoom = z.object({ n: z.int().nonnegative(), i: JanusId, k: z.string().min(1) });

export interface ServerRoom {
  /** Index into JANUS_URLS. */
  server: number;
  credentials: RoomCredentials;
}

/**
 * What a seat's `media-session` token holds: enough for a restarted (or another) process to
 * claim the seat's media-server session and find its handles, and to know the room's
 * media-server room even when the room registry forgot it (a restart of a process that kept
 * rooms in memory).
 */
const SessionClaim = z.object({
  p: PeerId,
  r: RoomId,
  /** Expiry, ms since 1970. */
  x: z.int(),
  room: ServerRoom,
  /** Janus session, publisher handle, feed id, private id, subscriber handle (0: none yet). */
  s: JanusId,
  h: JanusId,
  f: JanusId,
  q: z.int().nonnegative(),
  u: z.int().nonnegative(),
  /** Digest of the publication's DTLS fingerprint: a different one is a new connection. */
  d: z.string().max(64),
});

export interface SessionClaim {
  peerId: PeerId;
  room: RoomId;
  serverRoom: ServerRoom;
  sessionId: number;
  publisherHandle: number;
  feed: number;
  privateId: number;
  /** 0 while the seat subscribes to nobody. */
  subscriberHandle: number;
  fingerprint: string;
}

/** The claim of a seat's handles as they are now. */
export function claimOf(
  seat: { peerId: PeerId; room: RoomId; serverRoom: ServerRoom; fingerprint: string },
  session: JanusSession,
  publisher: Publisher,
  subscriber: Subscriber | undefined,
): SessionClaim {
  return {
    ...seat,
    sessionId: session.id,
    publisherHandle: publisher.handle.id,
    feed: publisher.id,
    privateId: publisher.privateId,
    subscriberHandle: subscriber?.handle.id ?? 0,
  };
}

const ROOM_PURPOSE = 'media-room.v1';
const SESSION_PURPOSE = 'media-session.v1';

/** Media-session tokens live as long as resume tokens: a day covers the longest call. */
const SESSION_TOKEN_TTL_MS = 24 * 60 * 60 * 1000;

export class MediaSeals {
  constructor(
    private readonly sealer: Sealer,
    private readonly now: () => number = Date.now,
  ) {}

  sealRoom({ server, credentials }: ServerRoom): string {
    return this.sealer.seal(ROOM_PURPOSE, { n: server, i: credentials.id, k: credentials.secret });
  }

  openRoom(sealed: string | undefined): ServerRoom | undefined {
    if (sealed === undefined) return undefined;
    const parsed = ServerRoom.safeParse(this.sealer.open(ROOM_PURPOSE, sealed));
    return parsed.success ? toServerRoom(parsed.data) : undefined;
  }

  sealSession(claim: SessionClaim): string {
    const { serverRoom } = claim;
    return this.sealer.seal(SESSION_PURPOSE, {
      p: claim.peerId,
      r: claim.room,
      x: this.now() + SESSION_TOKEN_TTL_MS,
      room: { n: serverRoom.server, i: serverRoom.credentials.id, k: serverRoom.credentials.secret },
      s: claim.sessionId,
      h: claim.publisherHandle,
      f: claim.feed,
      q: claim.privateId,
      u: claim.subscriberHandle,
      d: claim.fingerprint,
    } satisfies z.input<typeof SessionClaim>);
  }

  /** The claim, if the token is ours, unexpired, and for this seat. */
  openSession(token: string, peerId: PeerId, room: RoomId): SessionClaim | undefined {
    const parsed = SessionClaim.safeParse(this.sealer.open(SESSION_PURPOSE, token));
    if (!parsed.success) return undefined;
    const claim = parsed.data;
    if (claim.p !== peerId || claim.r !== room || claim.x < this.now()) return undefined;
    return {
      peerId: claim.p,
      room: claim.r,
      serverRoom: toServerRoom(claim.room),
      sessionId: claim.s,
      publisherHandle: claim.h,
      feed: claim.f,
      privateId: claim.q,
      subscriberHandle: claim.u,
      fingerprint: claim.d,
    };
  }
}

function toServerRoom(room: z.infer<typeof ServerRoom>): ServerRoom {
  return { server: room.n, credentials: { id: room.i, secret: room.k } };
}
