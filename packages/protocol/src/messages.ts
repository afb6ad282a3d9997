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
import { ERROR_CODES } from './errors.ts';
import { LIMITS } from './limits.ts';

export const RoomId = z
  .string()
  .check(z.regex(/^[A-Za-z0-9_-]{1,64}$/, 'A room name uses 1 to 64 letters, digits, "-" or "_".'));
export type RoomId = z.infer<typeof RoomId>;

/** Assigned by the server: 128 random bits as base64url (22 characters). */
export const PeerId = z.string().check(z.regex(/^[A-Za-z0-9_-]{16,64}$/, 'Not a peer id.'));
export type PeerId = z.infer<typeof PeerId>;

/** Trimmed first, then counted: `"  Ada  "` is the name `Ada`. */
export const DisplayName = z
  .string()
  .check(
    z.trim(),
    z.minLength(1, 'Enter a name.'),
    z.maxLength(LIMITS.nameMaxLength, `A name is at most ${LIMITS.nameMaxLength} characters.`),
  );

export const Password = z.string().check(z.minLength(1), z.maxLength(LIMITS.passwordMaxLength));

/** An opaque token from `joined` that lets a dropped connection take back its seat. */
export const ResumeToken = z.string().check(z.minLength(1), z.maxLength(512));

export const Peer = z.object({ id: PeerId, name: DisplayName });
export type Peer = z.infer<typeof Peer>;

export const SessionDescription = z.object({
  type: z.enum(['offer', 'answer', 'pranswer', 'rollback']),
  sdp: z.string(),
});

/** The fields of RTCIceCandidateInit (https://w3c.github.io/webrtc-pc/#dom-rtcicecandidateinit). */
export const IceCandidate = z.object({
  candidate: z.optional(z.string()),
  sdpMid: z.optional(z.nullable(z.string())),
  sdpMLineIndex: z.optional(z.nullable(z.int().check(z.minimum(0), z.maximum(65535)))),
  usernameFragment: z.optional(z.nullable(z.string())),
});

/** Exactly one of a description or a candidate; a null candidate means end of candidates. */
// Candidates first: they are most of the signals in a call, and a union tries its branches in order.
export const SignalData = z.union([
  z.strictObject({ candidate: z.nullable(IceCandidate) }),
  z.strictObject({ description: SessionDescription }),
]);
export type SignalData = z.infer<typeof SignalData>;

export const IceServer = z.object({
  urls: z.union([z.string(), z.array(z.string())]),
  username: z.optional(z.string()),
  credential: z.optional(z.string()),
});
export type IceServer = z.infer<typeof IceServer>;

// Client to server

export const JoinMessage = z.object({
  type: z.literal('join'),
  room: RoomId,
  name: DisplayName,
  password: z.optional(Password),
  /** Token from an earlier `joined`: take back the same PeerId and seat after a drop. */
  resume: z.optional(ResumeToken),
});

export const SignalMessage = z.object({
  type: z.literal('signal'),
  to: PeerId,
  data: SignalData,
});

export const LeaveMessage = z.object({ type: z.literal('leave') });

export const ClientMessage = z.discriminatedUnion('type', [JoinMessage, SignalMessage, LeaveMessage]);
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
});

export const PeerJoinedMessage = z.object({ type: z.literal('peer-joined'), peer: Peer });

export const PeerLeftMessage = z.object({ type: z.literal('peer-left'), id: PeerId });

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
});

export const ServerMessage = z.discriminatedUnion('type', [
  JoinedMessage,
  PeerJoinedMessage,
  PeerLeftMessage,
  RelayedSignalMessage,
  ErrorMessage,
]);
export type ServerMessage = z.infer<typeof ServerMessage>;
export type JoinedMessage = z.infer<typeof JoinedMessage>;
export type PeerJoinedMessage = z.infer<typeof PeerJoinedMessage>;
export type PeerLeftMessage = z.infer<typeof PeerLeftMessage>;
export type RelayedSignalMessage = z.infer<typeof RelayedSignalMessage>;
export type ErrorMessage = z.infer<typeof ErrorMessage>;
