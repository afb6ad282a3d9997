/**
 * Everyone else's media and messages, on one connection from the media server. The server
 * offers (`media-subscribe-offer`, again whenever someone comes or goes) and we answer.
 *
 * - Whose media: `streams` maps each m-line (mid) to a person and a kind; each person's
 *   audio and video receivers make their stream, rebuilt after every negotiation.
 * - Whose messages: the media server opens one data channel per sender, labelled with that
 *   sender's feed id; `feeds` maps it to a person, so nobody can pass for someone else. Every
 *   message is parsed like any other peer message; a message on a channel whose label is not
 *   in `feeds` is dropped and counted.
 * - Our own channel says something once it opens: the media server relays nothing to a
 *   subscriber whose channel has not carried anything yet.
 */
import type { MediaSubscribeOfferMessage, PeerId, PeerMessage } from '@app/protocol';
import { Emitter } from '../../events.ts';
import { readPeerMessage } from '../ChatChannel.ts';
import { watchArrival, type MediaKind } from '../MediaArrival.ts';
import { iceUfrag } from '../sdp.ts';
import { Leg, type LegOptions } from './Leg.ts';

export type SubscriberEvents = {
  'remote-stream': { peerId: PeerId; stream: MediaStream | null };
  'media-arrived': { peerId: PeerId; kind: MediaKind };
  message: { peerId: PeerId; message: PeerMessage };
  /** Invalid messages from this person on the media server's channels so far. */
  'bad-message': { peerId: PeerId; count: number };
  /** Messages dropped because their channel's label is nobody we know, so far. */
  'unknown-label': number;
  /** A negotiation completed: the people in `peers()` may have changed. */
  negotiated: undefined;
  /** The media server's offer (its ICE ufrag) could not be applied: this connection is done. */
  failed: { ufrag: string | null };
};

export interface SubscriberOptions extends LegOptions {
  /** What our own channel says when it opens (our status). */
  hello: () => PeerMessage;
}

/** Label of our own channel on the subscriber connection. */
export const HELLO_CHANNEL_LABEL = 'hello';

interface Slot {
  peerId: PeerId;
  kind: MediaKind;
}

export class Subscriber {
  readonly leg: Leg;
  readonly events = new Emitter<SubscriberEvents>();
  readonly #options: SubscriberOptions;
  #slots = new Map<string, Slot>();
  #feeds = new Map<string, PeerId>();
  /** Each person's current stream and the tracks it was made of. */
  readonly #streams = new Map<PeerId, { stream: MediaStream; trackIds: string }>();
  /** Arrival watches by `mid + person`: a reused m-line carrying someone new is watched again. */
  readonly #watches = new Map<string, () => void>();
  readonly #badCounts = new Map<PeerId, number>();
  readonly #hello: RTCDataChannel;
  #unknownLabel = 0;

  constructor(options: SubscriberOptions) {
    this.#options = options;
    this.leg = new Leg('subscriber', options, () => options.send({ type: 'media-restart' }));
    const pc = this.leg.pc;
    pc.ondatachannel = ({ channel }) => this.#listen(channel);
    this.#hello = pc.createDataChannel(HELLO_CHANNEL_LABEL, { ordered: true });
    this.#hello.onopen = () => this.#hello.send(JSON.stringify(options.hello()));
    this.#listen(this.#hello);
  }

  get unknownLabelCount(): number {
    return this.#unknownLabel;
  }

  /** Everyone whose media this connection carries now. */
  peers(): PeerId[] {
    return [...this.#streams.keys()];
  }

  /** Everyone the latest offer names, applied or not. */
  offered(): PeerId[] {
    return [...new Set([...this.#slots.values()].map((slot) => slot.peerId))];
  }

  has(peerId: PeerId): boolean {
    return this.#streams.has(peerId);
  }

  /** The mids of someone's media, for their figures in a stats report. */
  mids(peerId: PeerId): string[] {
    return [...this.#slots].filter(([, slot]) => slot.peerId === peerId).map(([mid]) => mid);
  }

  receiver(peerId: PeerId, kind: MediaKind): RTCRtpReceiver | null {
    const transceiver = this.#active().find(
      (t) =>
        t.mid !== null && this.#slots.get(t.mid)?.peerId === peerId && this.#slots.get(t.mid)?.kind === kind,
    );
    return transceiver?.receiver ?? null;
  }

  handleOffer(offer: MediaSubscribeOfferMessage): void {
    void this.leg.run(async () => {
      this.#slots = new Map(offer.streams.map(({ mid, peer, kind }) => [mid, { peerId: peer, kind }]));
      this.#feeds = new Map(offer.feeds.map(({ feed, peer }) => [feed, peer]));
      const pc = this.leg.pc;
      const sdp = await this.leg
        .setRemote({ type: 'offer', sdp: offer.sdp })
        .then(() => pc.setLocalDescription())
        .then(() => pc.localDescription?.sdp)
        .catch(() => undefined);
      // Unanswered, the media server would wait for ever: the transport starts over.
      if (!sdp) return this.events.emit('failed', { ufrag: iceUfrag(offer.sdp) });
      this.#options.send({ type: 'media-subscribe-answer', sdp });
      this.#rebuildStreams();
      this.events.emit('negotiated', undefined);
    });
  }

  close(): void {
    for (const cancel of this.#watches.values()) cancel();
    this.#watches.clear();
    this.#hello.onopen = null;
    this.leg.pc.ondatachannel = null;
    this.leg.close();
    this.events.clear();
  }

  /** Transceivers that receive now (the media server parks the m-lines of people who left). */
  #active(): RTCRtpTransceiver[] {
    return this.leg.pc
      .getTransceivers()
      .filter(
        (t) => t.mid !== null && (t.currentDirection === 'recvonly' || t.currentDirection === 'sendrecv'),
      );
  }

  #rebuildStreams(): void {
    const tracks = new Map<PeerId, MediaStreamTrack[]>();
    const watched = new Set<string>();
    for (const transceiver of this.#active()) {
      const slot = this.#slots.get(transceiver.mid ?? '');
      if (!slot) continue;
      tracks.set(slot.peerId, [...(tracks.get(slot.peerId) ?? []), transceiver.receiver.track]);
      const key = `${transceiver.mid}\n${slot.peerId}`;
      watched.add(key);
      if (!this.#watches.has(key)) {
        const arrived = () => this.events.emit('media-arrived', { peerId: slot.peerId, kind: slot.kind });
        this.#watches.set(key, watchArrival(transceiver.receiver, this.#options.clock, arrived));
      }
    }
    for (const [key, cancel] of this.#watches) {
      if (watched.has(key)) continue;
      cancel();
      this.#watches.delete(key);
    }
    for (const peerId of [...this.#streams.keys()]) {
      if (tracks.has(peerId)) continue;
      this.#streams.delete(peerId);
      this.events.emit('remote-stream', { peerId, stream: null });
    }
    for (const [peerId, list] of tracks) {
      const trackIds = list.map((track) => track.id).join(' ');
      if (this.#streams.get(peerId)?.trackIds === trackIds) continue;
      const stream = new MediaStream(list);
      this.#streams.set(peerId, { stream, trackIds });
      this.events.emit('remote-stream', { peerId, stream });
    }
  }

  #listen(channel: RTCDataChannel): void {
    channel.onmessage = (event: MessageEvent) => {
      const peerId = channel === this.#hello ? undefined : this.#feeds.get(channel.label);
      if (!peerId) {
        this.#unknownLabel += 1;
        this.events.emit('unknown-label', this.#unknownLabel);
        return;
      }
      const message = readPeerMessage(event.data);
      if (message) {
        this.events.emit('message', { peerId, message });
        return;
      }
      const count = (this.#badCounts.get(peerId) ?? 0) + 1;
      this.#badCounts.set(peerId, count);
      this.events.emit('bad-message', { peerId, count });
    };
  }
}
