/* eslint-disable svelte/prefer-svelte-reactivity -- the Maps/Sets/URLs here are private bookkeeping that is never rendered; reactive state is in $state fields. */
/**
 * One person's call in one room: signaling, one PeerSession per other person, the chat,
 * the errors and transient states the page shows. The page renders this state and calls
 * its methods; it never touches a socket or an RTCPeerConnection itself.
 */
import {
  ChatMessage,
  DisplayName,
  errorMessage,
  LIMITS,
  type ErrorCode,
  type IceServer,
  type JoinedMessage,
  type Peer,
  type PeerId,
  type PeerMessage,
  type SignalData,
  type StatusMessage,
} from '@app/protocol';
import { Emitter } from '../events.ts';
import { PersistentChatLog } from '../history/PersistentChatLog.svelte.ts';
import { randomBase64Url, randomMessageId } from '../ids.ts';
import { mediaProblemMessage } from '../media/constraints.ts';
import { describeConnection, gatherCandidateKinds, serverKinds } from '../rtc/connectionCheck.ts';
import { PeerSession, type LocalTracks } from '../rtc/PeerSession.ts';
import { verificationCode } from '../rtc/verification.ts';
import { SignalClient, type SignalState } from '../signaling/SignalClient.ts';
import { summarizeStats, type StatsSample } from '../stats/summarize.ts';
import { loadName, loadResumeToken, rememberRoom, saveName, saveResumeToken } from '../storage.ts';
import type { LocalMedia } from './local-media.svelte.ts';
import { Participant } from './participant.svelte.ts';

export type CallPhase = 'prejoin' | 'joining' | 'in-call' | 'ended';

export interface CallAlert {
  id: string;
  text: string;
}

export interface CallOptions {
  room: string;
  media: LocalMedia;
  relayOnly?: boolean;
  signalUrl?: string;
  createSignalClient?: (url: string) => SignalClient;
  createPeerConnection?: (config: RTCConfiguration) => RTCPeerConnection;
}

/** Hooks for features built on the call (photos, files, screen sharing). */
type CallEvents = {
  /** Any valid peer message other than chat and status. */
  'peer-message': (peerId: PeerId, message: PeerMessage) => void;
  /** A data channel the remote side opened (e.g. `file:<id>`). */
  datachannel: (peerId: PeerId, channel: RTCDataChannel) => void;
  'session-added': (peerId: PeerId, session: PeerSession) => void;
  'session-removed': (peerId: PeerId) => void;
};

/** Buttons whose behaviour lives in feature modules; each registers itself here. */
export interface CallFeatures {
  shareScreen?: () => void | Promise<void>;
  sendFile?: () => void | Promise<void>;
  takePhoto?: () => void | Promise<void>;
}

export function defaultSignalUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

/** A peer whose connection stays failed this long after ICE restarts is reported as failed. */
const FAILED_AFTER_MS = 20_000;
const SPEAKER_POLL_MS = 250;
const STATS_POLL_MS = 1000;
const SPEAKING_LEVEL = 0.04;
/** Slack on top of the server's resume grace before an unlisted peer counts as gone. */
const UNCONFIRMED_EXTRA_MS = 5000;

export class CallController {
  readonly room: string;
  readonly media: LocalMedia;
  readonly relayOnly: boolean;
  /** Remembered in this browser per room (IndexedDB), restored when the page opens again. */
  readonly chat: PersistentChatLog;

  phase: CallPhase = $state('prejoin');
  name = $state(loadName());
  password = $state('');
  selfId: PeerId | null = $state(null);
  participants: Participant[] = $state([]);
  signalState: SignalState = $state('idle');
  capacity = $state<number>(LIMITS.roomCapacity);
  /** A refused join or a lost call: shown in the alert area until the next attempt. */
  joinError: { code: ErrorCode | 'name' | 'lost'; text: string } | null = $state(null);
  /** Polite announcement for screen readers: people joining and leaving. */
  announcement = $state('');
  notice = $state('');
  isStatsOpen = $state(false);
  isSharingScreen = $state(false);
  activeSpeakerId: PeerId | 'self' | null = $state(null);
  /** Pre-call network test: null before it ran, [] while it runs, then one line per way. */
  connectionCheck: string[] | null = $state(null);
  isCheckingConnection = $state(false);
  /** Signaling frames or peer messages that were dropped as invalid. */
  badSignalFrames = $state(0);

  isReconnecting = $derived(
    (this.phase === 'in-call' || this.phase === 'joining') && this.signalState === 'reconnecting',
  );
  isRecovering = $derived(this.participants.some((p) => p.isRecovering));
  statusText = $derived(
    this.isReconnecting ? 'Reconnecting…' : this.isRecovering ? 'Connection lost, recovering' : null,
  );
  alerts: CallAlert[] = $derived(this.#alerts());

  readonly #events = new Emitter<CallEvents>();
  readonly #sessions = new Map<PeerId, PeerSession>();
  readonly #sessionCleanups = new Map<PeerId, () => void>();
  readonly #statsSamples = new Map<PeerId, StatsSample>();
  readonly #failTimers = new Map<PeerId, ReturnType<typeof setTimeout>>();
  readonly #firstFrames = new Set<PeerId>();
  /** Peers a resumed `joined` did not list, given the grace period to come back. */
  readonly #unconfirmed = new Map<PeerId, ReturnType<typeof setTimeout>>();
  readonly #options: CallOptions;
  #features: CallFeatures = {};
  #signal: SignalClient | null = null;
  /** A socket opened while the pre-join screen shows, handed to the first `join`. */
  #spareSignal: SignalClient | null = null;
  #screenTrack: MediaStreamTrack | null = null;
  #iceServers: IceServer[] = [];
  #joinClickedAt = 0;
  #usedStoredToken = false;
  #hasRetriedFresh = false;
  #speakerTimer: ReturnType<typeof setInterval> | null = null;
  #statsTimer: ReturnType<typeof setInterval> | null = null;
  #noticeTimer: ReturnType<typeof setTimeout> | null = null;
  #stopMediaListener: (() => void) | null = null;
  readonly #onOnline = () => this.#recoverNetwork();
  readonly #onPageHide = () => this.#leaveOnUnload();

  constructor(options: CallOptions) {
    this.#options = options;
    this.room = options.room;
    this.media = options.media;
    this.relayOnly = options.relayOnly ?? false;
    this.chat = new PersistentChatLog(options.room);
  }

  on<K extends keyof CallEvents>(event: K, listener: CallEvents[K]): () => void {
    return this.#events.on(event, listener);
  }

  registerFeatures(features: CallFeatures): void {
    this.#features = { ...this.#features, ...features };
  }

  get sessions(): ReadonlyMap<PeerId, PeerSession> {
    return this.#sessions;
  }

  /**
   * Opens the signaling socket while the pre-join screen shows, so that pressing Join only
   * sends the `join` frame: the connect was ~200 ms of the call set-up.
   */
  preconnect(): void {
    if (this.#spareSignal || this.#signal) return;
    const url = this.#options.signalUrl ?? defaultSignalUrl();
    const signal = this.#options.createSignalClient?.(url) ?? new SignalClient({ url });
    this.#spareSignal = signal;
    signal.connect();
  }

  /** Join pressed: validate, then connect and ask the server for a seat. */
  join(): void {
    performance.mark('call:join-click');
    this.#joinClickedAt = performance.now();
    this.media.resumeAudio();
    const name = DisplayName.safeParse(this.name);
    if (!name.success) {
      this.joinError = {
        code: 'name',
        text: 'Enter your name (up to 40 characters) so others know who you are, then press Join.',
      };
      return;
    }
    this.name = name.data;
    saveName(name.data);
    this.joinError = null;
    this.phase = 'joining';
    this.#signal?.close();
    const spare = this.#spareSignal;
    this.#spareSignal = null;
    const url = this.#options.signalUrl ?? defaultSignalUrl();
    const signal = spare ?? this.#options.createSignalClient?.(url) ?? new SignalClient({ url });
    this.#signal = signal;
    this.signalState = signal.state;
    signal.on('state', (state) => (this.signalState = state));
    signal.on('joined', (message) => this.#onJoined(message));
    signal.on('peer-joined', (peer) => this.#onPeerJoined(peer));
    signal.on('peer-left', (id) => this.#onPeerLeft(id));
    signal.on('signal', (from, data) => this.#onSignal(from, data));
    signal.on('error', (code, text) => this.#onServerError(code, text));
    signal.on('resume-token', (token) => saveResumeToken(this.room, token));
    const storedToken = loadResumeToken(this.room);
    this.#usedStoredToken = storedToken !== null;
    signal.join({
      room: this.room,
      name: this.name,
      password: this.password || undefined,
      resumeToken: storedToken,
    });
  }

  /**
   * Network test before joining. The ICE servers (with fresh TURN credentials) come from a
   * `joined` answer, so it joins a throwaway room of its own, leaves at once, and gathers
   * candidates against those servers.
   */
  async checkConnection(): Promise<void> {
    if (this.isCheckingConnection) return;
    this.isCheckingConnection = true;
    this.connectionCheck = [];
    try {
      const iceServers = await this.#fetchIceServers();
      if (!iceServers) {
        this.connectionCheck = [
          'The server could not be reached. Check your internet connection, then try again.',
        ];
        return;
      }
      const found = await gatherCandidateKinds(
        iceServers,
        this.#options.createPeerConnection
          ? { createPeerConnection: this.#options.createPeerConnection }
          : {},
      );
      this.connectionCheck = describeConnection({ found, ...serverKinds(iceServers) });
    } finally {
      this.isCheckingConnection = false;
    }
  }

  #fetchIceServers(): Promise<IceServer[] | null> {
    const url = this.#options.signalUrl ?? defaultSignalUrl();
    const signal = this.#options.createSignalClient?.(url) ?? new SignalClient({ url });
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish(null), 8000);
      const finish = (servers: IceServer[] | null) => {
        clearTimeout(timer);
        signal.leave();
        resolve(servers);
      };
      signal.on('joined', (message) => finish(message.iceServers));
      signal.on('error', () => finish(null));
      signal.join({ room: `check-${randomBase64Url(16)}`, name: 'Connection check' });
    });
  }

  toggleMicrophone(): void {
    this.media.setMicOn(!this.media.isMicOn);
    // The track change reaches the peers (and the status message) through #sendTracks.
  }

  toggleCamera(): void {
    this.media.setCameraOn(!this.media.isCameraOn);
  }

  /**
   * Screen sharing sends the screen INSTEAD of the camera on each connection's one video
   * sender (replaceTrack, no renegotiation); null puts the camera back.
   */
  setSharingScreen(isSharing: boolean, track: MediaStreamTrack | null = null): void {
    this.isSharingScreen = isSharing;
    this.#screenTrack = isSharing ? track : null;
    this.#sendTracks();
  }

  toggleStats(): void {
    this.isStatsOpen = !this.isStatsOpen;
    if (this.isStatsOpen) {
      void this.#pollStats();
      this.#statsTimer ??= setInterval(() => void this.#pollStats(), STATS_POLL_MS);
    } else if (this.#statsTimer) {
      clearInterval(this.#statsTimer);
      this.#statsTimer = null;
    }
  }

  shareScreen(): void {
    void this.#runFeature(this.#features.shareScreen, 'Screen sharing');
  }

  sendFile(): void {
    void this.#runFeature(this.#features.sendFile, 'Sending files');
  }

  takePhoto(): void {
    void this.#runFeature(this.#features.takePhoto, 'Photos');
  }

  sendChat(text: string): boolean {
    const message = { type: 'chat', id: randomMessageId(), text: text.trim(), sentAt: Date.now() } as const;
    if (!ChatMessage.safeParse(message).success) return false;
    this.broadcast(message);
    this.chat.add({
      kind: 'text',
      id: message.id,
      senderName: this.name,
      isOwn: true,
      text: message.text,
      sentAt: message.sentAt,
    });
    return true;
  }

  /** Sends a peer message to everyone on the chat channel. */
  broadcast(message: PeerMessage): void {
    for (const session of this.#sessions.values()) session.send(message);
  }

  sendTo(peerId: PeerId, message: PeerMessage): void {
    this.#sessions.get(peerId)?.send(message);
  }

  participantName(peerId: PeerId): string {
    return this.participants.find((p) => p.id === peerId)?.name ?? 'Someone';
  }

  async copyLink(): Promise<void> {
    const link = `${location.origin}/r/${encodeURIComponent(this.room)}`;
    try {
      await navigator.clipboard.writeText(link);
      this.#showNotice('Link copied. Send it to the people you want to talk to.');
    } catch {
      this.#showNotice(`Copy this link: ${link}`);
    }
  }

  /** The first frame of a remote video was shown: set-up time for the stats panel. */
  markFirstFrame(peerId: PeerId): void {
    if (this.#firstFrames.has(peerId)) return;
    this.#firstFrames.add(peerId);
    performance.mark(`call:first-remote-frame:${peerId}`);
    const session = this.#sessions.get(peerId);
    const participant = this.#participant(peerId);
    if (!participant) return;
    // For people already here when we joined, set-up runs from our Join click; for people
    // who came later, from when we learned about them.
    const start = session && !session.isInitiator ? session.createdAt : this.#joinClickedAt;
    participant.setupTimeMs = Math.round(performance.now() - start);
  }

  /** Hang up: leave the room and release every track, connection, timer and listener. */
  hangUp(): void {
    saveResumeToken(this.room, null);
    this.close();
    this.phase = 'ended';
  }

  close(): void {
    // Leaving the page by any route (back button, another room) leaves the room at once.
    this.#leaveRoom();
    this.participants = [];
    this.#stopTimers();
    this.#stopMediaListener?.();
    this.#stopMediaListener = null;
    window.removeEventListener('online', this.#onOnline);
    window.removeEventListener('pagehide', this.#onPageHide);
    this.media.close();
    this.chat.clear();
    this.#events.clear();
  }

  #onJoined(message: JoinedMessage): void {
    this.#hasRetriedFresh = false;
    const isFirstJoin = this.phase !== 'in-call';
    const isSameSeat = this.selfId === message.self;
    this.selfId = message.self;
    this.#iceServers = message.iceServers;
    this.capacity = message.capacity;
    if (isFirstJoin) {
      this.#enterCall(message);
      return;
    }
    if (!isSameSeat) {
      // The seat was lost (the server restarted without our state, or the hold expired):
      // we are a newcomer again, so every connection is negotiated afresh.
      for (const id of [...this.#sessions.keys()]) this.#removeSession(id);
      this.participants = [];
    }
    this.#reconcile(message.peers);
  }

  #enterCall(message: JoinedMessage): void {
    this.phase = 'in-call';
    this.joinError = null;
    rememberRoom(this.room);
    this.#stopMediaListener = this.media.onSentTracksChange(() => this.#sendTracks());
    window.addEventListener('online', this.#onOnline);
    window.addEventListener('pagehide', this.#onPageHide);
    this.#speakerTimer = setInterval(() => this.#updateSpeaker(), SPEAKER_POLL_MS);
    // As the newcomer we offer to everyone already here (negotiation order, see README).
    for (const peer of message.peers) this.#addSession(peer, true);
    const others = message.peers.length;
    this.#announce(
      others === 0
        ? 'You joined. Nobody else is here yet.'
        : `You joined. ${message.peers.map((p) => p.name).join(', ')} ${others === 1 ? 'is' : 'are'} here.`,
    );
  }

  /**
   * After a resume the server lists the peers it knows; it then replays what happened while
   * we were away. Live sessions are kept; people we never saw get an offer from us.
   *
   * Someone missing from the list is not gone yet: after a server restart the others come
   * back one by one, each within the resume grace. Only `peer-left` removes a person, or a
   * person who is still unlisted after the grace period AND whose connection is down.
   */
  #reconcile(peers: Peer[]): void {
    const listed = new Set(peers.map((p) => p.id));
    for (const id of this.#sessions.keys()) {
      if (!listed.has(id)) this.#expectBack(id);
    }
    for (const peer of peers) {
      this.#confirmPresent(peer.id);
      const participant = this.#participant(peer.id);
      if (participant) participant.name = peer.name;
      if (!this.#sessions.has(peer.id)) this.#addSession(peer, true);
    }
  }

  #expectBack(id: PeerId): void {
    if (this.#unconfirmed.has(id)) return;
    const timer = setTimeout(() => {
      this.#unconfirmed.delete(id);
      if (this.#sessions.get(id)?.connectionState !== 'connected') this.#onPeerLeft(id);
    }, LIMITS.resumeGraceMs + UNCONFIRMED_EXTRA_MS);
    this.#unconfirmed.set(id, timer);
  }

  #confirmPresent(id: PeerId): void {
    const timer = this.#unconfirmed.get(id);
    if (timer) clearTimeout(timer);
    this.#unconfirmed.delete(id);
  }

  #onPeerJoined(peer: Peer): void {
    if (this.phase !== 'in-call') return;
    this.#confirmPresent(peer.id);
    const existing = this.#participant(peer.id);
    if (existing && this.#sessions.has(peer.id)) {
      // A resumed peer: its connection to us is still alive; keep it.
      existing.name = peer.name;
      return;
    }
    this.#addSession(peer, false);
    this.#announce(`${peer.name} joined.`);
  }

  #onPeerLeft(id: PeerId): void {
    this.#confirmPresent(id);
    const participant = this.#participant(id);
    if (!participant) return;
    this.#removeSession(id);
    this.participants = this.participants.filter((p) => p.id !== id);
    this.#firstFrames.delete(id);
    this.#announce(`${participant.name} left.`);
  }

  #onSignal(from: PeerId, data: SignalData): void {
    if (this.phase !== 'in-call') return;
    let session = this.#sessions.get(from);
    if (session?.isFromNewIncarnation(data)) {
      // The peer reloaded and took its seat back: its old connection cannot be reused.
      const name = this.participantName(from);
      this.#removeSession(from);
      session = this.#addSession({ id: from, name }, false);
    }
    if (!session) {
      // An offer from someone we have not been told about yet: answer it.
      if (!('description' in data) || data.description.type !== 'offer') return;
      session = this.#addSession({ id: from, name: 'Guest' }, false);
    }
    void session.handleSignal(data);
  }

  #onServerError(code: ErrorCode, text: string): void {
    const isJoining = !this.#signal?.isJoined;
    if (!isJoining) {
      // Refusals of single signals (a peer that just left, a burst over the rate) heal by
      // themselves: the peer-left follows, or negotiation runs again.
      return;
    }
    const isResuming = this.#usedStoredToken || (this.phase === 'in-call' && !this.#hasRetriedFresh);
    if (isResuming && code !== 'room-full' && code !== 'wrong-password') {
      // A resume token the server no longer accepts (expired, or a restarted server with a
      // new key): join as a new person; #onJoined then renegotiates every connection.
      this.#usedStoredToken = false;
      this.#hasRetriedFresh = true;
      saveResumeToken(this.room, null);
      this.#signal?.join({ room: this.room, name: this.name, password: this.password || undefined });
      return;
    }
    const wasInCall = this.phase === 'in-call';
    this.#signal?.close();
    this.#signal = null;
    this.signalState = 'idle';
    if (wasInCall) {
      for (const id of [...this.#sessions.keys()]) this.#removeSession(id);
      this.participants = [];
      this.#stopTimers();
    }
    this.phase = 'prejoin';
    this.joinError = { code, text: this.#explain(code, text) };
  }

  #explain(code: ErrorCode, text: string): string {
    switch (code) {
      case 'room-full':
        return 'This room is full. Try again when someone leaves, or start a new room from the start page.';
      case 'wrong-password':
        return this.password
          ? 'That password is not right for this room. Check the password with the person who shared the link and try again.'
          : 'This room needs a password. Enter the room password below and press Join.';
      default:
        return text || errorMessage(code);
    }
  }

  #addSession(peer: Peer, isInitiator: boolean): PeerSession {
    const selfId = this.selfId;
    const signal = this.#signal;
    if (!selfId || !signal) throw new Error('Not in a room');
    let participant = this.#participant(peer.id);
    if (!participant) {
      participant = new Participant(peer.id, peer.name);
      this.participants.push(participant);
      participant = this.#participant(peer.id) ?? participant;
    }
    const session = new PeerSession({
      selfId,
      peerId: peer.id,
      iceServers: this.#iceServers,
      relayOnly: this.relayOnly,
      isInitiator,
      localTracks: this.#outgoingTracks(),
      ...(this.media.outboundStream ? { localStream: this.media.outboundStream } : {}),
      sendSignal: (data) => this.#signal?.sendSignal(peer.id, data),
      ...(this.#options.createPeerConnection
        ? { createPeerConnection: this.#options.createPeerConnection }
        : {}),
    });
    this.#sessions.set(peer.id, session);
    const target = participant;
    const offs = [
      session.on('remote-stream', (stream) => (target.stream = stream)),
      session.on('message', (message) => this.#onPeerMessage(target, message)),
      session.on('bad-message', (count) => (target.badMessages = count)),
      session.on('connection-state', (state) => this.#onConnectionState(target, session, state)),
      session.on('chat-open', () => session.send(this.#status())),
      session.on('negotiated', () => void this.#updateVerification(target, session)),
      session.on('datachannel', (channel) => this.#events.emit('datachannel', peer.id, channel)),
    ];
    this.#sessionCleanups.set(peer.id, () => offs.forEach((off) => off()));
    target.connectionState = session.connectionState;
    this.#events.emit('session-added', peer.id, session);
    return session;
  }

  #removeSession(id: PeerId): void {
    this.#sessionCleanups.get(id)?.();
    this.#sessionCleanups.delete(id);
    this.#sessions.get(id)?.close();
    this.#sessions.delete(id);
    this.#statsSamples.delete(id);
    const timer = this.#failTimers.get(id);
    if (timer) clearTimeout(timer);
    this.#failTimers.delete(id);
    const participant = this.#participant(id);
    if (participant) participant.stream = null;
    this.#events.emit('session-removed', id);
  }

  #onConnectionState(participant: Participant, session: PeerSession, state: RTCPeerConnectionState): void {
    participant.connectionState = state;
    if (state === 'connected') {
      participant.hasConnected = true;
      participant.hasFailed = false;
      const timer = this.#failTimers.get(participant.id);
      if (timer) clearTimeout(timer);
      this.#failTimers.delete(participant.id);
      void this.#updateVerification(participant, session);
      return;
    }
    if ((state === 'failed' || state === 'disconnected') && !this.#failTimers.has(participant.id)) {
      this.#failTimers.set(
        participant.id,
        setTimeout(() => {
          this.#failTimers.delete(participant.id);
          if (session.connectionState !== 'connected') participant.hasFailed = true;
        }, FAILED_AFTER_MS),
      );
    }
  }

  #onPeerMessage(participant: Participant, message: PeerMessage): void {
    switch (message.type) {
      case 'chat':
        this.chat.add({
          kind: 'text',
          id: message.id,
          senderName: participant.name,
          isOwn: false,
          text: message.text,
          sentAt: message.sentAt,
        });
        return;
      case 'status':
        participant.isMicOn = message.isMicOn;
        participant.isCameraOn = message.isCameraOn;
        participant.isSharingScreen = message.isSharingScreen;
        return;
      default:
        this.#events.emit('peer-message', participant.id, message);
    }
  }

  async #updateVerification(participant: Participant, session: PeerSession): Promise<void> {
    try {
      participant.verificationCode = await verificationCode(
        session.localDescriptionSdp,
        session.remoteDescriptionSdp,
      );
    } catch {
      participant.verificationCode = null;
    }
  }

  #status(): StatusMessage {
    return {
      type: 'status',
      isMicOn: this.media.isMicOn && this.media.hasMicrophone,
      isCameraOn: this.media.isCameraOn && this.media.hasCamera,
      isSharingScreen: this.isSharingScreen,
    };
  }

  #broadcastStatus(): void {
    if (this.phase === 'in-call') this.broadcast(this.#status());
  }

  #outgoingTracks(): LocalTracks {
    const tracks = this.media.sentTracks;
    return this.#screenTrack ? { audio: tracks.audio, video: this.#screenTrack } : tracks;
  }

  #sendTracks(): void {
    const tracks = this.#outgoingTracks();
    for (const session of this.#sessions.values()) session.setLocalTracks(tracks);
    this.#broadcastStatus();
  }

  /** The network came back or changed: restart ICE everywhere and re-check the socket. */
  #recoverNetwork(): void {
    for (const session of this.#sessions.values()) {
      if (session.connectionState !== 'connected') session.restartIce();
    }
    if (this.signalState !== 'open') this.#signal?.reconnectNow();
  }

  /**
   * Closing the tab or reloading leaves the room at once, so the others' tile goes away
   * immediately instead of after the server's hold period.
   */
  #leaveOnUnload(): void {
    saveResumeToken(this.room, null);
    this.#leaveRoom();
  }

  /** Sends `leave`, drops both sockets and closes every peer connection. */
  #leaveRoom(): void {
    this.#signal?.leave();
    this.#signal = null;
    this.#spareSignal?.close();
    this.#spareSignal = null;
    for (const id of [...this.#sessions.keys()]) this.#removeSession(id);
  }

  #updateSpeaker(): void {
    let loudestId: PeerId | 'self' | null = null;
    let loudest = SPEAKING_LEVEL;
    for (const participant of this.participants) {
      const receiver = this.#sessions.get(participant.id)?.audioReceiver;
      const level = receiver?.getSynchronizationSources?.()[0]?.audioLevel ?? 0;
      participant.audioLevel = participant.isMicOn ? level : 0;
      if (participant.audioLevel > loudest) {
        loudest = participant.audioLevel;
        loudestId = participant.id;
      }
    }
    const ownLevel = this.media.micLevel() * 0.5;
    if (ownLevel > loudest) loudestId = 'self';
    // Keep the highlight where it is during short pauses, so it does not flicker.
    if (loudestId !== null || this.participants.length === 0) this.activeSpeakerId = loudestId;
  }

  async #pollStats(): Promise<void> {
    const now = performance.now();
    await Promise.all(
      [...this.#sessions.entries()].map(async ([id, session]) => {
        const participant = this.#participant(id);
        if (!participant) return;
        try {
          const report = await session.getStats();
          const { stats, sample } = summarizeStats(report, this.#statsSamples.get(id) ?? null, now);
          this.#statsSamples.set(id, sample);
          participant.stats = stats;
        } catch {
          // The connection closed between the poll and now.
        }
      }),
    );
  }

  async #runFeature(run: (() => void | Promise<void>) | undefined, what: string): Promise<void> {
    if (!run) {
      this.#showNotice(`${what} will be available soon.`);
      return;
    }
    try {
      await run();
    } catch {
      this.#showNotice(`${what} did not work. Please try again.`);
    }
  }

  #participant(id: PeerId): Participant | undefined {
    return this.participants.find((p) => p.id === id);
  }

  #announce(text: string): void {
    this.announcement = text;
  }

  #showNotice(text: string): void {
    this.notice = text;
    if (this.#noticeTimer) clearTimeout(this.#noticeTimer);
    this.#noticeTimer = setTimeout(() => (this.notice = ''), 5000);
  }

  #stopTimers(): void {
    if (this.#speakerTimer) clearInterval(this.#speakerTimer);
    if (this.#statsTimer) clearInterval(this.#statsTimer);
    if (this.#noticeTimer) clearTimeout(this.#noticeTimer);
    for (const timer of this.#failTimers.values()) clearTimeout(timer);
    this.#failTimers.clear();
    for (const timer of this.#unconfirmed.values()) clearTimeout(timer);
    this.#unconfirmed.clear();
    this.#speakerTimer = null;
    this.#statsTimer = null;
    this.#noticeTimer = null;
  }

  #alerts(): CallAlert[] {
    const alerts: CallAlert[] = [];
    if (this.joinError) alerts.push({ id: `join-${this.joinError.code}`, text: this.joinError.text });
    const media =
      this.phase === 'in-call'
        ? mediaProblemMessage(this.media.cameraProblem, this.media.microphoneProblem, true)
        : this.media.problemMessage;
    if (media) alerts.push({ id: 'media', text: media });
    for (const participant of this.participants) {
      if (!participant.hasFailed) continue;
      alerts.push({
        id: `peer-${participant.id}`,
        text: `The connection to ${participant.name} failed. Check your network; if it keeps failing, hang up and join again.`,
      });
    }
    return alerts;
  }
}
