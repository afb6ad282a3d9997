/**
 * Messages between browsers over RTCDataChannel. A peer never trusts another peer: every
 * inbound message is parsed with these schemas and a bad one is dropped and counted.
 *
 * Channels: `chat` (negotiated, id 0, ordered) carries the JSON messages below; each file
 * transfer gets its own ordered channel labelled `file:<id>` (`file:<id>:<attempt>` when it
 * is resumed) carrying the file's bytes as binary frames followed by one JSON `file-end`.
 */
import * as z from 'zod/mini';
import { LIMITS } from './limits.ts';

/** A random id made by the sender, unique per message or transfer. */
export const MessageId = z.string().check(z.regex(/^[A-Za-z0-9_-]{8,64}$/));

const sentAt = z.int().check(z.nonnegative());

export const ChatMessage = z.object({
  type: z.literal('chat'),
  id: MessageId,
  text: z.string().check(z.trim(), z.minLength(1), z.maxLength(LIMITS.chatMaxLength)),
  sentAt,
});

/** What a peer is sending, so the others can show muted / camera-off / sharing badges. */
export const StatusMessage = z.object({
  type: z.literal('status'),
  isMicOn: z.boolean(),
  isCameraOn: z.boolean(),
  isSharingScreen: z.boolean(),
});

export const PHOTO_TYPES = ['image/jpeg', 'image/webp'] as const;
/** Largest photo accepted, in bytes. */
export const PHOTO_MAX_BYTES = 4 * 1024 * 1024;
/** Base64 characters per photo chunk: fits the smallest SCTP message size browsers offer (64 KiB). */
export const PHOTO_CHUNK_CHARS = 48 * 1024;

/** Announces a still photo; its bytes follow as `photo-chunk` messages in order. */
export const PhotoMessage = z.object({
  type: z.literal('photo'),
  id: MessageId,
  mime: z.enum(PHOTO_TYPES),
  size: z.int().check(z.positive(), z.maximum(PHOTO_MAX_BYTES)),
  width: z.int().check(z.positive(), z.maximum(8192)),
  height: z.int().check(z.positive(), z.maximum(8192)),
  sentAt,
});

export const PhotoChunkMessage = z.object({
  type: z.literal('photo-chunk'),
  id: MessageId,
  index: z.int().check(z.nonnegative()),
  data: z.string().check(z.maxLength(PHOTO_CHUNK_CHARS), z.regex(/^[A-Za-z0-9+/]*={0,2}$/)),
});

/** Any file name: sanitised by the receiver before it is shown or saved. */
export const FileName = z.string().check(z.minLength(1), z.maxLength(255));
export const Sha256Hex = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/**
 * The secret of one transfer, made by its sender (at least 128 random bits, base64url) and
 * sent only in its `file-offer`, on the two people's own encrypted `chat` channel. Knowing
 * it is how either side proves, after a reload under a new PeerId, that it is the other end
 * of that transfer.
 */
export const TransferKey = z.string().check(z.regex(/^[A-Za-z0-9_-]{22,64}$/));

export const FileOfferMessage = z.object({
  type: z.literal('file-offer'),
  id: MessageId,
  name: FileName,
  size: z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
  mime: z.string().check(z.maxLength(255)),
  sentAt,
  /** Present when the sender can resume the transfer (see `file-resume`). */
  key: z.optional(TransferKey),
});

export const FileAcceptMessage = z.object({ type: z.literal('file-accept'), id: MessageId });
export const FileDeclineMessage = z.object({ type: z.literal('file-decline'), id: MessageId });

export const FileCancelMessage = z.object({
  type: z.literal('file-cancel'),
  id: MessageId,
  reason: z.enum(['cancelled', 'failed', 'too-large', 'corrupt']),
});

/**
 * Block size of the file digest. `file-end.sha256` is the SHA-256 of the concatenated
 * SHA-256 digests of the file's consecutive blocks of this size (the last one may be
 * shorter; an empty file has no blocks, so its digest is SHA-256 of nothing). Web Crypto
 * has no incremental digest but hashes a block natively (SHA extensions, off the main
 * thread) about ten times faster than JavaScript, and a list of fixed-size block digests
 * is as collision-resistant as SHA-256 itself.
 */
export const FILE_DIGEST_BLOCK_BYTES = 1024 * 1024;

/** Sent on the transfer's own channel after its last byte: the file digest (see FILE_DIGEST_BLOCK_BYTES). */
export const FileEndMessage = z.object({
  type: z.literal('file-end'),
  id: MessageId,
  sha256: Sha256Hex,
});

/**
 * Receiver to sender, on `chat`: "I hold the first `from` blocks of the file (see
 * FILE_DIGEST_BLOCK_BYTES); send the rest on a new channel `file:<id>:<attempt>`". `prefix`
 * is the SHA-256 of the concatenated SHA-256 digests of those blocks (of nothing when `from`
 * is 0), so the sender can check them without seeing them. `attempt` grows with every
 * request, so a late channel of an earlier one is never mistaken for the current one.
 */
export const FileResumeMessage = z.object({
  type: z.literal('file-resume'),
  id: MessageId,
  key: TransferKey,
  from: z.int().check(z.nonnegative(), z.maximum(Number.MAX_SAFE_INTEGER)),
  prefix: Sha256Hex,
  attempt: z.int().check(z.positive(), z.maximum(Number.MAX_SAFE_INTEGER)),
});

/**
 * Sender to receiver, on `chat`: "I am back for this transfer (perhaps under a new PeerId,
 * after a reload, with the file chosen again); tell me where to go on". Answered by
 * `file-resume`.
 */
export const FileRejoinMessage = z.object({
  type: z.literal('file-rejoin'),
  id: MessageId,
  key: TransferKey,
});

/** The receiver's verdict once the digest is checked. */
export const FileResultMessage = z.object({
  type: z.literal('file-result'),
  id: MessageId,
  ok: z.boolean(),
});

export const PeerMessage = z.discriminatedUnion('type', [
  ChatMessage,
  StatusMessage,
  PhotoMessage,
  PhotoChunkMessage,
  FileOfferMessage,
  FileAcceptMessage,
  FileDeclineMessage,
  FileCancelMessage,
  FileEndMessage,
  FileResultMessage,
  FileResumeMessage,
  FileRejoinMessage,
]);
export type PeerMessage = z.infer<typeof PeerMessage>;
export type ChatMessage = z.infer<typeof ChatMessage>;
export type StatusMessage = z.infer<typeof StatusMessage>;
export type PhotoMessage = z.infer<typeof PhotoMessage>;
export type PhotoChunkMessage = z.infer<typeof PhotoChunkMessage>;
export type FileOfferMessage = z.infer<typeof FileOfferMessage>;
export type FileAcceptMessage = z.infer<typeof FileAcceptMessage>;
export type FileDeclineMessage = z.infer<typeof FileDeclineMessage>;
export type FileCancelMessage = z.infer<typeof FileCancelMessage>;
export type FileEndMessage = z.infer<typeof FileEndMessage>;
export type FileResultMessage = z.infer<typeof FileResultMessage>;
export type FileResumeMessage = z.infer<typeof FileResumeMessage>;
export type FileRejoinMessage = z.infer<typeof FileRejoinMessage>;
