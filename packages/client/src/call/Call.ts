/**
 * One person's call in one room, without any UI: the signaling connection, the media
 * transport (the seam behind which the mesh or the media server lives, and the moves between
 * them: TopologySwitch), the roster of the others, the seat and its resume, chat, screen
 * share, stats and the active speaker. A UI reads the getters, listens to `on(...)` and calls
 * the methods; `close()` releases every socket, connection, track, timer and listener.
 */
import {
  ChatMessage,
  DisplayName,
  type IceServer,
  type JoinedMessage,
  type PeerId,
  type PeerMessage,
  type Topology,
} from '@app/protocol';
import { systemClock, type Clock } from '../clock.ts';
import { Emitter } from '../events.ts';
import type { SenderLink } from '../files/FileSender.ts';
import { randomMessageId } from '../ids.ts';
import { SpareConnection } from '../rtc/SpareConnection.ts';
import { SignalClient, type SignalState } from '../signaling/SignalClient.ts';
import type { Speaker } from '../stats/ActiveSpeaker.ts';
import { Attendance } from './Attendance.ts';
import { CallMedia } from './CallMedia.ts';
import { Hands } from './Hands.ts';
import type { CallEvents, CallOptions, CallPhase } from './CallTypes.ts';
import { listenToPage } from './pageEvents.ts';
import { Outgoing } from './Outgoing.ts';
import { Roster, type Participant } from './Roster.ts';
import { SeatPolicy, sessionResumeStore } from './SeatPolicy.ts';

export type * from './CallTypes.ts';

/** Slack on top of the server's resume grace before an unlisted person counts as gone. */
const ABSENCE_SLACK_MS = 5000;

export class Call {
  readonly room: string;
  readonly #options: CallOptions;
  readonly #clock: Clock;
  readonly #events = new Emitter<CallEvents>();
  readonly #roster = new Roster();
  readonly #seats: SeatPolicy;
  readonly #attendance: Attendance;
  readonly #outgoing: Outgoing;
  readonly #spare: SpareConnection;
  readonly #media: CallMedia;
  /** Our raised hand, everyone's in order of raising, and reactions. */
  readonly hands: Hands;
  readonly #cleanups: (() => void)[] = [];
  #phase: CallPhase = 'prejoin';
  #name = '';
  #password: string | undefined;
  #selfId: PeerId | null = null;
  #capacity = 0;
  #iceServers: IceServer[] = [];
  #signal: SignalClient | null = null;
  #joinClickedAt = 0;
  readonly #firstFrames = new Set<PeerId>();

  constructor(options: CallOptions) {
    this.#options = options;
    this.room = options.room;
    this.#clock = options.clock ?? systemClock;
    this.#seats = new SeatPolicy(options.room, options.resumeStore ?? sessionResumeStore);
    this.#attendance = new Attendance({
      roster: this.#roster,
      clock: this.#clock,
      transport: () => this.#media.transport,
      absenceWaitMs: (options.resumeGraceMs ?? 15_000) + ABSENCE_SLACK_MS,
      announce: (announcement) => this.#events.emit('announcement', announcement),
      onGone: (id) => {
        this.#media.forget(id);
        this.#firstFrames.delete(id);
      },
    });
    this.#outgoing = new Outgoing({
      media: options.media,
      getDisplayMedia: options.getDisplayMedia,
      onChange: () => this.#sendTracks(),
    });
    this.#outgoing.screen.events.on('change', (change) => this.#events.emit('screen', change));
    this.#outgoing.screen.events.on('error', (error) => this.#events.emit('screen-error', error));
    this.#spare = new SpareConnection(options.createPeerConnection);
    this.#media = new CallMedia({
      roster: this.#roster,
      clock: this.#clock,
      outgoing: this.#outgoing,
      media: options.media,
      relayOnly: options.relayOnly ?? false,
      createPeerConnection: options.createPeerConnection,
      takeSpare: (config) => this.#spare.take(config),
      signal: () => this.#signal,
      onMessage: (peerId, message) => this.#onPeerMessage(peerId, message),
      onDataChannel: (event) => this.#events.emit('datachannel', event),
      onSpeaker: (speaker) => this.#events.emit('active-speaker', speaker),
      onTopology: (topology, isMove) => this.#onTopology(topology, isMove),
    });
    this.hands = new Hands({ roster: this.#roster, selfName: () => this.#name, events: this.#events });
    this.#roster.events.on('added', (p) => this.#events.emit('participant-added', p));
    this.#roster.events.on('changed', (change) => this.#events.emit('participant-changed', change));
    this.#roster.events.on('removed', (p) => this.#events.emit('participant-removed', p));
  }

  on<K extends keyof CallEvents>(event: K, listener: (payload: CallEvents[K]) => void): () => void {
    return this.#events.on(event, listener);
  }

  get phase(): CallPhase {
    return this.#phase;
  }
  get selfId(): PeerId | null {
    return this.#selfId;
  }
  get name(): string {
    return this.#name;
  }
  get capacity(): number {
    return this.#capacity;
  }
  get signalState(): SignalState {
    return this.#signal?.state ?? 'idle';
  }
  get participants(): readonly Readonly<Participant>[] {
    return this.#roster.list();
  }
  get isSharingScreen(): boolean {
    return this.#outgoing.screen.isSharing;
  }
  get activeSpeaker(): Speaker {
    return this.#media.speaker;
  }
  /** How the room's media travels now (`sfu`: through the media server). */
  get topology(): Topology {
    return this.#media.topology;
  }

  participantName(id: PeerId): string | null {
    return this.#roster.name(id);
  }

  /**
   * Everything Join does not need to wait for, done on the pre-join screen: the signaling
   * socket opens, so Join only sends one frame, and the first connection the call starts is
   * made, warm and unused (see SpareConnection.ts).
   */
  preconnect(): void {
    this.#signalClient().connect();
    void this.#spare.prepare();
  }

  /** Asks for a seat. Returns false (and sends nothing) when `name` is not a valid display name. */
  join(params: { name: string; password?: string | undefined }): boolean {
    this.#joinClickedAt = this.#clock.now();
    globalThis.performance?.mark?.('call:join-click');
    const name = DisplayName.safeParse(params.name);
    if (!name.success) return false;
    this.#name = name.data;
    this.#password = params.password || undefined;
    this.#setPhase('joining');
    this.#signalClient().join(this.#seats.firstJoin(this.#name, this.#password));
    return true;
  }

  /**
   * Settles once the offers of the call's first connections are sent: a page draws the call
   * screen after it, so the offers do not wait behind the drawing (see MediaTransport).
   */
  offersSent(): Promise<void> {
    return this.#media.transport?.offersSent() ?? Promise.resolve();
  }

  /** Sends a chat line to everyone; returns the message sent, or null if it is not valid. */
  sendChat(text: string): ChatMessage | null {
    const parsed = ChatMessage.safeParse({ type: 'chat', id: randomMessageId(), text, sentAt: Date.now() });
    if (!parsed.success) return null;
    this.broadcast(parsed.data);
    return parsed.data;
  }

  broadcast(message: PeerMessage): void {
    this.#media.transport?.broadcast(message);
  }

  sendTo(peerId: PeerId, message: PeerMessage): void {
    this.#media.transport?.sendTo(peerId, message);
  }

  /** A direct data path to one person, for files (browser to browser, in both topologies). */
  link(peerId: PeerId): SenderLink | null {
    return this.#media.transport?.link(peerId) ?? null;
  }

  /** Sends the screen instead of the camera (replaceTrack: no renegotiation), or back. */
  toggleScreenShare(): Promise<void> {
    return this.#outgoing.screen.toggle();
  }

  /** A remote tile's size on screen in CSS pixels (null: not shown): how much video is worth receiving. */
  setTileSize(peerId: PeerId, size: { width: number; height: number } | null): void {
    this.#media.setTileSize(peerId, size);
  }

  /** The tile shown full screen, if any: it gets the best video the media server has. */
  setPinned(peerId: PeerId | null): void {
    this.#media.setPinned(peerId);
  }

  /** The stats panel opened or closed: figures every second while it shows, else every two. */
  setStatsPolling(isOn: boolean): void {
    this.#media.setStatsPolling(isOn);
  }

  /** The first frame of someone's video was shown: their set-up time. */
  markFirstFrame(peerId: PeerId): void {
    if (this.#firstFrames.has(peerId) || !this.#roster.has(peerId)) return;
    this.#firstFrames.add(peerId);
    globalThis.performance?.mark?.(`call:first-remote-frame:${peerId}`);
    const start = this.#attendance.learnedAt(peerId) ?? this.#joinClickedAt;
    this.#roster.update(peerId, { setupTimeMs: Math.round(this.#clock.now() - start) });
  }

  /** The network came back or changed: recover every broken path and check the socket. */
  recoverNetwork(): void {
    this.#media.transport?.recover();
    if (this.#signal && this.#signal.state !== 'open') this.#signal.reconnectNow();
  }

  /** Leaving on purpose: nothing to resume. Sends `leave` and releases everything. */
  hangUp(): void {
    this.#seats.forget();
    this.#setPhase('ended');
    this.close();
  }

  close(): void {
    this.#signal?.leave();
    this.#signal = null;
    this.#endCall();
    this.#outgoing.close();
    this.#spare.close();
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    this.#events.clear();
  }

  #signalClient(): SignalClient {
    if (this.#signal && this.#signal.state !== 'closed') return this.#signal;
    const { signalUrl, createSocket, random } = this.#options;
    const signal = new SignalClient({ url: signalUrl, clock: this.#clock, createSocket, random });
    this.#signal = signal;
    signal.on('state', (state) => this.#events.emit('signal-state', state));
    signal.on('joined', (message) => this.#onJoined(message));
    signal.on('peer-joined', (peer) => this.#phase === 'in-call' && this.#attendance.peerJoined(peer));
    signal.on('peer-left', ({ id, reason }) => this.#attendance.peerLeft(id, reason));
    signal.on('signal', ({ from, data }) => this.#phase === 'in-call' && this.#attendance.signal(from, data));
    signal.on('error', (refusal) => this.#onServerError(refusal));
    signal.on('resume-token', (token) => this.#seats.remember(token));
    signal.on('media-session', (token) => this.#seats.rememberMedia(token));
    signal.on('topology', (topology) => this.#phase === 'in-call' && this.#media.transport?.moveTo(topology));
    signal.on('media', (message) => this.#phase === 'in-call' && this.#media.transport?.handleMedia(message));
    this.hands.attach(signal);
    return signal;
  }

  #onJoined(message: JoinedMessage): void {
    const kind = this.#seats.classify(message, this.#selfId, this.#phase === 'in-call');
    const isNewIdentity = kind === 'new-identity' || this.#selfId !== message.self;
    this.#selfId = message.self;
    this.#iceServers = message.iceServers;
    this.#capacity = message.capacity;
    const topology = message.topology ?? 'mesh';
    if (kind === 'entered' || isNewIdentity) {
      if (kind !== 'entered') this.#attendance.clear();
      this.#media.renew(message.self, this.#iceServers, topology);
    } else {
      this.#media.keep(kind, topology);
    }
    this.#events.emit('joined', { self: message.self, capacity: message.capacity, kind });
    this.#attendance.seat(kind, message.peers, this.#signal?.recentFreezeMs ?? 0);
    // After the offers to everyone here have started, so `offersSent` covers them.
    if (kind === 'entered') this.#enterCall();
  }

  /** Leaving the media server, its session is nothing to take back any more. */
  #onTopology(topology: Topology, isMove: boolean): void {
    if (isMove && topology === 'mesh') {
      this.#seats.rememberMedia(null);
      this.#signal?.forgetMediaSession();
    }
    this.#events.emit('topology', topology);
  }

  #enterCall(): void {
    this.#spare.close(); // Our first connections took it; later ones are made afresh.
    this.#setPhase('in-call');
    const environment = this.#options.environment;
    const listeners = { online: () => this.recoverNetwork(), pagehide: () => this.#leaveOnUnload() };
    if (environment) this.#cleanups.push(listenToPage(environment, listeners));
    this.#media.start();
  }

  #onServerError(refusal: CallEvents['refused']): void {
    const { code } = refusal;
    // Refusals of single signals (someone who just left, a burst over the rate) heal by
    // themselves: the peer-left follows, or negotiation runs again.
    if (this.#signal?.isJoined) return;
    const isInCall = this.#phase === 'in-call';
    if (this.#seats.onRefused(code, isInCall) === 'retry-fresh') {
      this.#signal?.join(this.#seats.retryParams(this.#name, this.#password));
      return;
    }
    this.#signal?.close();
    this.#signal = null;
    this.#endCall();
    this.#setPhase('prejoin');
    this.#events.emit('refused', refusal);
  }

  #onPeerMessage(peerId: PeerId, message: PeerMessage): void {
    if (message.type === 'chat') this.#events.emit('chat', { peerId, message });
    else this.#events.emit('peer-message', { peerId, message });
  }

  #sendTracks(): void {
    this.#media.transport?.setLocalTracks(this.#outgoing.tracks);
    if (this.#phase === 'in-call') this.broadcast(this.#outgoing.status);
  }

  /** Closing the tab or reloading leaves at once, so the others' tile goes away now. */
  #leaveOnUnload(): void {
    this.#seats.forget();
    this.#signal?.leave();
    this.#signal = null;
    this.#endCall();
  }

  /** Every connection, person, timer and poll of the call ends; the page may join again. */
  #endCall(): void {
    this.#media.end();
    this.#attendance.clear();
    this.hands.reset();
  }

  #setPhase(phase: CallPhase): void {
    if (this.#phase === phase) return;
    this.#phase = phase;
    this.#events.emit('phase', phase);
  }
}
