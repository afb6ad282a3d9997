/**
 * Messages of a room whose media goes through the media server (packages/protocol/README.md,
 * "Media server"). The browser never talks to the media server's API: it sends one
 * publication (its camera and microphone, simulcast, and a data channel) and receives everyone
 * else on one subscriber connection, and the signaling server carries the SDP and candidates of
 * both connections in these messages.
 */
import * as z from 'zod/mini';
import { IceCandidate, PeerId } from './common.ts';

/** How a room's media travels: browser to browser (`mesh`), or through the media server (`sfu`). */
export const Topology = z.enum(['mesh', 'sfu']);
export type Topology = z.infer<typeof Topology>;

/** Our two connections to the media server: what we send, and what we receive. */
export const MediaLeg = z.enum(['publisher', 'subscriber']);
export type MediaLeg = z.infer<typeof MediaLeg>;

/** One SDP; a subscriber connection for a full room carries a hundred m-lines. */
const Sdp = z.string().check(z.minLength(1), z.maxLength(256 * 1024));

/** Simulcast layer: 0 the smallest, 2 the largest. */
export const MediaLayer = z.union([z.literal(0), z.literal(1), z.literal(2)]);

// Client to server

/** Our publication's offer (the first one, or a renegotiation such as an ICE restart). */
export const MediaPublishMessage = z.object({ type: z.literal('media-publish'), sdp: Sdp });

/** Our answer to the subscriber connection's latest offer. */
export const MediaSubscribeAnswerMessage = z.object({ type: z.literal('media-subscribe-answer'), sdp: Sdp });

/** A candidate of one of our two connections (null = end of candidates). */
export const MediaCandidateMessage = z.object({
  type: z.literal('media-candidate'),
  leg: MediaLeg,
  candidate: z.nullable(IceCandidate),
});

/** The layer we want of each person's video (tile size, active speaker, our downlink). */
export const MediaLayersMessage = z.object({
  type: z.literal('media-layers'),
  layers: z.array(z.object({ peer: PeerId, layer: MediaLayer })).check(z.maxLength(256)),
});

/** Our subscriber connection is down: ask the media server for an ICE-restart offer. */
export const MediaRestartMessage = z.object({ type: z.literal('media-restart') });

/**
 * The latest subscriber offer could not be applied here, and our subscriber connection is
 * closed: drop the subscription and offer a new one, for a new connection.
 */
export const MediaResubscribeMessage = z.object({ type: z.literal('media-resubscribe') });

// Server to client

/**
 * The room's media moved (or is about to): build the new way, then drop the old one. With
 * `restart`, the room stayed on the media server but moved to another one (the old one went
 * down, or is being drained): publish and subscribe afresh, as after any move there.
 */
export const TopologyMessage = z.object({
  type: z.literal('topology'),
  topology: Topology,
  restart: z.optional(z.literal(true)),
});

/** The media server's answer to our publication. */
export const MediaPublishAnswerMessage = z.object({ type: z.literal('media-publish-answer'), sdp: Sdp });

/**
 * An offer for our subscriber connection: everyone else's media. `streams` says whose media
 * each m-line carries; `feeds` says whose messages arrive on a data channel labelled `feed`
 * (the media server names each sender's channel, so a peer cannot pass for another).
 */
export const MediaSubscribeOfferMessage = z.object({
  type: z.literal('media-subscribe-offer'),
  sdp: Sdp,
  streams: z
    .array(
      z.object({ mid: z.string().check(z.maxLength(32)), peer: PeerId, kind: z.enum(['audio', 'video']) }),
    )
    .check(z.maxLength(512)),
  feeds: z.array(z.object({ feed: z.string().check(z.maxLength(64)), peer: PeerId })).check(z.maxLength(256)),
});

/** A candidate of the media server for one of our connections (null = end of candidates). */
export const MediaServerCandidateMessage = z.object({
  type: z.literal('media-candidate'),
  leg: MediaLeg,
  candidate: z.nullable(IceCandidate),
});

/**
 * An opaque token for our media-server session: sent back as `join.media` after a
 * reconnect, it lets a restarted signaling server take over the session without cutting media.
 */
export const MediaSessionMessage = z.object({
  type: z.literal('media-session'),
  token: z.string().check(z.minLength(1), z.maxLength(1024)),
});

export type MediaPublishMessage = z.infer<typeof MediaPublishMessage>;
export type MediaSubscribeAnswerMessage = z.infer<typeof MediaSubscribeAnswerMessage>;
export type MediaCandidateMessage = z.infer<typeof MediaCandidateMessage>;
export type MediaLayersMessage = z.infer<typeof MediaLayersMessage>;
export type MediaRestartMessage = z.infer<typeof MediaRestartMessage>;
export type MediaResubscribeMessage = z.infer<typeof MediaResubscribeMessage>;
export type TopologyMessage = z.infer<typeof TopologyMessage>;
export type MediaPublishAnswerMessage = z.infer<typeof MediaPublishAnswerMessage>;
export type MediaSubscribeOfferMessage = z.infer<typeof MediaSubscribeOfferMessage>;
export type MediaServerCandidateMessage = z.infer<typeof MediaServerCandidateMessage>;
export type MediaSessionMessage = z.infer<typeof MediaSessionMessage>;
