/**
 * The mesh: one PeerSession (one RTCPeerConnection) per other person. Every browser sends its
 * camera and microphone to each of the others, and peer messages go on each pair's own chat
 * channel. No server is in the media path: the lowest latency, for small rooms.
 *
 * With `localTracks` giving null, every session is a data-only link (chat channel and file
 * channels): the direct paths for files next to a media server.
 */
import type { IceServer, Peer, PeerId, PeerMessage, SignalData } from '@app/protocol';
import type { Clock, TimerHandle } from '../clock.ts';
import { Emitter } from '../events.ts';
import type { SenderLink } from '../files/FileSender.ts';
import type { MediaServerMessage } from '../signaling/SignalTypes.ts';
import type { LocalTracks } from './MediaSlots.ts';
import type { MediaTransport, TransportEvents, ViewHints } from './MediaTransport.ts';
import { PeerSession } from './PeerSession.ts';

export interface MeshOptions {
  selfId: PeerId;
  iceServers: IceServer[];
  relayOnly: boolean;
  clock: Clock;
  /** What we send right now; null: data-only links. */
  localTracks: () => LocalTracks | null;
  localStream?: MediaStream | undefined;
  sendSignal: (to: PeerId, data: SignalData) => void;
  createPeerConnection?: ((config: RTCConfiguration) => RTCPeerConnection) | undefined;
  /** A connection made ahead, for one we start with the camera and microphone (see SpareConnection). */
  takeSpare?: ((config: RTCConfiguration) => RTCPeerConnection | null) | undefined;
}

/** How often a retired mesh looks whether its last file transfers ended. */
const RETIRE_CHECK_MS = 1000;
const NOTHING: LocalTracks = { audio: null, video: null };

export class MeshTransport implements MediaTransport {
  readonly topology = 'mesh';
  readonly #events = new Emitter<TransportEvents>();
  readonly #options: MeshOptions;
  readonly #sessions = new Map<PeerId, PeerSession>();
  #retireTimer: TimerHandle | null = null;
  #isRetired = false;

  constructor(options: MeshOptions) {
    this.#options = options;
  }

  on<K extends keyof TransportEvents>(event: K, listener: (payload: TransportEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  connect(peer: Peer, weStart: boolean): void {
    this.disconnect(peer.id);
    const { selfId, iceServers, relayOnly, clock, localStream, takeSpare } = this.#options;
    const peerId = peer.id;
    const localTracks = this.#isRetired ? null : this.#options.localTracks();
    const create = this.#options.createPeerConnection ?? ((config) => new RTCPeerConnection(config));
    // Only a connection that offers first can use the spare's transceivers as its own.
    const canTakeSpare = weStart && localTracks !== null && takeSpare !== undefined;
    const session = new PeerSession({
      selfId,
      peerId,
      iceServers,
      relayOnly,
      isInitiator: weStart,
      localTracks,
      localStream,
      sendSignal: (data) => this.#options.sendSignal(peerId, data),
      createPeerConnection: canTakeSpare ? (config) => takeSpare(config) ?? create(config) : create,
      clock,
    });
    this.#sessions.set(peerId, session);
    const events = this.#events;
    session.on('remote-stream', (stream) => events.emit('remote-stream', { peerId, stream }));
    session.on('connection-state', (state) => events.emit('connection-state', { peerId, state }));
    session.on('message', (message) => events.emit('message', { peerId, message }));
    session.on('bad-message', (count) => events.emit('bad-message', { peerId, count }));
    session.on('chat-open', () => events.emit('channel-open', { peerId }));
    session.on('negotiated', () => events.emit('negotiated', { peerId }));
    session.on('datachannel', (channel) => events.emit('datachannel', { peerId, channel }));
    session.on('media-arrived', (kind) => events.emit('media-arrived', { peerId, kind }));
  }

  disconnect(peerId: PeerId): void {
    const session = this.#sessions.get(peerId);
    if (!session) return;
    this.#sessions.delete(peerId);
    session.close();
    this.#events.emit('remote-stream', { peerId, stream: null });
  }

  isConnectedTo(peerId: PeerId): boolean {
    return this.#sessions.has(peerId);
  }

  handleSignal(from: PeerId, data: SignalData): void {
    const session = this.#sessions.get(from);
    // A retired mesh only finishes what it has.
    if (!session && this.#isRetired) return;
    if (!session) {
      // An offer from someone we have no connection with: they start, we answer.
      if (!('description' in data) || data.description.type !== 'offer') return;
      this.connect({ id: from, name: '' }, false);
    } else if (session.isFromNewIncarnation(data)) {
      // They came back with a new connection under the same PeerId (a reload, or a browser
      // that froze and lost its seat): the old one cannot be reused.
      this.connect({ id: from, name: '' }, false);
    } else if (session.isAnswerFromNewIncarnation(data)) {
      // They had given up on our connection (we were away too long) and answered from a new
      // one: ours cannot carry on. Start afresh, offering first.
      this.connect({ id: from, name: '' }, true);
      return;
    }
    void this.#sessions.get(from)?.handleSignal(data);
  }

  offersSent(): Promise<void> {
    return Promise.all([...this.#sessions.values()].map((session) => session.firstOffer)).then(
      () => undefined,
    );
  }

  setLocalTracks(tracks: LocalTracks): void {
    if (this.#isRetired) return;
    for (const session of this.#sessions.values()) session.setLocalTracks(tracks);
  }

  broadcast(message: PeerMessage): void {
    for (const session of this.#sessions.values()) session.send(message);
  }

  sendTo(peerId: PeerId, message: PeerMessage): void {
    this.#sessions.get(peerId)?.send(message);
  }

  link(peerId: PeerId): SenderLink | null {
    return this.#sessions.get(peerId)?.link ?? null;
  }

  recover(): void {
    for (const session of this.#sessions.values()) session.nudge();
  }

  restart(peerId: PeerId): void {
    this.#sessions.get(peerId)?.restartIce();
  }

  setAway(peerId: PeerId, isAway: boolean): void {
    this.#sessions.get(peerId)?.setAway(isAway);
  }

  connectionState(peerId: PeerId): RTCPeerConnectionState | null {
    return this.#sessions.get(peerId)?.connectionState ?? null;
  }

  hasConnected(peerId: PeerId): boolean {
    return this.#sessions.get(peerId)?.hasConnected ?? false;
  }

  async getStats(peerId: PeerId): Promise<RTCStatsReport | null> {
    return (await this.#sessions.get(peerId)?.getStats()) ?? null;
  }

  audioLevel(peerId: PeerId): number {
    return this.#sessions.get(peerId)?.audioLevel() ?? 0;
  }

  async verificationCode(peerId: PeerId): Promise<string | null> {
    return (await this.#sessions.get(peerId)?.verificationCode()) ?? null;
  }

  /** The other side's ICE username fragment on the connection to `peerId`. */
  remoteUfrag(peerId: PeerId): string | null {
    return this.#sessions.get(peerId)?.remoteUfrag ?? null;
  }

  handleMedia(_message: MediaServerMessage): void {
    // A mesh has no media-server connections.
  }

  setView(_view: ViewHints): void {
    // Everyone sends their one full layer to each of the others: nothing to choose.
  }

  retire(onDone: () => void): void {
    if (this.#isRetired) return;
    this.#isRetired = true;
    for (const session of this.#sessions.values()) session.setLocalTracks(NOTHING);
    const sweep = () => {
      for (const [peerId, session] of this.#sessions) {
        if (session.hasOpenTransfers) continue;
        this.#sessions.delete(peerId);
        session.close();
      }
      if (this.#sessions.size > 0) return;
      this.#options.clock.clearInterval(this.#retireTimer);
      this.#retireTimer = null;
      onDone();
    };
    this.#retireTimer = this.#options.clock.setInterval(sweep, RETIRE_CHECK_MS);
    sweep();
  }

  close(): void {
    this.#options.clock.clearInterval(this.#retireTimer);
    this.#retireTimer = null;
    for (const session of this.#sessions.values()) session.close();
    this.#sessions.clear();
    this.#events.clear();
  }
}
