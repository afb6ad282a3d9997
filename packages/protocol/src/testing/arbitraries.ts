/**
 * fast-check arbitraries for every message shape, written from the rules in the README
 * rather than derived from the zod schemas, so the property tests compare two independent
 * descriptions of the protocol. Every value generated here is valid and canonical: parsing
 * its JSON gives back exactly the same value.
 */
import fc from 'fast-check';
import { ERROR_CODES } from '../errors.ts';
import { REACTIONS } from '../hands.ts';
import { LIMITS } from '../limits.ts';
import type { ClientMessage, ServerMessage } from '../messages.ts';
import type { PeerMessage } from '../peer-messages.ts';

/** One UTF-16 code unit from the Basic Multilingual Plane, surrogates and spaces aside. */
const bmpUnit = fc.integer({ min: 0x21, max: 0xd7ff }).map((code) => String.fromCharCode(code));

/**
 * Text of `minLength` to `maxLength` UTF-16 code units (the limits count String#length):
 * mostly short, with any code point (lone surrogates included: JSON escapes them and gives
 * them back), and now and then exactly at the limit.
 */
const anyText = (maxLength: number, minLength = 0) =>
  fc.oneof(
    {
      weight: 7,
      arbitrary: fc
        .string({ unit: 'binary', minLength, maxLength })
        .filter((text) => text.length >= minLength && text.length <= maxLength),
    },
    { weight: 1, arbitrary: fc.string({ unit: bmpUnit, minLength: maxLength, maxLength }) },
  );

/** Text as it stands after trimming: what a name or a chat message looks like once parsed. */
const trimmedText = (maxLength: number) =>
  anyText(maxLength, 1)
    .map((text) => text.trim())
    .filter((text) => text.length >= 1);

/** `min` to `max` characters of base64url, the alphabet of ids. */
const base64UrlText = (minLength: number, maxLength: number) =>
  fc.oneof(
    { weight: 7, arbitrary: fc.string({ unit: fc.constantFrom(...BASE64URL), minLength, maxLength }) },
    {
      weight: 1,
      arbitrary: fc.string({ unit: fc.constantFrom(...BASE64URL), minLength: maxLength, maxLength }),
    },
    {
      weight: 1,
      arbitrary: fc.string({ unit: fc.constantFrom(...BASE64URL), minLength, maxLength: minLength }),
    },
  );

const BASE64URL = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';

/** Like fc.record, with the ordinary prototype JSON.parse gives objects. */
const record: typeof fc.record = (model, constraints) =>
  fc.record(model, { ...constraints, noNullPrototype: true }) as never;

const safeInt = (min: number, max = Number.MAX_SAFE_INTEGER) => fc.integer({ min, max });

export const peerId = base64UrlText(16, 64);
export const roomId = base64UrlText(1, 64);
export const displayName = trimmedText(LIMITS.nameMaxLength);
export const messageId = base64UrlText(8, 64);
export const transferKey = base64UrlText(22, 64);

const peer = record({ id: peerId, name: displayName, hand: fc.boolean() }, { requiredKeys: ['id', 'name'] });
const reaction = fc.constantFrom(...REACTIONS);

const candidate = record(
  {
    candidate: anyText(300),
    sdpMid: fc.option(anyText(8), { nil: null }),
    sdpMLineIndex: fc.option(fc.integer({ min: 0, max: 65535 }), { nil: null }),
    usernameFragment: fc.option(anyText(32), { nil: null }),
  },
  { requiredKeys: [] },
);

export const signalData = fc.oneof(
  record({ candidate: fc.option(candidate, { nil: null }) }),
  record({
    description: record({
      type: fc.constantFrom('offer', 'answer', 'pranswer', 'rollback'),
      sdp: anyText(2000),
    }),
  }),
);

const iceServer = record(
  {
    urls: fc.oneof(anyText(64), fc.array(anyText(64), { maxLength: 3 })),
    username: anyText(64),
    credential: anyText(64),
  },
  { requiredKeys: ['urls'] },
);

const sdp = anyText(4000, 1);
const topology = fc.constantFrom('mesh' as const, 'sfu' as const);
const mediaCandidate = record({
  type: fc.constant('media-candidate'),
  leg: fc.constantFrom('publisher' as const, 'subscriber' as const),
  candidate: fc.option(candidate, { nil: null }),
});

/** One arbitrary per client-to-server message type. */
export const clientMessages = {
  join: record(
    {
      type: fc.constant('join'),
      room: roomId,
      name: displayName,
      password: anyText(LIMITS.passwordMaxLength, 1),
      resume: anyText(512, 1),
      media: anyText(1024, 1),
    },
    { requiredKeys: ['type', 'room', 'name'] },
  ),
  signal: record({ type: fc.constant('signal'), to: peerId, data: signalData }),
  leave: record({ type: fc.constant('leave') }),
  hand: record({ type: fc.constant('hand'), raised: fc.boolean() }),
  react: record({ type: fc.constant('react'), emoji: reaction }),
  'media-publish': record({ type: fc.constant('media-publish'), sdp: sdp }),
  'media-subscribe-answer': record({ type: fc.constant('media-subscribe-answer'), sdp: sdp }),
  'media-candidate': mediaCandidate,
  'media-layers': record({
    type: fc.constant('media-layers'),
    layers: fc.array(record({ peer: peerId, layer: fc.constantFrom(0 as const, 1 as const, 2 as const) }), {
      maxLength: 8,
    }),
  }),
  'media-restart': record({ type: fc.constant('media-restart') }),
  'media-resubscribe': record({ type: fc.constant('media-resubscribe') }),
} satisfies { [K in ClientMessage['type']]: fc.Arbitrary<Extract<ClientMessage, { type: K }>> };

/** One arbitrary per server-to-client message type. */
export const serverMessages = {
  joined: record(
    {
      type: fc.constant('joined'),
      room: roomId,
      self: peerId,
      peers: fc.array(peer, { maxLength: 6 }),
      iceServers: fc.array(iceServer, { maxLength: 3 }),
      capacity: safeInt(1),
      resumeToken: anyText(512, 1),
      resumed: fc.boolean(),
      topology: topology,
    },
    { requiredKeys: ['type', 'room', 'self', 'peers', 'iceServers', 'capacity'] },
  ),
  'peer-joined': record({ type: fc.constant('peer-joined'), peer }),
  'peer-left': record(
    { type: fc.constant('peer-left'), id: peerId, reason: fc.constantFrom('left', 'lost') },
    { requiredKeys: ['type', 'id'] },
  ),
  signal: record({ type: fc.constant('signal'), from: peerId, data: signalData }),
  error: record({ type: fc.constant('error'), code: fc.constantFrom(...ERROR_CODES), message: anyText(200) }),
  hand: record({ type: fc.constant('hand'), id: peerId, raised: fc.boolean() }),
  reaction: record({ type: fc.constant('reaction'), from: peerId, emoji: reaction }),
  topology: record({ type: fc.constant('topology'), topology }),
  'media-publish-answer': record({ type: fc.constant('media-publish-answer'), sdp }),
  'media-subscribe-offer': record({
    type: fc.constant('media-subscribe-offer'),
    sdp,
    streams: fc.array(
      record({ mid: anyText(32), peer: peerId, kind: fc.constantFrom('audio' as const, 'video' as const) }),
      { maxLength: 8 },
    ),
    feeds: fc.array(record({ feed: anyText(64), peer: peerId }), { maxLength: 8 }),
  }),
  'media-candidate': mediaCandidate,
  'media-session': record({ type: fc.constant('media-session'), token: anyText(1024, 1) }),
} satisfies { [K in ServerMessage['type']]: fc.Arbitrary<Extract<ServerMessage, { type: K }>> };

/** The base64 alphabet, padding at the end only; an exactly full chunk now and then. */
const chunkData = fc.oneof(
  { weight: 9, arbitrary: fc.stringMatching(/^[A-Za-z0-9+/]{0,256}={0,2}$/) },
  { weight: 1, arbitrary: fc.constant('A'.repeat(48 * 1024)) },
);

/** One arbitrary per data-channel message type. */
export const peerMessages = {
  chat: record({
    type: fc.constant('chat'),
    id: messageId,
    text: trimmedText(LIMITS.chatMaxLength),
    sentAt: safeInt(0),
  }),
  status: record({
    type: fc.constant('status'),
    isMicOn: fc.boolean(),
    isCameraOn: fc.boolean(),
    isSharingScreen: fc.boolean(),
  }),
  photo: record({
    type: fc.constant('photo'),
    id: messageId,
    mime: fc.constantFrom('image/jpeg', 'image/webp'),
    size: safeInt(1, 4 * 1024 * 1024),
    width: safeInt(1, 8192),
    height: safeInt(1, 8192),
    sentAt: safeInt(0),
  }),
  'photo-chunk': record({
    type: fc.constant('photo-chunk'),
    id: messageId,
    index: safeInt(0),
    data: chunkData,
  }),
  'file-offer': record(
    {
      type: fc.constant('file-offer'),
      id: messageId,
      name: anyText(255, 1),
      size: safeInt(0),
      mime: anyText(255),
      sentAt: safeInt(0),
      key: transferKey,
    },
    { requiredKeys: ['type', 'id', 'name', 'size', 'mime', 'sentAt'] },
  ),
  'file-accept': record({ type: fc.constant('file-accept'), id: messageId }),
  'file-decline': record({ type: fc.constant('file-decline'), id: messageId }),
  'file-cancel': record({
    type: fc.constant('file-cancel'),
    id: messageId,
    reason: fc.constantFrom('cancelled', 'failed', 'too-large', 'corrupt'),
  }),
  'file-end': record({
    type: fc.constant('file-end'),
    id: messageId,
    sha256: fc.stringMatching(/^[0-9a-f]{64}$/),
  }),
  'file-result': record({ type: fc.constant('file-result'), id: messageId, ok: fc.boolean() }),
  'file-resume': record({
    type: fc.constant('file-resume'),
    id: messageId,
    key: transferKey,
    from: safeInt(0),
    prefix: fc.stringMatching(/^[0-9a-f]{64}$/),
    attempt: safeInt(1),
  }),
  'file-rejoin': record({ type: fc.constant('file-rejoin'), id: messageId, key: transferKey }),
} satisfies { [K in PeerMessage['type']]: fc.Arbitrary<Extract<PeerMessage, { type: K }>> };

/** Top-level fields a message may leave out; every other field is required. */
export const OPTIONAL_FIELDS: Readonly<Record<string, readonly string[]>> = {
  join: ['password', 'resume', 'media'],
  joined: ['resumeToken', 'resumed', 'topology'],
  'file-offer': ['key'],
  'peer-left': ['reason'],
};

/**
 * Top-level fields that take `null` or an object with nothing required (a candidate: null is
 * the end of candidates, and every field of RTCIceCandidateInit is optional).
 */
export const NULLABLE_OBJECT_FIELDS: Readonly<Record<string, readonly string[]>> = {
  'media-candidate': ['candidate'],
};
