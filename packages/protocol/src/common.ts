/**
 * The shapes every signaling message is made of: ids, names, descriptions, candidates, ICE
 * servers. Written with `zod/mini`, like every schema of the package.
 */
import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';
import { ROOM_ID_PATTERN } from './room-id.ts';

export const RoomId = z
  .string()
  .check(z.regex(ROOM_ID_PATTERN, 'A room name uses 1 to 64 letters, digits, "-" or "_".'));
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

/** `hand` is present and true while the person has their hand raised. */
export const Peer = z.object({ id: PeerId, name: DisplayName, hand: z.optional(z.boolean()) });
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
