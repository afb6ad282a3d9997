/**
 * One RTCPeerConnection to one remote peer (full mesh: one session per peer), with perfect
 * negotiation as in https://w3c.github.io/webrtc-pc/#perfect-negotiation-example.
 *
 * Roles: the session whose own PeerId sorts lower (plain string comparison) is polite. The
 * polite side gives way in an offer collision (the browser's implicit rollback in
 * setRemoteDescription); the impolite side ignores the colliding offer.
 *
 * Order of the first negotiation: Chromium sometimes never connects when both
 * sides offer at once, so the NEWCOMER (`isInitiator`) adds its media and chat channel at
 * once and offers; a member already in the room waits until the newcomer's first offer has
 * been applied, then attaches its media to the transceivers that offer created, so that its
 * answer already sends media and no second round is needed.
 *
 * Media: exactly one audio and one video transceiver carry the camera and microphone.
 * Switching devices, effects or muting uses `replaceTrack`, never renegotiation. Chat runs
 * on a negotiated data channel (id 0, label `chat`); every inbound message is parsed with
 * the protocol schemas and a bad one is dropped and counted.
 */
import {
  parsePeerMessage,
  type IceServer,
  type PeerId,
  type PeerMessage,
  type SignalData,
} from '@app/protocol';
import { Emitter } from '../events.ts';
import { dtlsFingerprint } from './sdp.ts';

export interface LocalTracks {
  audio: MediaStreamTrack | null;
  video: MediaStreamTrack | null;
}

type SessionEvents = {
  /** The remote camera and microphone, as one stream (a new object when tracks change). */
  'remote-stream': (stream: MediaStream) => void;
  /** A track on a transceiver other than the main two (e.g. a shared screen). */
  'extra-track': (event: RTCTrackEvent) => void;
  message: (message: PeerMessage) => void;
  'bad-message': (count: number) => void;
  'connection-state': (state: RTCPeerConnectionState) => void;
  /** A channel the remote side opened (file transfers); the chat channel is not reported. */
  datachannel: (channel: RTCDataChannel) => void;
  'chat-open': () => void;
  /** A local or remote description was applied (the verification code may change). */
  negotiated: () => void;
};

export interface PeerSessionOptions {
  selfId: PeerId;
  peerId: PeerId;
  iceServers: IceServer[];
  relayOnly: boolean;
  /** True for the newcomer: it offers first. */
  isInitiator: boolean;
  localTracks: LocalTracks;
  /** The streams remote peers see the tracks in (msid), so their tracks arrive grouped. */
  localStream?: MediaStream;
  sendSignal: (data: SignalData) => void;
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
  setTimer?: (fn: () => void, ms: number) => unknown;
  clearTimer?: (handle: unknown) => void;
  /** How long `disconnected` may last before the impolite side restarts ICE. */
  iceRestartDelayMs?: number;
}

const CHAT_CHANNEL_ID = 0;
const CHAT_LABEL = 'chat';
/** Messages kept for the chat channel until it opens. */
const OUTBOX_MAX = 200;
/** A data-channel message larger than this is not a valid peer message (photo chunks are ~48 KiB). */
const MAX_INBOUND_CHARS = 256 * 1024;

export function isPolite(selfId: PeerId, peerId: PeerId): boolean {
  return selfId < peerId;
}

export class PeerSession {
  readonly peerId: PeerId;
  readonly polite: boolean;
  readonly isInitiator: boolean;
  readonly createdAt = performance.now();
  readonly #pc: RTCPeerConnection;
  readonly #events = new Emitter<SessionEvents>();
  readonly #options: PeerSessionOptions;
  readonly #setTimer: (fn: () => void, ms: number) => unknown;
  readonly #clearTimer: (handle: unknown) => void;
  #localTracks: LocalTracks;
  #audioTransceiver: RTCRtpTransceiver | null = null;
  #videoTransceiver: RTCRtpTransceiver | null = null;
  #chat: RTCDataChannel | null = null;
  #outbox: string[] = [];
  #remoteStream: MediaStream | null = null;
  #makingOffer = false;
  #ignoreOffer = false;
  #isSettingRemoteAnswerPending = false;
  #isReady = false;
  #signalChain: Promise<void> = Promise.resolve();
  #badMessages = 0;
  #restartTimer: unknown = null;
  #restartAttempts = 0;
  #hasConnected = false;
  #isClosed = false;

  constructor(options: PeerSessionOptions) {
    this.#options = options;
    this.peerId = options.peerId;
    this.polite = isPolite(options.selfId, options.peerId);
    this.isInitiator = options.isInitiator;
    this.#localTracks = options.localTracks;
    this.#setTimer = options.setTimer ?? ((fn, ms) => setTimeout(fn, ms));
    this.#clearTimer =
      options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
    const create = options.createPeerConnection ?? ((config) => new RTCPeerConnection(config));
    this.#pc = create({
      iceServers: options.iceServers,
      iceTransportPolicy: options.relayOnly ? 'relay' : 'all',
      bundlePolicy: 'max-bundle',
    });
    this.#wireConnection();
    if (options.isInitiator) this.#attachLocalMedia();
  }

  on<K extends keyof SessionEvents>(event: K, listener: SessionEvents[K]): () => void {
    return this.#events.on(event, listener);
  }

  get connectionState(): RTCPeerConnectionState {
    return this.#pc.connectionState;
  }

  get hasConnected(): boolean {
    return this.#hasConnected;
  }

  /** Inbound data-channel messages that were not valid peer messages. */
  get badMessages(): number {
    return this.#badMessages;
  }

  get isReady(): boolean {
    return this.#isReady;
  }

  get remoteStream(): MediaStream | null {
    return this.#remoteStream;
  }

  get localDescriptionSdp(): string | undefined {
    return this.#pc.localDescription?.sdp;
  }

  get remoteDescriptionSdp(): string | undefined {
    return this.#pc.remoteDescription?.sdp;
  }

  /**
   * True when `data` is an offer from a new incarnation of the peer (it reloaded the page
   * and resumed its PeerId): its DTLS certificate differs from the one this connection
   * negotiated, which a running connection cannot adopt, so the caller replaces the session.
   */
  isFromNewIncarnation(data: SignalData): boolean {
    if (!('description' in data) || data.description.type !== 'offer') return false;
    const current = dtlsFingerprint(this.#pc.remoteDescription?.sdp);
    const incoming = dtlsFingerprint(data.description.sdp);
    return current !== null && incoming !== null && current !== incoming;
  }

  /** Applies one relayed signal. Signals are applied strictly in arrival order. */
  handleSignal(data: SignalData): Promise<void> {
    this.#signalChain = this.#signalChain.then(() => this.#applySignal(data)).catch(() => undefined);
    return this.#signalChain;
  }

  /** Sends a peer message on the chat channel (kept until the channel opens). */
  send(message: PeerMessage): void {
    const text = JSON.stringify(message);
    if (this.#chat?.readyState === 'open') {
      this.#chat.send(text);
      return;
    }
    this.#outbox.push(text);
    if (this.#outbox.length > OUTBOX_MAX) this.#outbox.shift();
  }

  /** For features with their own channel (file transfers). Negotiates if it is the first. */
  createDataChannel(label: string, init?: RTCDataChannelInit): RTCDataChannel {
    return this.#pc.createDataChannel(label, init);
  }

  /** The chat channel, for features that send on it directly (e.g. buffered amount checks). */
  get chatChannel(): RTCDataChannel | null {
    return this.#chat;
  }

  /** Swaps what is sent, without renegotiation (device switch, effect, mute). */
  setLocalTracks(tracks: LocalTracks): void {
    this.#localTracks = tracks;
    if (!this.#isReady) return;
    void this.#audioTransceiver?.sender.replaceTrack(tracks.audio).catch(() => undefined);
    void this.#videoTransceiver?.sender.replaceTrack(tracks.video).catch(() => undefined);
  }

  /** For features that add their own transceivers (screen sharing). */
  get peerConnection(): RTCPeerConnection {
    return this.#pc;
  }

  getStats(): Promise<RTCStatsReport> {
    return this.#pc.getStats();
  }

  /** Main audio receiver, for cheap audio levels (getSynchronizationSources). */
  get audioReceiver(): RTCRtpReceiver | null {
    return this.#audioTransceiver?.receiver ?? null;
  }

  /** ICE restart through perfect negotiation: the next offer carries new credentials. */
  restartIce(): void {
    if (this.#isClosed || !this.#isReady) return;
    this.#pc.restartIce();
  }

  close(): void {
    if (this.#isClosed) return;
    this.#isClosed = true;
    this.#clearRestartTimer();
    const pc = this.#pc;
    pc.onnegotiationneeded = null;
    pc.onicecandidate = null;
    pc.ontrack = null;
    pc.ondatachannel = null;
    pc.onconnectionstatechange = null;
    if (this.#chat) {
      this.#chat.onopen = null;
      this.#chat.onmessage = null;
      this.#chat.close();
    }
    this.#remoteStream?.getTracks().forEach((track) => track.stop());
    pc.close();
    this.#outbox = [];
    this.#events.clear();
  }

  #wireConnection(): void {
    const pc = this.#pc;
    pc.onnegotiationneeded = () => void this.#offer();
    pc.onicecandidate = ({ candidate }) => {
      // A null candidate is the end of candidates, relayed as such (CONTRACT §2).
      this.#options.sendSignal({ candidate: candidate ? candidate.toJSON() : null });
    };
    pc.ontrack = (event) => this.#onTrack(event);
    pc.ondatachannel = ({ channel }) => this.#events.emit('datachannel', channel);
    pc.onconnectionstatechange = () => this.#onConnectionState();
  }

  async #offer(): Promise<void> {
    // A member never offers before the newcomer's first offer is applied (see top comment).
    if (!this.#isReady || this.#isClosed) return;
    try {
      this.#makingOffer = true;
      await this.#pc.setLocalDescription();
      this.#sendLocalDescription();
    } catch {
      // The state moved on under us (a remote offer arrived); negotiation runs again.
    } finally {
      this.#makingOffer = false;
    }
  }

  #sendLocalDescription(): void {
    const description = this.#pc.localDescription;
    if (!description || this.#isClosed) return;
    this.#options.sendSignal({ description: { type: description.type, sdp: description.sdp } });
    this.#events.emit('negotiated');
  }

  async #applySignal(data: SignalData): Promise<void> {
    if (this.#isClosed) return;
    if ('description' in data) {
      await this.#applyDescription(data.description);
    } else {
      await this.#applyCandidate(data.candidate);
    }
  }

  async #applyDescription(description: RTCSessionDescriptionInit): Promise<void> {
    const pc = this.#pc;
    if (description.type === 'rollback') return;
    const isReadyForOffer =
      !this.#makingOffer && (pc.signalingState === 'stable' || this.#isSettingRemoteAnswerPending);
    const isOfferCollision = description.type === 'offer' && !isReadyForOffer;
    this.#ignoreOffer = !this.polite && isOfferCollision;
    if (this.#ignoreOffer) return;
    this.#isSettingRemoteAnswerPending = description.type === 'answer';
    try {
      // For the polite side in a collision, the browser rolls back its own offer here.
      await pc.setRemoteDescription(description);
    } finally {
      this.#isSettingRemoteAnswerPending = false;
    }
    if (description.type === 'offer') {
      if (!this.#isReady) this.#attachLocalMedia();
      await pc.setLocalDescription();
      this.#sendLocalDescription();
    } else {
      this.#events.emit('negotiated');
    }
  }

  async #applyCandidate(candidate: RTCIceCandidateInit | null): Promise<void> {
    try {
      // No argument = end of candidates.
      await (candidate ? this.#pc.addIceCandidate(candidate) : this.#pc.addIceCandidate());
    } catch {
      // Candidates of an offer we ignored fail by design; a bad end-of-candidates is harmless.
    }
  }

  /** Puts our camera, microphone and chat channel on the connection. */
  #attachLocalMedia(): void {
    const pc = this.#pc;
    const stream = this.#options.localStream;
    this.#audioTransceiver ??= this.#findReceivingTransceiver('audio');
    this.#videoTransceiver ??= this.#findReceivingTransceiver('video');
    const init: RTCRtpTransceiverInit = { direction: 'sendrecv', streams: stream ? [stream] : [] };
    if (this.#audioTransceiver) this.#adopt(this.#audioTransceiver, stream);
    else this.#audioTransceiver = pc.addTransceiver('audio', init);
    if (this.#videoTransceiver) this.#adopt(this.#videoTransceiver, stream);
    else this.#videoTransceiver = pc.addTransceiver('video', init);
    void this.#audioTransceiver.sender.replaceTrack(this.#localTracks.audio).catch(() => undefined);
    void this.#videoTransceiver.sender.replaceTrack(this.#localTracks.video).catch(() => undefined);
    this.#openChat(
      pc.createDataChannel(CHAT_LABEL, { negotiated: true, id: CHAT_CHANNEL_ID, ordered: true }),
    );
    this.#isReady = true;
  }

  #adopt(transceiver: RTCRtpTransceiver, stream: MediaStream | undefined): void {
    transceiver.direction = 'sendrecv';
    if (stream && typeof transceiver.sender.setStreams === 'function') transceiver.sender.setStreams(stream);
  }

  #findReceivingTransceiver(kind: 'audio' | 'video'): RTCRtpTransceiver | null {
    return (
      this.#pc
        .getTransceivers()
        .find((t) => t.receiver.track.kind === kind && t.currentDirection !== 'stopped') ?? null
    );
  }

  #openChat(channel: RTCDataChannel): void {
    this.#chat = channel;
    channel.onopen = () => {
      for (const text of this.#outbox) channel.send(text);
      this.#outbox = [];
      this.#events.emit('chat-open');
    };
    channel.onmessage = (event: MessageEvent) => this.#onChannelMessage(event.data);
  }

  #onChannelMessage(data: unknown): void {
    if (typeof data !== 'string' || data.length > MAX_INBOUND_CHARS) {
      this.#dropBadMessage();
      return;
    }
    const parsed = parsePeerMessage(data);
    if (!parsed.ok) {
      this.#dropBadMessage();
      return;
    }
    this.#events.emit('message', parsed.value);
  }

  #dropBadMessage(): void {
    this.#badMessages += 1;
    this.#events.emit('bad-message', this.#badMessages);
  }

  #onTrack(event: RTCTrackEvent): void {
    const kind = event.track.kind;
    // The first audio and video transceivers carry the camera and microphone; on the member
    // side they are created by the newcomer's offer, before we could name them.
    if (kind === 'audio' && !this.#audioTransceiver) this.#audioTransceiver = event.transceiver;
    if (kind === 'video' && !this.#videoTransceiver) this.#videoTransceiver = event.transceiver;
    const isMain =
      event.transceiver === this.#audioTransceiver || event.transceiver === this.#videoTransceiver;
    if (!isMain) {
      this.#events.emit('extra-track', event);
      return;
    }
    const others = this.#remoteStream?.getTracks().filter((t) => t.kind !== kind) ?? [];
    this.#remoteStream = new MediaStream([...others, event.track]);
    this.#events.emit('remote-stream', this.#remoteStream);
  }

  #onConnectionState(): void {
    const state = this.#pc.connectionState;
    this.#events.emit('connection-state', state);
    if (state === 'connected') {
      this.#hasConnected = true;
      this.#restartAttempts = 0;
      this.#clearRestartTimer();
      return;
    }
    if (state === 'failed' || state === 'disconnected') this.#scheduleIceRestart(state === 'failed');
  }

  /**
   * `disconnected` often heals by itself, so wait a few seconds; `failed` does not. The
   * impolite side restarts; the polite side only as a later backup, so that both rarely
   * offer at the same moment.
   */
  #scheduleIceRestart(isFailed: boolean): void {
    if (this.#restartTimer !== null || this.#isClosed) return;
    const base = this.#options.iceRestartDelayMs ?? 3000;
    // Later attempts back off linearly, up to five extra periods (15 s with the default).
    const backoff = Math.min(this.#restartAttempts, 5) * base;
    const delay = (isFailed ? 0 : base) + (this.polite ? base * 2 : 0) + backoff;
    this.#restartTimer = this.#setTimer(() => {
      this.#restartTimer = null;
      const state = this.#pc.connectionState;
      if (this.#isClosed || (state !== 'failed' && state !== 'disconnected')) return;
      this.#restartAttempts += 1;
      this.restartIce();
      // Keep trying while the path stays broken (e.g. the network is still down).
      this.#scheduleIceRestart(false);
    }, delay);
  }

  #clearRestartTimer(): void {
    if (this.#restartTimer !== null) this.#clearTimer(this.#restartTimer);
    this.#restartTimer = null;
  }
}
