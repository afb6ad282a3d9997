/**
 * The page's view of one call: @app/client's Call, mirrored into runes, plus what only the
 * page has: the words it shows (alerts, announcements, notices), the remembered name and
 * chat history, the pre-call network check and the stats panel toggle. Components render
 * these fields and call the methods; nothing here touches a socket or a peer connection.
 */
import {
  Call,
  checkNetwork,
  type Announcement,
  type CallOptions as ClientCallOptions,
  type CallPhase,
  type ConnectionReport,
  type SignalState,
  type Speaker,
  type Topology,
} from '@app/client';
import { DisplayName, LIMITS, warmUpParsers, type PeerId } from '@app/protocol';
import { PersistentChatLog } from '../history/PersistentChatLog.svelte.ts';
import { i18n } from '../i18n/locale.svelte.ts';
import { whenIdle } from '../idle.ts';
import { loadName, rememberRoom, saveName } from '../storage.ts';
import { describeConnection } from '../text/network.ts';
import { announcementText, callAlerts, type CallAlert, type JoinProblem } from '../text/call.ts';
import { CallGestures } from './gestures.svelte.ts';
import type { LocalMediaView } from './local-media.svelte.ts';
import { Participant } from './participant.svelte.ts';

export type { CallAlert, JoinProblem } from '../text/call.ts';
export type { CallPhase } from '@app/client';

export interface CallOptions {
  room: string;
  media: LocalMediaView;
  relayOnly?: boolean;
  signalUrl?: string;
  /** Tests hand in fakes; the page uses the browser's own. */
  createSocket?: ClientCallOptions['createSocket'];
  createPeerConnection?: ClientCallOptions['createPeerConnection'];
}

export function defaultSignalUrl(): string {
  return `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
}

const NOTICE_MS = 5000;

/** A short-lived notice at the bottom of the call (kept as a code, worded when shown). */
export type CallNotice = { kind: 'link-copied' } | { kind: 'copy-this-link'; link: string };

/** The pre-call network test: running, its findings, or no answer from the server. */
export type ConnectionCheck = 'running' | 'server-unreachable' | ConnectionReport;

export class CallController {
  readonly room: string;
  readonly media: LocalMediaView;
  readonly relayOnly: boolean;
  /** The framework-free call this page shows. */
  readonly call: Call;
  /** Remembered in this browser per room (IndexedDB), restored when the page opens again. */
  readonly chat: PersistentChatLog;
  /** Raised hands and reactions. */
  readonly gestures: CallGestures;

  phase: CallPhase = $state('prejoin');
  name = $state(loadName());
  password = $state('');
  selfId: PeerId | null = $state(null);
  participants: Participant[] = $state([]);
  signalState: SignalState = $state('idle');
  capacity = $state<number>(LIMITS.roomCapacity);
  /** A refused join: shown in the alert area until the next attempt. */
  joinError: JoinProblem | null = $state(null);
  /** Polite announcement for screen readers: people joining and leaving. */
  lastAnnouncement: Announcement | null = $state.raw(null);
  announcement = $derived(this.lastAnnouncement ? announcementText(i18n.t, this.lastAnnouncement) : '');
  lastNotice: CallNotice | null = $state.raw(null);
  notice = $derived(noticeText(this.lastNotice));
  isStatsOpen = $state(false);
  isSharingScreen = $state(false);
  activeSpeakerId: Speaker = $state(null);
  /** How the room's media travels: `mesh` (browser to browser) or `sfu` (the media server). */
  topology: Topology = $state('mesh');
  /** Pre-call network test: null before it ran. */
  connectionCheck: ConnectionCheck | null = $state.raw(null);
  isCheckingConnection = $derived(this.connectionCheck === 'running');
  /** Its findings in words, one line per way of connecting. */
  connectionLines: string[] = $derived(connectionLines(this.connectionCheck));

  isReconnecting = $derived(
    (this.phase === 'in-call' || this.phase === 'joining') && this.signalState === 'reconnecting',
  );
  isRecovering = $derived(this.participants.some((p) => p.isRecovering));
  statusText = $derived(
    this.isReconnecting ? i18n.t.call.reconnecting : this.isRecovering ? i18n.t.call.recovering : null,
  );
  alerts: CallAlert[] = $derived(callAlerts(i18n.t, this));

  readonly #options: CallOptions;
  #noticeTimer: ReturnType<typeof setTimeout> | null = null;
  #stopWarmUp: () => void = () => undefined;

  constructor(options: CallOptions) {
    this.#options = options;
    this.room = options.room;
    this.media = options.media;
    this.relayOnly = options.relayOnly ?? false;
    this.chat = new PersistentChatLog(options.room);
    this.call = new Call({
      room: options.room,
      media: options.media.source,
      signalUrl: options.signalUrl ?? defaultSignalUrl(),
      relayOnly: this.relayOnly,
      resumeGraceMs: LIMITS.resumeGraceMs,
      environment: typeof window === 'undefined' ? undefined : window,
      createSocket: options.createSocket,
      createPeerConnection: options.createPeerConnection,
    });
    this.gestures = new CallGestures(this.call);
    this.#mirror();
  }

  /** Opens the signaling socket while the pre-join screen shows, so Join only sends `join`. */
  preconnect(): void {
    this.call.preconnect();
    // The message parsers' first run (see warmUpParsers) happens here, not on the way in.
    this.#stopWarmUp = whenIdle(() => warmUpParsers());
  }

  join(): void {
    this.media.resumeAudio();
    if (!DisplayName.safeParse(this.name).success) {
      this.joinError = { code: 'name', maxLength: LIMITS.nameMaxLength };
      return;
    }
    this.joinError = null;
    // A warm-up still waiting for an idle moment would run in the middle of the set-up (its
    // deadline falls there when Join comes early): the parsers then start on first use.
    this.#stopWarmUp();
    this.call.join({ name: this.name, password: this.password });
    this.name = this.call.name;
    saveName(this.name);
  }

  async checkConnection(): Promise<void> {
    if (this.isCheckingConnection) return;
    this.connectionCheck = 'running';
    let report: ConnectionReport | null = null;
    try {
      report = await checkNetwork({
        signalUrl: this.#options.signalUrl ?? defaultSignalUrl(),
        createSocket: this.#options.createSocket,
        createPeerConnection: this.#options.createPeerConnection,
      });
    } finally {
      this.connectionCheck = report ?? 'server-unreachable';
    }
  }

  toggleMicrophone(): void {
    this.media.setMicOn(!this.media.isMicOn);
  }

  toggleCamera(): void {
    this.media.setCameraOn(!this.media.isCameraOn);
  }

  toggleStats(): void {
    this.isStatsOpen = !this.isStatsOpen;
    this.call.setStatsPolling(this.isStatsOpen);
  }

  shareScreen(): void {
    void this.call.toggleScreenShare();
  }

  sendChat(text: string): boolean {
    const message = this.call.sendChat(text);
    if (!message) return false;
    const { id, sentAt } = message;
    this.chat.add({ kind: 'text', id, senderName: this.name, isOwn: true, text: message.text, sentAt });
    return true;
  }

  participantName(peerId: PeerId): string {
    return this.call.participantName(peerId) || i18n.t.call.someoneNamed;
  }

  async copyLink(): Promise<void> {
    const link = `${location.origin}/r/${encodeURIComponent(this.room)}`;
    try {
      await navigator.clipboard.writeText(link);
      this.showNotice({ kind: 'link-copied' });
    } catch {
      this.showNotice({ kind: 'copy-this-link', link });
    }
  }

  markFirstFrame(peerId: PeerId): void {
    this.call.markFirstFrame(peerId);
  }

  /** A remote tile's size on screen: the media server sends video that fits it. */
  setTileSize(peerId: PeerId, width: number, height: number): void {
    this.call.setTileSize(peerId, { width, height });
  }

  showNotice(notice: CallNotice): void {
    this.lastNotice = notice;
    if (this.#noticeTimer) clearTimeout(this.#noticeTimer);
    this.#noticeTimer = setTimeout(() => (this.lastNotice = null), NOTICE_MS);
  }

  /** Hang up: leave the room and release every track, connection, timer and listener. */
  hangUp(): void {
    this.call.hangUp();
    this.close();
    this.phase = 'ended';
  }

  close(): void {
    this.#stopWarmUp();
    this.gestures.close();
    this.call.close();
    this.participants = [];
    if (this.#noticeTimer) clearTimeout(this.#noticeTimer);
    this.media.close();
    this.chat.clear();
  }

  #mirror(): void {
    const call = this.call;
    call.on('phase', (phase) => {
      if (phase !== 'in-call') {
        this.phase = phase;
        return;
      }
      rememberRoom(this.room);
      // The call screen is drawn once the first offers are out: drawing it holds the main
      // thread for a while, and an offer waiting behind it would hold up the whole set-up.
      void call.offersSent().then(() => {
        if (call.phase === 'in-call') this.phase = 'in-call';
      });
    });
    call.on('signal-state', (state) => (this.signalState = state));
    call.on('joined', ({ self, capacity }) => {
      this.selfId = self;
      this.capacity = capacity;
      this.joinError = null;
    });
    call.on('refused', ({ code, retryAfterMs }) => {
      this.joinError = { code, hasPassword: this.password !== '', retryAfterMs };
    });
    call.on('participant-added', (record) => this.participants.push(new Participant(record)));
    call.on('participant-changed', ({ id, patch }) => this.#participant(id)?.apply(patch));
    call.on('participant-removed', ({ id }) => {
      this.participants = this.participants.filter((p) => p.id !== id);
    });
    call.on('announcement', (announcement) => (this.lastAnnouncement = announcement));
    call.on('chat', ({ peerId, message }) => {
      const { id, text, sentAt } = message;
      this.chat.add({
        kind: 'text',
        id,
        senderName: this.participantName(peerId),
        isOwn: false,
        text,
        sentAt,
      });
    });
    call.on('active-speaker', (speaker) => (this.activeSpeakerId = speaker));
    call.on('screen', ({ isSharing }) => (this.isSharingScreen = isSharing));
    call.on('topology', (topology) => (this.topology = topology));
  }

  #participant(id: PeerId): Participant | undefined {
    return this.participants.find((p) => p.id === id);
  }
}

function noticeText(notice: CallNotice | null): string {
  if (!notice) return '';
  return notice.kind === 'link-copied' ? i18n.t.call.linkCopied : i18n.t.call.copyThisLink(notice.link);
}

function connectionLines(check: ConnectionCheck | null): string[] {
  if (check === null || check === 'running') return [];
  if (check === 'server-unreachable') return [i18n.t.connection.serverUnreachable];
  return describeConnection(i18n.t, check);
}
