import {
  PeerId,
  type MediaCandidateMessage,
  type MediaLeg,
  type MediaSubscribeOfferMessage,
} from '@app/protocol';
import type { Candidate, Jsep, SubscriptionStream } from '../janus/index.ts';

/** Janus's candidate for one of the browser's two connections (`null`: the end of candidates). */
export function candidateMessage(leg: MediaLeg, candidate: Candidate | null): MediaCandidateMessage {
  const wire = candidate && {
    candidate: candidate.candidate,
    sdpMid: candidate.sdpMid ?? null,
    sdpMLineIndex: candidate.sdpMLineIndex ?? null,
  };
  return { type: 'media-candidate', leg, candidate: wire };
}

/**
 * The browser's candidate as Janus takes it; undefined for an empty one, which ends one
 * generation in browsers (Janus needs only the final null).
 */
export function janusCandidate(candidate: MediaCandidateMessage['candidate']): Candidate | null | undefined {
  if (candidate === null) return null;
  if (!candidate.candidate) return undefined;
  return {
    candidate: candidate.candidate,
    sdpMid: candidate.sdpMid ?? null,
    sdpMLineIndex: candidate.sdpMLineIndex ?? null,
  };
}

/** `display` when it is a PeerId (how this server names every publisher it makes), else undefined. */
export function peerIdOr(display: string | undefined): PeerId | undefined {
  return display !== undefined && PeerId.safeParse(display).success ? display : undefined;
}

/**
 * A subscriber offer as the client gets it: whose audio and video each m-line carries
 * (`streams`), and whose data-channel messages arrive on the channel labelled with each
 * feed id (`feeds`: the media server labels a sender's channel with its feed id). Streams of
 * a publisher who left (inactive) and of unknown feeds are left out.
 */
export function subscribeOffer(
  offer: Jsep,
  streams: readonly SubscriptionStream[],
  subscribed: ReadonlySet<number>,
  peerOf: (feed: number | undefined, display?: string) => PeerId | undefined,
): MediaSubscribeOfferMessage {
  const described: MediaSubscribeOfferMessage['streams'] = [];
  const feeds = new Map<number, PeerId>();
  for (const stream of streams) {
    const peer = peerOf(stream.feed_id, stream.feed_display);
    if (peer === undefined || stream.feed_id === undefined || stream.active === false) continue;
    feeds.set(stream.feed_id, peer);
    if (stream.type !== 'data') described.push({ mid: stream.mid, peer, kind: stream.type });
  }
  // Someone publishing only a data channel has no m-line of their own, and still talks.
  for (const feed of subscribed) {
    const peer = peerOf(feed);
    if (peer !== undefined && !feeds.has(feed)) feeds.set(feed, peer);
  }
  return {
    type: 'media-subscribe-offer',
    sdp: offer.sdp,
    streams: described,
    feeds: [...feeds].map(([feed, peer]) => ({ feed: String(feed), peer })),
  };
}

/**
 * The simulcast substream to ask for on each active video m-line: `layerOf` gives the layer
 * wanted of that m-line's publisher, or undefined to leave it as it is.
 */
export function layerChoices(
  streams: readonly SubscriptionStream[],
  layerOf: (feed: number | undefined, display: string | undefined) => number | undefined,
): { mid: string; substream: number }[] {
  return streams.flatMap((stream) => {
    if (stream.type !== 'video' || stream.active === false) return [];
    const layer = layerOf(stream.feed_id, stream.feed_display);
    return layer === undefined ? [] : [{ mid: stream.mid, substream: layer }];
  });
}
