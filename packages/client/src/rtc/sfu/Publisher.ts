/**
 * What we send to the media server, once for everyone: the microphone (sendonly), the camera
 * or the screen as three simulcast layers, and one data channel for the peer messages of the
 * whole room (chat, status, photos). We offer (`media-publish`), the server answers
 * (`media-publish-answer`); an ICE restart is a new offer with new credentials.
 */
import type { PeerMessage } from '@app/protocol';
import { ChatChannel } from '../ChatChannel.ts';
import type { LocalTracks } from '../MediaSlots.ts';
import { Leg, type LegOptions } from './Leg.ts';

/**
 * The three layers, largest first: the media server reads the rids of an offer in the order
 * high, medium, low unless told otherwise (Janus's `rid_order` defaults to "hml"), so its
 * substream 0 is `l`. The bitrates are Janus's own demo defaults: the sum, about 1.3 Mbit/s,
 * is what a browser sends however many people watch.
 */
export const SIMULCAST_ENCODINGS: RTCRtpEncodingParameters[] = [
  { rid: 'h', maxBitrate: 900_000 },
  { rid: 'm', maxBitrate: 300_000, scaleResolutionDownBy: 2 },
  { rid: 'l', maxBitrate: 100_000, scaleResolutionDownBy: 4 },
];

/**
 * An offer with no answer after this long is sent again as it is: the signaling server gives
 * up on a media-server step after 10 s and forgets it, so without a second copy we would never
 * be seen. A late answer to the first copy is applied; the answer to the second is then ignored.
 */
export const ANSWER_WAIT_MS = 12_000;

/** Label of our data channel; the media server relabels what it relays with our feed id. */
export const PUBLISH_CHANNEL_LABEL = 'room';

export interface PublisherOptions extends LegOptions {
  tracks: LocalTracks;
  /** The stream our tracks are grouped in (msid). */
  localStream?: MediaStream | undefined;
}

export class Publisher {
  readonly leg: Leg;
  readonly channel = new ChatChannel();
  readonly #options: PublisherOptions;
  readonly #audio: RTCRtpTransceiver;
  readonly #video: RTCRtpTransceiver;
  #isAwaitingAnswer = false;
  #isRestartWanted = false;
  /** When the offer that waits for its answer went out (clock time). */
  #offeredAt = 0;

  constructor(options: PublisherOptions) {
    this.#options = options;
    this.leg = new Leg('publisher', options, () => this.restartIce());
    const pc = this.leg.pc;
    const streams = options.localStream ? [options.localStream] : [];
    this.#audio = pc.addTransceiver('audio', { direction: 'sendonly', streams });
    this.#video = pc.addTransceiver('video', {
      direction: 'sendonly',
      streams,
      sendEncodings: SIMULCAST_ENCODINGS.map((encoding) => ({ ...encoding })),
    });
    this.setTracks(options.tracks);
    this.channel.adopt(pc.createDataChannel(PUBLISH_CHANNEL_LABEL, { ordered: true }));
    this.#offer();
  }

  /** Camera or screen, microphone: replaceTrack, never renegotiation (simulcast keeps its layers). */
  setTracks(tracks: LocalTracks): void {
    void this.#audio.sender.replaceTrack(tracks.audio).catch(() => undefined);
    void this.#video.sender.replaceTrack(tracks.video).catch(() => undefined);
  }

  /** A peer message to everyone in the room (kept until the channel opens). */
  send(message: PeerMessage): void {
    this.channel.send(message);
  }

  handleAnswer(sdp: string): void {
    void this.leg.run(async () => {
      if (this.leg.pc.signalingState !== 'have-local-offer') return;
      await this.leg.setRemote({ type: 'answer', sdp });
      this.#isAwaitingAnswer = false;
      if (this.#isRestartWanted) this.restartIce();
    });
  }

  /**
   * A new offer with new ICE credentials; after the answer to the one in flight, if any. An
   * offer unanswered for ANSWER_WAIT_MS is sent again instead (the restarts keep coming while
   * the connection is not up, so this repeats until one is answered).
   */
  restartIce(): void {
    if (this.#isAwaitingAnswer) {
      if (this.#options.clock.now() - this.#offeredAt >= ANSWER_WAIT_MS) this.#offerAgain();
      else this.#isRestartWanted = true;
      return;
    }
    this.#isRestartWanted = false;
    this.leg.pc.restartIce();
    this.#offer();
  }

  close(): void {
    this.channel.close();
    this.leg.close();
  }

  #offer(): void {
    this.#isAwaitingAnswer = true;
    this.#offeredAt = this.#options.clock.now();
    void this.leg.run(async () => {
      const pc = this.leg.pc;
      await pc.setLocalDescription();
      const sdp = pc.localDescription?.sdp;
      if (sdp) this.#options.send({ type: 'media-publish', sdp });
    });
  }

  #offerAgain(): void {
    this.#offeredAt = this.#options.clock.now();
    this.#isRestartWanted = false;
    void this.leg.run(async () => {
      const pc = this.leg.pc;
      const sdp = pc.localDescription?.sdp;
      if (pc.signalingState === 'have-local-offer' && sdp) this.#options.send({ type: 'media-publish', sdp });
    });
  }
}
