/**
 * Signaling wire protocol v1: every frame on `/ws` is one JSON object of one of these
 * shapes (packages/protocol/README.md describes each message and the rules around them).
 * Unknown extra fields are ignored (zod's default `strip`).
 *
 * Written with `zod/mini`: the same schemas and inferred types as classic zod, but as
 * functions a bundler can drop when unused, so the browser ships only what it parses
 * (the README's "Bundle size" section has the figures).
 */
import * as z from 'zod/mini';
import { DisplayName, IceServer, Password, Peer, PeerId, ResumeToken, RoomId, SignalData } from './common.ts';
import { ERROR_CODES } from './errors.ts';
import { HandMessage, PeerHandMessage, ReactionMessage, ReactMessage } from './hands.ts';
import {
  MediaCandidateMessage,
  MediaLayersMessage,
  MediaPublishAnswerMessage,
  MediaPublishMessage,
  MediaRestartMessage,
  MediaResubscribeMessage,
  MediaServerCandidateMessage,
  MediaSessionMessage,
  MediaSubscribeAnswerMessage,
  MediaSubscribeOfferMessage,
  Topology,
  TopologyMessage,
} from './media-server.ts';

export * from './common.ts';
export * from './media-server.ts';
export * from './hands.ts';

// Client to server

export const JoinMessage = z.object({
  type: z.literal('join'),
  room: RoomId,
  name: DisplayName,
  password: z.optional(Password),
  /** Token from an earlier `joined`: take back the same PeerId and seat after a drop. */
  resume: z.optional(ResumeToken),
  /** Token from an earlier `media-session`: take back the media-server session too. */
  media: z.optional(z.string().check(z.minLength(1), z.maxLength(1024))),
});

export const SignalMessage = z.object({
  type: z.literal('signal'),
  to: PeerId,
  data: SignalData,
});

export const LeaveMessage = z.object({ type: z.literal('leave') });

export const ClientMessage = z.discriminatedUnion('type', [
  JoinMessage,
  SignalMessage,
  LeaveMessage,
  HandMessage,
  ReactMessage,
  MediaPublishMessage,
  MediaSubscribeAnswerMessage,
  MediaCandidateMessage,
  MediaLayersMessage,
  MediaRestartMessage,
  MediaResubscribeMessage,
]);
export type ClientMessage = z.infer<typeof ClientMessage>;
export type JoinMessage = z.infer<typeof JoinMessage>;
export type SignalMessage = z.infer<typeof SignalMessage>;
export type LeaveMessage = z.infer<typeof LeaveMessage>;

// Server to client

export const JoinedMessage = z.object({
  type: z.literal('joined'),
  room: RoomId,
  self: PeerId,
  peers: z.array(Peer),
  iceServers: z.array(IceServer),
  capacity: z.int().check(z.positive()),
  /** Present when the server can hold this seat after a drop; send it back as `resume`. */
  resumeToken: z.optional(ResumeToken),
  /** True when this join took back an earlier seat: the others never saw it leave. */
  resumed: z.optional(z.boolean()),
  /** How the room's media travels now (absent: `mesh`). */
  topology: z.optional(Topology),
});

export const PeerJoinedMessage = z.object({ type: z.literal('peer-joined'), peer: Peer });

/**
 * Why someone left. `lost`: the server dropped them without a goodbye (a missed heartbeat: a
 * frozen or suspended browser, a dead network); they may come back under the same PeerId
 * within `LIMITS.awayGraceMs`, so the others keep their connection to them that long. Absent
 * or `left`: they left on purpose, or their held seat ran out; they are gone.
 */
export const LeaveReason = z.enum(['left', 'lost']);
export type LeaveReason = z.infer<typeof LeaveReason>;

export const PeerLeftMessage = z.object({
  type: z.literal('peer-left'),
  id: PeerId,
  reason: z.optional(LeaveReason),
});

export const RelayedSignalMessage = z.object({
  type: z.literal('signal'),
  from: PeerId,
  data: SignalData,
});

export const ErrorCode = z.enum(ERROR_CODES);
export type ErrorCode = z.infer<typeof ErrorCode>;

export const ErrorMessage = z.object({
  type: z.literal('error'),
  code: ErrorCode,
  message: z.string(),
  /** With `too-many-attempts`: milliseconds until the next try is accepted. */
  retryAfterMs: z.optional(z.int().check(z.nonnegative())),
});

export const ServerMessage = z.discriminatedUnion('type', [
  JoinedMessage,
  PeerJoinedMessage,
  PeerLeftMessage,
  RelayedSignalMessage,
  ErrorMessage,
  PeerHandMessage,
  ReactionMessage,
  TopologyMessage,
  MediaPublishAnswerMessage,
  MediaSubscribeOfferMessage,
  MediaServerCandidateMessage,
  MediaSessionMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type JoinedMessage = z.infer<typeof JoinedMessage>;
export type PeerJoinedMessage = z.infer<typeof PeerJoinedMessage>;
export type PeerLeftMessage = z.infer<typeof PeerLeftMessage>;
export type RelayedSignalMessage = z.infer<typeof RelayedSignalMessage>;
export type ErrorMessage = z.infer<typeof ErrorMessage>;
