/**
 * One RTCPeerConnection to one remote person, put together from its concerns: negotiation
 * (Negotiator: perfect negotiation and the first-offer gate), the camera and microphone
 * (MediaSlots), the chat channel (ChatChannel) and when to restart ICE (IceRestartPolicy).
 *
 * Roles: the side whose own PeerId sorts lower (plain string comparison) is polite. The side
 * that starts (`isInitiator`: the newcomer, or whoever opens a data-only link) offers first.
 * Without `localTracks` the session is a data-only link (chat channel and file channels), as
 * used next to a media server for files that go straight between two browsers.
 */
import type { IceServer, PeerId, PeerMessage, SignalData } from '@app/protocol';
import { systemClock, type Clock } from '../clock.ts';
import { Emitter } from '../events.ts';
import type { SenderLink } from '../files/FileSender.ts';
import { receivedAudioLevel } from './audioLevel.ts';
import { ChatChannel } from './ChatChannel.ts';
import { IceRestartPolicy } from './IceRestartPolicy.ts';
import type { MediaKind } from './MediaArrival.ts';
import { MediaSlots, type LocalTracks } from './MediaSlots.ts';
import { Negotiator } from './Negotiator.ts';
import { iceUfrag } from './sdp.ts';
import { BUNDLE_POLICY } from './SpareConnection.ts';
import { verificationCode } from './verification.ts';

export type { LocalTracks } from './MediaSlots.ts';

export type SessionEvents = {
  'remote-stream': MediaStream;
  'extra-track': RTCTrackEvent;
  'media-arrived': MediaKind;
  message: PeerMessage;
  'bad-message': number;
  'connection-state': RTCPeerConnectionState;
  /** A channel the remote side opened (file transfers); the chat channel is not reported. */
  datachannel: RTCDataChannel;
  'chat-open': undefined;
  /** A local or remote description was applied (the verification code may change). */
  negotiated: undefined;
};

export interface PeerSessionOptions {
  selfId: PeerId;
  peerId: PeerId;
  iceServers: IceServer[];
  relayOnly: boolean;
  isInitiator: boolean;
  /** What to send; null for a data-only link. */
  localTracks: LocalTracks | null;
  /** The stream remote peers see the tracks in (msid), so their tracks arrive grouped. */
  localStream?: MediaStream | undefined;
  sendSignal: (data: SignalData) => void;
  createPeerConnection?: ((config: RTCConfiguration) => RTCPeerConnection) | undefined;
  clock?: Clock | undefined;
  /** How long `disconnected` may last before the impolite side restarts ICE. */
  iceRestartDelayMs?: number | undefined;
  /** How long the waiting side waits for the first offer before offering itself. */
  firstOfferWaitMs?: number | undefined;
}

/**
 * Long enough that a newcomer's offer on a loaded machine comes first (an offer of our own
 * crossing it would be the very collision the gate avoids), short enough that nobody waits for good.
 */
const FIRST_OFFER_WAIT_MS = 10_000;

export function isPolite(selfId: PeerId, peerId: PeerId): boolean {
  return selfId < peerId;
}

export class PeerSession {
  readonly peerId: PeerId;
  readonly polite: boolean;
  readonly isInitiator: boolean;
  readonly createdAt: number;
  readonly #events = new Emitter<SessionEvents>();
  readonly #pc: RTCPeerConnection;
  readonly #negotiator: Negotiator;
  readonly #media: MediaSlots | null;
  readonly #chat = new ChatChannel();
  readonly #restarts: IceRestartPolicy;
  /** Channels of file transfers, both ways: while one is open the connection is in use. */
  #fileChannels: RTCDataChannel[] = [];
  #hasConnected = false;
  /** The other side was dropped by the server (see `setAway`). */
  #isAway = false;
  #isClosed = false;
  /** Their stream as it came while we were answering, shown once the answer is out. */
  #heldStream: MediaStream | null = null;

  constructor(options: PeerSessionOptions) {
    const clock = options.clock ?? systemClock;
    this.peerId = options.peerId;
    this.polite = isPolite(options.selfId, options.peerId);
    this.isInitiator = options.isInitiator;
    this.createdAt = clock.now();
    const create = options.createPeerConnection ?? ((config) => new RTCPeerConnection(config));
    const pc = (this.#pc = create({
      iceServers: options.iceServers,
      iceTransportPolicy: options.relayOnly ? 'relay' : 'all',
      bundlePolicy: BUNDLE_POLICY,
    }));
    this.#media = options.localTracks
      ? new MediaSlots(pc, options.localTracks, clock, options.localStream)
      : null;
    this.#restarts = new IceRestartPolicy({
      clock,
      polite: this.polite,
      state: () => pc.connectionState,
      restart: (isNetworkChange) => this.#negotiator.restartIce(isNetworkChange),
      baseMs: options.iceRestartDelayMs,
    });
    this.#wire();
    this.#negotiator = new Negotiator({
      pc,
      polite: this.polite,
      isInitiator: options.isInitiator,
      sendSignal: options.sendSignal,
      prepare: () => this.#prepare(),
      clock,
      firstOfferWaitMs: options.firstOfferWaitMs ?? FIRST_OFFER_WAIT_MS,
    });
    this.#negotiator.events.on('negotiated', () => this.#events.emit('negotiated', undefined));
    this.#negotiator.events.on('answered', () => {
      const stream = this.#heldStream;
      this.#heldStream = null;
      if (stream) this.#events.emit('remote-stream', stream);
    });
  }

  on<K extends keyof SessionEvents>(event: K, listener: (payload: SessionEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  get connectionState(): RTCPeerConnectionState {
    return this.#pc.connectionState;
  }

  get hasConnected(): boolean {
    return this.#hasConnected;
  }

  get isReady(): boolean {
    return this.#negotiator.isReady;
  }

  /** Settles once our first offer is sent (the side that starts), or at once (the side that answers). */
  get firstOffer(): Promise<void> {
    return this.#negotiator.firstOffer;
  }

  get badMessages(): number {
    return this.#chat.badMessages;
  }

  get remoteStream(): MediaStream | null {
    return this.#media?.remoteStream ?? null;
  }

  /** A file transfer still uses this connection. */
  get hasOpenTransfers(): boolean {
    this.#fileChannels = this.#fileChannels.filter(
      (c) => c.readyState === 'connecting' || c.readyState === 'open',
    );
    return this.#fileChannels.length > 0;
  }

  /** The other side's ICE username fragment: tells its candidates from another connection's. */
  get remoteUfrag(): string | null {
    return iceUfrag(this.#pc.remoteDescription?.sdp);
  }

  isFromNewIncarnation(data: SignalData): boolean {
    return this.#negotiator.isFromNewIncarnation(data);
  }

  isAnswerFromNewIncarnation(data: SignalData): boolean {
    return this.#negotiator.isAnswerFromNewIncarnation(data);
  }

  /**
   * The other side was dropped by the server (maybe frozen) and may come back: no ICE
   * restarts towards it meanwhile (they could not reach it). When it is back, an offer of ours
   * it never got is sent again, our video starts afresh with a keyframe, and this side restarts
   * ICE only later, if the connection does not come back by itself.
   */
  setAway(isAway: boolean): void {
    if (isAway) {
      this.#isAway = true;
      this.#restarts.hold();
      return;
    }
    void this.#negotiator.resendPendingOffer();
    this.#restarts.release();
    // Their decoder may have lost its place in our video while they stood still.
    if (this.#isAway) void this.#media?.sendKeyframe().catch(() => undefined);
    this.#isAway = false;
  }

  /** Applies one relayed signal. Signals are applied strictly in arrival order. */
  handleSignal(data: SignalData): Promise<void> {
    return this.#negotiator.handleSignal(data);
  }

  /** Sends a peer message on the chat channel (kept until the channel opens). */
  send(message: PeerMessage): void {
    this.#chat.send(message);
  }

  /** What file transfers need of this connection. Opening the first channel negotiates. */
  get link(): SenderLink {
    return {
      sendControl: (message) => this.#chat.send(message),
      openChannel: (label) => {
        const channel = this.#pc.createDataChannel(label, { ordered: true });
        this.#fileChannels.push(channel);
        return channel;
      },
      maxMessageSize: () => this.#pc.sctp?.maxMessageSize,
    };
  }

  /** Swaps what is sent, without renegotiation (device switch, effect, mute, screen). */
  setLocalTracks(tracks: LocalTracks): void {
    this.#media?.setTracks(tracks);
  }

  getStats(): Promise<RTCStatsReport> {
    return this.#pc.getStats();
  }

  /** Loudness 0..1 of the remote microphone; 0 until the connection is up (see audioLevel.ts). */
  audioLevel(): number {
    return receivedAudioLevel(this.#pc.connectionState, () => this.#media?.audioReceiver);
  }

  /** The code both people can read aloud to check nobody sits in the middle (see verification.ts). */
  verificationCode(): Promise<string | null> {
    // Nothing to show before the other side's description (our offer just went out): the
    // browser writes out a description's text anew on each read, so ours is not read for nothing.
    const remote = this.#pc.remoteDescription?.sdp;
    if (!remote) return Promise.resolve(null);
    return verificationCode(this.#pc.localDescription?.sdp, remote).catch(() => null);
  }

  /** ICE restart through perfect negotiation: the next offer carries new credentials. */
  restartIce(): void {
    this.#negotiator.restartIce();
  }

  /** The network came back or changed: restart now unless the connection is up. */
  nudge(): void {
    if (this.isReady) this.#restarts.nudge();
  }

  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#restarts.close();
    this.#negotiator.close();
    this.#media?.close();
    this.#chat.close();
    this.#pc.ondatachannel = null;
    this.#pc.onconnectionstatechange = null;
    this.#pc.close();
    this.#events.clear();
  }

  #wire(): void {
    const pc = this.#pc;
    this.#media?.events.on('remote-stream', (stream) => {
      // Their tracks come while their offer is applied. Showing them makes the page draw, and
      // the answer they wait for would wait behind the drawing: it goes first.
      if (this.#negotiator.isAnswering) this.#heldStream = stream;
      else this.#events.emit('remote-stream', stream);
    });
    this.#media?.events.on('extra-track', (event) => this.#events.emit('extra-track', event));
    this.#media?.events.on('media-arrived', (kind) => this.#events.emit('media-arrived', kind));
    this.#chat.events.on('message', (message) => this.#events.emit('message', message));
    this.#chat.events.on('bad-message', (count) => this.#events.emit('bad-message', count));
    this.#chat.events.on('open', () => this.#events.emit('chat-open', undefined));
    pc.ondatachannel = ({ channel }) => {
      this.#fileChannels.push(channel);
      this.#events.emit('datachannel', channel);
    };
    pc.onconnectionstatechange = () => {
      const state = pc.connectionState;
      if (state === 'connected') this.#hasConnected = true;
      this.#restarts.onStateChange(state);
      this.#events.emit('connection-state', state);
    };
  }

  /** Our camera, microphone and chat channel go on the connection (see Negotiator). */
  #prepare(): void {
    this.#media?.attach();
    this.#chat.open(this.#pc);
    this.#restarts.watchSetUp();
  }
}
