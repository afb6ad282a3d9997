/**
 * The mesh: one PeerSession (one RTCPeerConnection) per other person. Every browser sends its
 * camera and microphone to each of the others, and peer messages go on each pair's own chat
 * channel. No server is in the media path: the lowest latency, for small rooms.
 */
import type { IceServer, Peer, PeerId, PeerMessage, SignalData } from '@app/protocol';
import type { Clock } from '../clock.ts';
import { Emitter } from '../events.ts';
import type { SenderLink } from '../files/FileSender.ts';
import type { LocalTracks } from './MediaSlots.ts';
import type { MediaTransport, TransportEvents } from './MediaTransport.ts';
import { PeerSession } from './PeerSession.ts';

export interface MeshOptions {
  selfId: PeerId;
  iceServers: IceServer[];
  relayOnly: boolean;
  clock: Clock;
  /** What we send right now. */
  localTracks: () => LocalTracks;
  localStream?: MediaStream | undefined;
  sendSignal: (to: PeerId, data: SignalData) => void;
  createPeerConnection?: ((config: RTCConfiguration) => RTCPeerConnection) | undefined;
}

export class MeshTransport implements MediaTransport {
  readonly topology = 'mesh';
  readonly #events = new Emitter<TransportEvents>();
  readonly #options: MeshOptions;
  readonly #sessions = new Map<PeerId, PeerSession>();

  constructor(options: MeshOptions) {
    this.#options = options;
  }

  on<K extends keyof TransportEvents>(event: K, listener: (payload: TransportEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  connect(peer: Peer, weStart: boolean): void {
    this.disconnect(peer.id);
    const { selfId, iceServers, relayOnly, clock, localStream, createPeerConnection } = this.#options;
    const peerId = peer.id;
    const session = new PeerSession({
      selfId,
      peerId,
      iceServers,
      relayOnly,
      isInitiator: weStart,
      localTracks: this.#options.localTracks(),
      localStream,
      sendSignal: (data) => this.#options.sendSignal(peerId, data),
      createPeerConnection,
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

  setLocalTracks(tracks: LocalTracks): void {
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

  close(): void {
    for (const session of this.#sessions.values()) session.close();
    this.#sessions.clear();
    this.#events.clear();
  }
}
