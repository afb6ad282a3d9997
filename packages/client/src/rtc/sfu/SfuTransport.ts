/**
 * The media server as a MediaTransport: we publish our camera and microphone once (simulcast,
 * three layers) with one data channel for the room's peer messages, and receive everyone else
 * on one subscriber connection. The signaling server carries both connections' SDP and
 * candidates in the protocol's media-* messages; this browser never talks to the media server's
 * API. Files still go straight to the other browser: `link(peerId)` opens a data-only
 * connection to them on demand, negotiated with `signal` like the mesh.
 *
 * The roster, chat and sharing see the same events as from the mesh: streams per person,
 * connection states (the subscriber connection's, for everyone it carries), attributed peer
 * messages, stats per person, and the verification code, which here belongs to the connection
 * with the media server, not to the other person.
 */
import type { IceServer, Peer, PeerId, PeerMessage, SignalData, StatusMessage } from '@app/protocol';
import type { Clock, TimerHandle } from '../../clock.ts';
import { Emitter } from '../../events.ts';
import type { SenderLink } from '../../files/FileSender.ts';
import type { MediaClientMessage, MediaServerMessage } from '../../signaling/SignalTypes.ts';
import { receivedAudioLevel } from '../audioLevel.ts';
import type { LocalTracks } from '../MediaSlots.ts';
import type { MediaTransport, TransportEvents, ViewHints } from '../MediaTransport.ts';
import { MeshTransport } from '../MeshTransport.ts';
import { iceUfrag } from '../sdp.ts';
import { readDownlink, type DownlinkSample } from './downlink.ts';
import { LayerPolicy } from './LayerPolicy.ts';
import { statsOfPeer } from './peerStats.ts';
import { Publisher } from './Publisher.ts';
import { Subscriber } from './Subscriber.ts';

export interface SfuOptions {
  selfId: PeerId;
  iceServers: IceServer[];
  relayOnly: boolean;
  clock: Clock;
  localTracks: () => LocalTracks;
  localStream?: MediaStream | undefined;
  /** Our status, sent to the whole room now and then (see STATUS_REPEAT_MS). */
  ownStatus: () => StatusMessage;
  /** `signal` to one person, for the direct file links. */
  sendSignal: (to: PeerId, data: SignalData) => void;
  sendMedia: (message: MediaClientMessage) => void;
  createPeerConnection?: ((config: RTCConfiguration) => RTCPeerConnection) | undefined;
}

/**
 * The media server relays messages to a newcomer only once the newcomer's subscription is up,
 * and nobody is told when that is: our status (a hundred bytes) goes out again this often, so
 * mute and camera badges are right within seconds for everyone.
 */
const STATUS_REPEAT_MS = 3000;
/** How often the downlink is read for the layer choice. */
const DOWNLINK_POLL_MS = 2000;
/**
 * One report of the subscriber connection serves every request this close together: the
 * figures of each person on it (one poll asks for all of them at once) and the downlink. In a
 * room of seven that is one getStats of a connection with a dozen streams, not seven.
 */
const STATS_REUSE_MS = 500;

/** Waits before each new subscription asked for after offers that could not be applied, in a row. */
const RESUBSCRIBE_WAITS_MS = [0, 2000, 8000];

export class SfuTransport implements MediaTransport {
  readonly topology = 'sfu';
  readonly #events = new Emitter<TransportEvents>();
  readonly #options: SfuOptions;
  readonly #publisher: Publisher;
  #subscriber: Subscriber | null = null;
  /** Direct data-only connections for files, opened on demand. */
  readonly #links: MeshTransport;
  readonly #layers: LayerPolicy;
  readonly #peers = new Set<PeerId>();
  readonly #badCounts = new Map<PeerId, { feed: number; link: number }>();
  readonly #timers: TimerHandle[] = [];
  #downlink: DownlinkSample | null = null;
  #report: { at: number; of: Subscriber; report: Promise<RTCStatsReport> } | null = null;
  #isRetired = false;
  /** A subscription given up on (its ICE ufrag): its offers still on their way are not taken. */
  #abandoned: string | null = null;
  /** New subscriptions asked for since the last one that worked. */
  #resubscribes = 0;
  #resubscribeTimer: TimerHandle | null = null;

  constructor(options: SfuOptions) {
    this.#options = options;
    const { iceServers, relayOnly, clock, createPeerConnection, sendMedia } = options;
    const leg = { iceServers, relayOnly, clock, createPeerConnection, send: sendMedia };
    this.#publisher = new Publisher({
      ...leg,
      tracks: options.localTracks(),
      localStream: options.localStream,
    });
    this.#publisher.channel.events.on('open', () => this.#publisher.send(options.ownStatus()));
    this.#links = new MeshTransport({
      selfId: options.selfId,
      iceServers,
      relayOnly,
      clock,
      localTracks: () => null,
      sendSignal: options.sendSignal,
      createPeerConnection,
    });
    this.#wireLinks();
    this.#layers = new LayerPolicy({
      clock,
      send: (layers) => {
        sendMedia({ type: 'media-layers', layers });
        for (const { peer, layer } of layers) this.#events.emit('video-layer', { peerId: peer, layer });
      },
    });
    this.#timers.push(
      clock.setInterval(() => this.#publisher.send(options.ownStatus()), STATUS_REPEAT_MS),
      clock.setInterval(() => void this.#readDownlink(), DOWNLINK_POLL_MS),
    );
  }

  on<K extends keyof TransportEvents>(event: K, listener: (payload: TransportEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /** Messages dropped because they came on a channel of nobody we know. */
  get unknownLabelCount(): number {
    return this.#subscriber?.unknownLabelCount ?? 0;
  }

  handleMedia(message: MediaServerMessage): void {
    if (this.#isRetired) return;
    if (message.type === 'media-publish-answer') {
      this.#publisher.handleAnswer(message.sdp);
    } else if (message.type === 'media-subscribe-offer') {
      if (this.#abandoned !== null && iceUfrag(message.sdp) === this.#abandoned) return;
      this.#subscriber ??= this.#createSubscriber();
      this.#subscriber.handleOffer(message);
    } else if (message.leg === 'publisher') {
      this.#publisher.leg.addCandidate(message.candidate);
    } else {
      this.#subscriber?.leg.addCandidate(message.candidate);
    }
  }

  connect(peer: Peer, _weStart: boolean): void {
    // Their media comes when the media server offers it; files connect on demand.
    this.#peers.add(peer.id);
  }

  disconnect(peerId: PeerId): void {
    this.#peers.delete(peerId);
    this.#badCounts.delete(peerId);
    this.#links.disconnect(peerId);
  }

  isConnectedTo(peerId: PeerId): boolean {
    return this.#peers.has(peerId);
  }

  handleSignal(from: PeerId, data: SignalData): void {
    this.#links.handleSignal(from, data);
  }

  remoteUfrag(peerId: PeerId): string | null {
    return this.#links.remoteUfrag(peerId);
  }

  setLocalTracks(tracks: LocalTracks): void {
    if (!this.#isRetired) this.#publisher.setTracks(tracks);
  }

  broadcast(message: PeerMessage): void {
    if (!this.#isRetired) this.#publisher.send(message);
  }

  sendTo(peerId: PeerId, message: PeerMessage): void {
    // Our status is everyone's business: it needs no connection of its own.
    if (message.type === 'status' && !this.#links.isConnectedTo(peerId)) return this.broadcast(message);
    if (this.#ensureLink(peerId)) this.#links.sendTo(peerId, message);
  }

  link(peerId: PeerId): SenderLink | null {
    return this.#ensureLink(peerId) ? this.#links.link(peerId) : null;
  }

  recover(): void {
    this.#publisher.leg.nudge();
    this.#subscriber?.leg.nudge();
    this.#links.recover();
  }

  /**
   * Only the data-only link to `peerId` (files) is theirs to restart: their media comes over
   * our own connections to the media server, which restart on their own state.
   */
  restart(peerId: PeerId): void {
    if (this.#links.isConnectedTo(peerId)) this.#links.restart(peerId);
  }

  setAway(peerId: PeerId, isAway: boolean): void {
    this.#links.setAway(peerId, isAway);
  }

  connectionState(peerId: PeerId): RTCPeerConnectionState | null {
    if (!this.#peers.has(peerId)) return null;
    return this.#subscriber?.has(peerId) ? this.#subscriber.leg.connectionState : 'new';
  }

  hasConnected(peerId: PeerId): boolean {
    return (this.#subscriber?.has(peerId) && this.#subscriber.leg.hasConnected) ?? false;
  }

  async getStats(peerId: PeerId): Promise<RTCStatsReport | null> {
    const subscriber = this.#subscriber;
    if (!subscriber?.has(peerId)) return null;
    return statsOfPeer(await this.#statsOf(subscriber), subscriber.mids(peerId));
  }

  audioLevel(peerId: PeerId): number {
    const subscriber = this.#subscriber;
    return receivedAudioLevel(subscriber?.leg.connectionState, () => subscriber?.receiver(peerId, 'audio'));
  }

  async verificationCode(peerId: PeerId): Promise<string | null> {
    return this.#subscriber?.has(peerId) ? this.#subscriber.leg.verificationCode() : null;
  }

  setView(view: ViewHints): void {
    this.#layers.setView(view);
  }

  retire(onDone: () => void): void {
    if (this.#isRetired) return;
    this.#isRetired = true;
    this.#closeMediaServerSide();
    this.#links.retire(onDone);
  }

  close(): void {
    this.#isRetired = true;
    this.#closeMediaServerSide();
    this.#links.close();
    this.#events.clear();
  }

  #closeMediaServerSide(): void {
    for (const timer of this.#timers.splice(0)) this.#options.clock.clearInterval(timer);
    this.#layers.close();
    this.#publisher.close();
    this.#subscriber?.close();
    this.#subscriber = null;
    this.#options.clock.clearTimeout(this.#resubscribeTimer);
  }

  /**
   * The media server's offer could not be applied here (a browser that cannot take what it
   * offers): that connection is closed, and the server asked for a new subscription on a new
   * one, at once, then after longer waits; after a few in a row nobody's media comes, and the
   * page says the connection to them failed.
   */
  #startOver(subscriber: Subscriber, ufrag: string | null): void {
    if (this.#subscriber !== subscriber || this.#isRetired) return;
    const people = new Set([...subscriber.peers(), ...subscriber.offered()]);
    subscriber.close();
    this.#subscriber = null;
    this.#abandoned = ufrag;
    // Their media is gone until a new subscription connects: if none does, the page says so.
    for (const peerId of people) {
      this.#events.emit('remote-stream', { peerId, stream: null });
      this.#events.emit('connection-state', { peerId, state: 'failed' });
    }
    const wait = RESUBSCRIBE_WAITS_MS[this.#resubscribes];
    if (wait === undefined) return;
    this.#resubscribes += 1;
    this.#resubscribeTimer = this.#options.clock.setTimeout(
      () => this.#options.sendMedia({ type: 'media-resubscribe' }),
      wait,
    );
  }

  #ensureLink(peerId: PeerId): boolean {
    if (!this.#peers.has(peerId)) return false;
    if (!this.#links.isConnectedTo(peerId)) this.#links.connect({ id: peerId, name: '' }, true);
    return true;
  }

  #createSubscriber(): Subscriber {
    const { iceServers, relayOnly, clock, createPeerConnection, sendMedia, ownStatus } = this.#options;
    const subscriber = new Subscriber({
      iceServers,
      relayOnly,
      clock,
      createPeerConnection,
      send: sendMedia,
      hello: ownStatus,
    });
    const events = this.#events;
    subscriber.events.on('remote-stream', (event) => events.emit('remote-stream', event));
    subscriber.events.on('media-arrived', (event) => events.emit('media-arrived', event));
    subscriber.events.on('message', (event) => events.emit('message', event));
    subscriber.events.on('bad-message', ({ peerId, count }) => this.#countBad(peerId, 'feed', count));
    subscriber.events.on('failed', ({ ufrag }) => this.#startOver(subscriber, ufrag));
    subscriber.events.on('negotiated', () => {
      this.#resubscribes = 0;
      this.#options.clock.clearTimeout(this.#resubscribeTimer);
      const people = subscriber.peers();
      this.#layers.setPeople(people);
      for (const peerId of people) {
        events.emit('connection-state', { peerId, state: subscriber.leg.connectionState });
        events.emit('negotiated', { peerId });
      }
    });
    subscriber.leg.events.on('connection-state', (state) => {
      for (const peerId of subscriber.peers()) events.emit('connection-state', { peerId, state });
    });
    return subscriber;
  }

  #wireLinks(): void {
    const links = this.#links;
    const events = this.#events;
    // A link's connection state is not the path of anyone's media: it is not reported.
    links.on('message', (event) => events.emit('message', event));
    links.on('bad-message', ({ peerId, count }) => this.#countBad(peerId, 'link', count));
    links.on('channel-open', (event) => events.emit('channel-open', event));
    links.on('datachannel', (event) => events.emit('datachannel', event));
  }

  #statsOf(subscriber: Subscriber): Promise<RTCStatsReport> {
    const now = this.#options.clock.now();
    const last = this.#report;
    if (last?.of === subscriber && now - last.at < STATS_REUSE_MS) return last.report;
    const report = subscriber.leg.pc.getStats();
    this.#report = { at: now, of: subscriber, report };
    return report;
  }

  #countBad(peerId: PeerId, source: 'feed' | 'link', count: number): void {
    const counts = this.#badCounts.get(peerId) ?? { feed: 0, link: 0 };
    counts[source] = count;
    this.#badCounts.set(peerId, counts);
    this.#events.emit('bad-message', { peerId, count: counts.feed + counts.link });
  }

  async #readDownlink(): Promise<void> {
    const subscriber = this.#subscriber;
    if (!subscriber || subscriber.leg.connectionState !== 'connected') return;
    const report = await this.#statsOf(subscriber).catch(() => null);
    if (!report || this.#isRetired) return;
    const { downlink, sample } = readDownlink(report, this.#downlink);
    if (this.#downlink) this.#layers.setDownlink(downlink);
    this.#downlink = sample;
  }
}
