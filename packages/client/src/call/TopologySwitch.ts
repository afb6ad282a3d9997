/**
 * The call's media transport across moves between the mesh and the media server. It is itself
 * a MediaTransport, so the roster, chat, sharing and the UI never learn which way media goes.
 *
 * A move is make-before-break:
 * 1. `moveTo(topology)` builds the new path next to the old one. Towards the media server: our
 *    publication and subscription. Towards the mesh: one connection per person, where the side
 *    with the greater PeerId offers (the other waits as a member), so no two offers cross.
 * 2. Each person's stream switches to the new path when media arrives on it (a decoded video
 *    frame, or audio for someone whose camera is off): tiles never go blank. Until then, their
 *    stream, connection state and figures come from the old path.
 * 3. Once everyone switched, or after `switchTimeoutMs`, the old path retires: it stops
 *    sending media and closes, except connections a file transfer still uses, which close when
 *    the transfer ends.
 *
 * While both paths run, room-wide messages go out on both and arrive on both: each message with
 * an id is passed on once. A `signal` goes to the connection it belongs to: media descriptions
 * to the mesh, data-only ones to the media server's file links, candidates by their ICE
 * username fragment.
 */
import type { Peer, PeerId, PeerMessage, SignalData } from '@app/protocol';
import type { Clock, TimerHandle } from '../clock.ts';
import { Emitter } from '../events.ts';
import type { SenderLink } from '../files/FileSender.ts';
import type { MediaKind } from '../rtc/MediaArrival.ts';
import type { LocalTracks } from '../rtc/MediaSlots.ts';
import type { MediaTransport, Topology, TransportEvents, ViewHints } from '../rtc/MediaTransport.ts';
import { candidateUfrag, hasMediaSection, iceUfrag } from '../rtc/sdp.ts';
import type { MediaServerMessage } from '../signaling/SignalTypes.ts';
import { ChatReplay } from './ChatReplay.ts';
import { FirstTimeFilter } from './FirstTimeFilter.ts';

export interface TopologySwitchOptions {
  selfId: PeerId;
  topology: Topology;
  clock: Clock;
  /** Makes the transport of one topology. */
  create: (topology: Topology) => MediaTransport;
  /** Whether someone's camera is on: if not, their audio is all the media there is to wait for. */
  isCameraOn: (peerId: PeerId) => boolean;
  /** A move began. */
  onMove: (topology: Topology) => void;
  switchTimeoutMs?: number;
}

/** The old path closes at the latest this long after a move began. */
const SWITCH_TIMEOUT_MS = 5000;
/** Ufrags remembered to route candidates. */
const UFRAGS_MAX = 256;

export class TopologySwitch implements MediaTransport {
  readonly #events = new Emitter<TransportEvents>();
  readonly #options: TopologySwitchOptions;
  readonly #peers = new Map<PeerId, Peer>();
  readonly #offs = new Map<MediaTransport, (() => void)[]>();
  #current: MediaTransport;
  /** The path people not switched yet still get their media from. */
  #old: MediaTransport | null = null;
  /** Paths finishing their file transfers. */
  readonly #retiring = new Set<MediaTransport>();
  readonly #pending = new Set<PeerId>();
  /** The new path's latest stream of each person, shown once they switch. */
  readonly #latest = new Map<PeerId, MediaStream | null>();
  readonly #badCounts = new Map<MediaTransport, Map<PeerId, number>>();
  readonly #firstTime = new FirstTimeFilter();
  /** The path each `peerId\nufrag` of a description went to: its candidates may come first. */
  readonly #ufragPaths = new Map<string, MediaTransport>();
  #view: ViewHints = { tiles: new Map(), speaker: null, pinned: null };
  #timer: TimerHandle | null = null;
  readonly #chatReplay: ChatReplay;
  /** The move in progress is to another media server: recent chat is said again after it. */
  #isServerChange = false;

  constructor(options: TopologySwitchOptions) {
    this.#options = options;
    this.#chatReplay = new ChatReplay(options.clock, (message) => this.#current.broadcast(message));
    this.#current = options.create(options.topology);
    this.#wire(this.#current);
  }

  get topology(): Topology {
    return this.#current.topology;
  }

  /** Whether a move is still in progress (the old path carries someone's media). */
  get isSwitching(): boolean {
    return this.#old !== null;
  }

  on<K extends keyof TransportEvents>(event: K, listener: (payload: TransportEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  /**
   * The room's media moves to `topology`. Towards the media server while already there, the
   * server lost our session (it says so this way): we publish and subscribe afresh, the same way.
   */
  moveTo(topology: Topology): void {
    if (topology === 'mesh' && this.#current.topology === 'mesh') return;
    if (this.#old) this.#finishSwitch();
    const old = this.#current;
    this.#isServerChange = topology === 'sfu' && old.topology === 'sfu';
    const next = this.#options.create(topology);
    this.#old = old;
    this.#current = next;
    this.#latest.clear();
    this.#wire(next);
    next.setView(this.#view);
    for (const peer of this.#peers.values()) {
      this.#pending.add(peer.id);
      next.connect(peer, this.#options.selfId > peer.id);
    }
    this.#options.onMove(topology);
    if (this.#pending.size === 0) return this.#finishSwitch();
    const timeoutMs = this.#options.switchTimeoutMs ?? SWITCH_TIMEOUT_MS;
    this.#timer = this.#options.clock.setTimeout(() => this.#finishSwitch(), timeoutMs);
  }

  connect(peer: Peer, weStart: boolean): void {
    this.#peers.set(peer.id, peer);
    this.#current.connect(peer, weStart);
  }

  disconnect(peerId: PeerId): void {
    this.#peers.delete(peerId);
    this.#latest.delete(peerId);
    for (const path of this.#paths()) path.disconnect(peerId);
    if (this.#pending.delete(peerId) && this.#pending.size === 0) this.#finishSwitch();
  }

  isConnectedTo(peerId: PeerId): boolean {
    return this.#current.isConnectedTo(peerId) || (this.#old?.isConnectedTo(peerId) ?? false);
  }

  handleSignal(from: PeerId, data: SignalData): void {
    const paths = this.#signalPaths(from, data);
    const ufrag = 'description' in data ? iceUfrag(data.description.sdp) : null;
    if (ufrag && paths[0]) this.#ufragPaths.set(`${from}\n${ufrag}`, paths[0]);
    if (this.#ufragPaths.size > UFRAGS_MAX)
      this.#ufragPaths.delete(this.#ufragPaths.keys().next().value ?? '');
    for (const path of paths) path.handleSignal(from, data);
  }

  handleMedia(message: MediaServerMessage): void {
    const sfu = [this.#current, this.#old].find((path) => path?.topology === 'sfu');
    sfu?.handleMedia(message);
  }

  offersSent(): Promise<void> {
    return this.#current.offersSent?.() ?? Promise.resolve();
  }

  remoteUfrag(peerId: PeerId): string | null {
    return this.#current.remoteUfrag(peerId);
  }

  setLocalTracks(tracks: LocalTracks): void {
    this.#current.setLocalTracks(tracks);
    this.#old?.setLocalTracks(tracks);
  }

  broadcast(message: PeerMessage): void {
    this.#chatReplay.sent(message);
    this.#current.broadcast(message);
    this.#old?.broadcast(message);
  }

  sendTo(peerId: PeerId, message: PeerMessage): void {
    this.#current.sendTo(peerId, message);
  }

  link(peerId: PeerId): SenderLink | null {
    return this.#current.link(peerId);
  }

  recover(): void {
    for (const path of this.#paths()) path.recover();
  }

  connectionState(peerId: PeerId): RTCPeerConnectionState | null {
    return this.#pathOf(peerId).connectionState(peerId);
  }

  hasConnected(peerId: PeerId): boolean {
    return this.#pathOf(peerId).hasConnected(peerId);
  }

  getStats(peerId: PeerId): Promise<RTCStatsReport | null> {
    return this.#pathOf(peerId).getStats(peerId);
  }

  audioLevel(peerId: PeerId): number {
    return this.#pathOf(peerId).audioLevel(peerId);
  }

  verificationCode(peerId: PeerId): Promise<string | null> {
    return this.#pathOf(peerId).verificationCode(peerId);
  }

  setView(view: ViewHints): void {
    this.#view = view;
    this.#current.setView(view);
    this.#old?.setView(view);
  }

  retire(onDone: () => void): void {
    if (this.#old) this.#finishSwitch();
    this.#current.retire(onDone);
  }

  restart(peerId: PeerId): void {
    this.#pathOf(peerId).restart(peerId);
  }

  setAway(peerId: PeerId, isAway: boolean): void {
    for (const path of this.#paths()) path.setAway(peerId, isAway);
  }

  close(): void {
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = null;
    for (const path of this.#paths()) path.close();
    for (const offs of this.#offs.values()) for (const off of offs) off();
    this.#offs.clear();
    this.#old = null;
    this.#retiring.clear();
    this.#events.clear();
    this.#chatReplay.close();
  }

  #paths(): MediaTransport[] {
    return [this.#current, ...(this.#old ? [this.#old] : []), ...this.#retiring];
  }

  /** The path someone's media comes on now. */
  #pathOf(peerId: PeerId): MediaTransport {
    return this.#old && this.#pending.has(peerId) ? this.#old : this.#current;
  }

  /** Whether an event of `path` about `peerId`'s media is what people should see. */
  #isShown(path: MediaTransport, peerId: PeerId): boolean {
    return path === this.#pathOf(peerId);
  }

  #signalPaths(from: PeerId, data: SignalData): MediaTransport[] {
    const live = [this.#current, ...(this.#old ? [this.#old] : []), ...this.#retiring];
    if ('candidate' in data) {
      if (data.candidate === null) return live;
      // One path, nothing to choose: asking a connection for its ufrag reads its description,
      // which blocks the page on the browser's WebRTC thread, candidate after candidate.
      if (live.length === 1) return live;
      // By ufrag: the path its description went to (a connection applies one some time after it
      // arrives), or whose connection applied it; else any path with a connection to them.
      const ufrag = candidateUfrag(data.candidate);
      const routed = this.#ufragPaths.get(`${from}\n${ufrag}`);
      const owner = live.find(
        (path) => path === routed || (ufrag !== null && path.remoteUfrag(from) === ufrag),
      );
      return [owner ?? live.find((path) => path.remoteUfrag(from) !== null) ?? this.#current];
    }
    if (data.description.type === 'rollback') return [];
    // Only a mesh connection carries media; a data-only description is a file link's.
    const isMesh = hasMediaSection(data.description.sdp);
    const mesh = live.find((path) => path.topology === 'mesh');
    const sfu = live.find((path) => path.topology === 'sfu');
    if (!isMesh) return [sfu ?? this.#current];
    if (mesh === this.#current) return [mesh];
    return mesh?.isConnectedTo(from) ? [mesh] : [];
  }

  #wire(path: MediaTransport): void {
    const events = this.#events;
    this.#offs.set(path, [
      path.on('remote-stream', ({ peerId, stream }) => {
        if (path === this.#current) this.#latest.set(peerId, stream);
        if (this.#isShown(path, peerId)) events.emit('remote-stream', { peerId, stream });
      }),
      path.on(
        'connection-state',
        (event) => this.#isShown(path, event.peerId) && events.emit('connection-state', event),
      ),
      path.on('negotiated', (event) => this.#isShown(path, event.peerId) && events.emit('negotiated', event)),
      path.on('media-arrived', ({ peerId, kind }) => this.#onArrived(path, peerId, kind)),
      path.on(
        'message',
        (event) => this.#firstTime.pass(event.peerId, event.message) && events.emit('message', event),
      ),
      path.on('bad-message', ({ peerId, count }) => this.#onBadMessage(path, peerId, count)),
      path.on('channel-open', (event) => path === this.#current && events.emit('channel-open', event)),
      path.on('datachannel', (event) => events.emit('datachannel', event)),
      path.on('video-layer', (event) => path === this.#current && events.emit('video-layer', event)),
    ]);
  }

  #onArrived(path: MediaTransport, peerId: PeerId, kind: MediaKind): void {
    if (path === this.#current && this.#pending.has(peerId)) {
      if (kind === 'video' || !this.#options.isCameraOn(peerId)) this.#switchPerson(peerId);
    }
    if (this.#isShown(path, peerId)) this.#events.emit('media-arrived', { peerId, kind });
  }

  /** Someone's media now comes on the new path. */
  #switchPerson(peerId: PeerId): void {
    this.#pending.delete(peerId);
    const next = this.#current;
    if (this.#latest.has(peerId))
      this.#events.emit('remote-stream', { peerId, stream: this.#latest.get(peerId) ?? null });
    const state = next.connectionState(peerId);
    if (state) this.#events.emit('connection-state', { peerId, state });
    if (next.topology === 'mesh') this.#events.emit('video-layer', { peerId, layer: null });
    this.#events.emit('negotiated', { peerId });
    if (this.#pending.size === 0) this.#finishSwitch();
  }

  #finishSwitch(): void {
    this.#options.clock.clearTimeout(this.#timer);
    this.#timer = null;
    // Whoever has not switched by now gets what the new path has (the old one stops).
    for (const peerId of [...this.#pending]) this.#switchPerson(peerId);
    const old = this.#old;
    if (!old) return;
    this.#old = null;
    if (this.#isServerChange) this.#chatReplay.replay();
    this.#isServerChange = false;
    this.#retiring.add(old);
    old.retire(() => {
      this.#retiring.delete(old);
      for (const off of this.#offs.get(old) ?? []) off();
      this.#offs.delete(old);
      this.#badCounts.delete(old);
      for (const [key, path] of this.#ufragPaths) if (path === old) this.#ufragPaths.delete(key);
      old.close();
    });
  }

  /** Each path counts someone's bad messages on its own: people see the sum. */
  #onBadMessage(path: MediaTransport, peerId: PeerId, count: number): void {
    const counts = this.#badCounts.get(path) ?? new Map<PeerId, number>();
    counts.set(peerId, count);
    this.#badCounts.set(path, counts);
    let total = 0;
    for (const perPath of this.#badCounts.values()) total += perPath.get(peerId) ?? 0;
    this.#events.emit('bad-message', { peerId, count: total });
  }
}
