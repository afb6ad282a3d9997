/**
 * The camera and microphone on one connection: exactly one audio and one video transceiver.
 * Switching devices, effects, muting or sharing the screen uses `replaceTrack` on them, never
 * renegotiation. The remote side's two tracks on the same transceivers form its stream.
 */
import type { Clock } from '../clock.ts';
import { Emitter } from '../events.ts';
import { watchArrival, type MediaKind } from './MediaArrival.ts';

export interface LocalTracks {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
}

export type MediaSlotsEvents = {
  /** The remote camera and microphone, as one stream (a new object when tracks change). */
  'remote-stream': MediaStream;
  /** A track on a transceiver other than the two (a feature's own). */
  'extra-track': RTCTrackEvent;
  /** Their audio or video really arrives (see MediaArrival). */
  'media-arrived': MediaKind;
};

export class MediaSlots {
  readonly events = new Emitter<MediaSlotsEvents>();
  readonly #pc: RTCPeerConnection;
  /** The stream remote peers see our tracks in (msid), so they arrive grouped. */
  readonly #localStream: MediaStream | undefined;
  #tracks: LocalTracks;
  #audio: RTCRtpTransceiver | null = null;
  #video: RTCRtpTransceiver | null = null;
  #remoteStream: MediaStream | null = null;
  #isAttached = false;
  readonly #clock: Clock;
  readonly #watches = new Map<RTCRtpReceiver, () => void>();

  constructor(pc: RTCPeerConnection, tracks: LocalTracks, clock: Clock, localStream?: MediaStream) {
    this.#pc = pc;
    this.#tracks = tracks;
    this.#clock = clock;
    this.#localStream = localStream;
    pc.ontrack = (event) => this.#onTrack(event);
  }

  get remoteStream(): MediaStream | null {
    return this.#remoteStream;
  }

  /** The main audio receiver, for cheap audio levels (getSynchronizationSources). */
  get audioReceiver(): RTCRtpReceiver | null {
    return this.#audio?.receiver ?? null;
  }

  /**
   * Puts our tracks on the connection: on the transceivers a remote offer already created
   * (the answering side), or on two new ones (the offering side).
   */
  attach(): void {
    const pc = this.#pc;
    const stream = this.#localStream;
    this.#audio ??= this.#findReceiving('audio');
    this.#video ??= this.#findReceiving('video');
    const init: RTCRtpTransceiverInit = { direction: 'sendrecv', streams: stream ? [stream] : [] };
    if (this.#audio) this.#adopt(this.#audio);
    else this.#audio = pc.addTransceiver('audio', init);
    if (this.#video) this.#adopt(this.#video);
    else this.#video = pc.addTransceiver('video', init);
    this.#isAttached = true;
    this.#send(this.#tracks);
  }

  /** Swaps what is sent, without renegotiation (device switch, effect, mute, screen). */
  setTracks(tracks: LocalTracks): void {
    this.#tracks = tracks;
    if (this.#isAttached) this.#send(tracks);
  }

  /**
   * Starts our video to them afresh, with a keyframe: their decoder lost its place while their
   * browser stood still, and would otherwise wait about 3 s before asking for one. Turning the
   * encoding off and on again is the one way a page has to make the encoder start over.
   */
  async sendKeyframe(): Promise<void> {
    const sender = this.#video?.sender;
    if (!sender?.track) return;
    const parameters = sender.getParameters();
    const active = parameters.encodings.map((encoding) => encoding.active);
    if (!active.includes(true)) return;
    for (const encoding of parameters.encodings) encoding.active = false;
    await sender.setParameters(parameters);
    const again = sender.getParameters();
    again.encodings.forEach((encoding, i) => (encoding.active = active[i] ?? true));
    await sender.setParameters(again);
  }

  close(): void {
    this.#pc.ontrack = null;
    for (const cancel of this.#watches.values()) cancel();
    this.#watches.clear();
    this.#remoteStream?.getTracks().forEach((track) => track.stop());
    this.events.clear();
  }

  #send(tracks: LocalTracks): void {
    void this.#audio?.sender.replaceTrack(tracks.audio).catch(() => undefined);
    void this.#video?.sender.replaceTrack(tracks.video).catch(() => undefined);
  }

  #adopt(transceiver: RTCRtpTransceiver): void {
    transceiver.direction = 'sendrecv';
    const stream = this.#localStream;
    if (stream && typeof transceiver.sender.setStreams === 'function') transceiver.sender.setStreams(stream);
  }

  #findReceiving(kind: 'audio' | 'video'): RTCRtpTransceiver | null {
    return (
      this.#pc
        .getTransceivers()
        .find((t) => t.receiver.track.kind === kind && t.currentDirection !== 'stopped') ?? null
    );
  }

  #onTrack(event: RTCTrackEvent): void {
    const kind = event.track.kind;
    // On the answering side the two transceivers are created by the remote offer, before we
    // could name them: the first of each kind is the camera or microphone.
    if (kind === 'audio' && !this.#audio) this.#audio = event.transceiver;
    if (kind === 'video' && !this.#video) this.#video = event.transceiver;
    if (event.transceiver !== this.#audio && event.transceiver !== this.#video) {
      this.events.emit('extra-track', event);
      return;
    }
    const others = this.#remoteStream?.getTracks().filter((t) => t.kind !== kind) ?? [];
    this.#remoteStream = new MediaStream([...others, event.track]);
    this.events.emit('remote-stream', this.#remoteStream);
    const receiver = event.transceiver.receiver;
    if (!this.#watches.has(receiver)) {
      const arrived = () => this.events.emit('media-arrived', kind === 'audio' ? 'audio' : 'video');
      this.#watches.set(receiver, watchArrival(receiver, this.#clock, arrived));
    }
  }
}
