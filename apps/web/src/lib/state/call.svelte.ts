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
} from '@app/client';
import { DisplayName, LIMITS, type ErrorCode, type PeerId } from '@app/protocol';
import { PersistentChatLog } from '../history/PersistentChatLog.svelte.ts';
import { loadName, rememberRoom, saveName } from '../storage.ts';
import { describeConnection } from '../text/network.ts';
import { announcementText, callAlerts, refusalText, type CallAlert } from '../text/call.ts';
import type { LocalMediaView } from './local-media.svelte.ts';
import { Participant } from './participant.svelte.ts';

export type { CallAlert } from '../text/call.ts';
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

export class CallController {
  readonly room: string;
  readonly media: LocalMediaView;
  readonly relayOnly: boolean;
  /** The framework-free call this page shows. */
  readonly call: Call;
  /** Remembered in this browser per room (IndexedDB), restored when the page opens again. */
  readonly chat: PersistentChatLog;

  phase: CallPhase = $state('prejoin');
  name = $state(loadName());
  password = $state('');
  selfId: PeerId | null = $state(null);
  participants: Participant[] = $state([]);
  signalState: SignalState = $state('idle');
  capacity = $state<number>(LIMITS.roomCapacity);
  /** A refused join: shown in the alert area until the next attempt. */
  joinError: { code: ErrorCode | 'name'; text: string } | null = $state(null);
  /** Polite announcement for screen readers: people joining and leaving. */
  announcement = $state('');
  notice = $state('');
  isStatsOpen = $state(false);
  isSharingScreen = $state(false);
  /** How the room's media travels: `mesh` (browser to browser) until a media server carries it. */
  topology: 'mesh' | 'sfu' = $state('mesh');
  activeSpeakerId: Speaker = $state(null);
  /** Pre-call network test: null before it ran, [] while it runs, then one line per way. */
  connectionCheck: string[] | null = $state(null);
  isCheckingConnection = $state(false);

  isReconnecting = $derived(
    (this.phase === 'in-call' || this.phase === 'joining') && this.signalState === 'reconnecting',
  );
  isRecovering = $derived(this.participants.some((p) => p.isRecovering));
  statusText = $derived(
    this.isReconnecting ? 'Reconnecting…' : this.isRecovering ? 'Connection lost, recovering' : null,
  );
  alerts: CallAlert[] = $derived(callAlerts(this));

  readonly #options: CallOptions;
  #noticeTimer: ReturnType<typeof setTimeout> | null = null;

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
    this.#mirror();
  }

  /** Opens the signaling socket while the pre-join screen shows, so Join only sends `join`. */
  preconnect(): void {
    this.call.preconnect();
  }

  join(): void {
    this.media.resumeAudio();
    if (!DisplayName.safeParse(this.name).success) {
      this.joinError = {
        code: 'name',
        text: 'Enter your name (up to 40 characters) so others know who you are, then press Join.',
      };
      return;
    }
    this.joinError = null;
    this.call.join({ name: this.name, password: this.password });
    this.name = this.call.name;
    saveName(this.name);
  }

  async checkConnection(): Promise<void> {
    if (this.isCheckingConnection) return;
    this.isCheckingConnection = true;
    this.connectionCheck = [];
    try {
      const report: ConnectionReport | null = await checkNetwork({
        signalUrl: this.#options.signalUrl ?? defaultSignalUrl(),
        createSocket: this.#options.createSocket,
        createPeerConnection: this.#options.createPeerConnection,
      });
      this.connectionCheck = report
        ? describeConnection(report)
        : ['The server could not be reached. Check your internet connection, then try again.'];
    } finally {
      this.isCheckingConnection = false;
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
    return this.call.participantName(peerId) || 'Someone';
  }

  async copyLink(): Promise<void> {
    const link = `${location.origin}/r/${encodeURIComponent(this.room)}`;
    try {
      await navigator.clipboard.writeText(link);
      this.showNotice('Link copied. Send it to the people you want to talk to.');
    } catch {
      this.showNotice(`Copy this link: ${link}`);
    }
  }

  markFirstFrame(peerId: PeerId): void {
    this.call.markFirstFrame(peerId);
  }

  showNotice(text: string): void {
    this.notice = text;
    if (this.#noticeTimer) clearTimeout(this.#noticeTimer);
    this.#noticeTimer = setTimeout(() => (this.notice = ''), NOTICE_MS);
  }

  /** Hang up: leave the room and release every track, connection, timer and listener. */
  hangUp(): void {
    this.call.hangUp();
    this.close();
    this.phase = 'ended';
  }

  close(): void {
    this.call.close();
    this.participants = [];
    if (this.#noticeTimer) clearTimeout(this.#noticeTimer);
    this.media.close();
    this.chat.clear();
  }

  #mirror(): void {
    const call = this.call;
    call.on('phase', (phase) => {
      this.phase = phase;
      if (phase === 'in-call') rememberRoom(this.room);
    });
    call.on('signal-state', (state) => (this.signalState = state));
    call.on('joined', ({ self, capacity }) => {
      this.selfId = self;
      this.capacity = capacity;
      this.joinError = null;
    });
    call.on('refused', ({ code, message, retryAfterMs }) => {
      this.joinError = { code, text: refusalText(code, message, this.password !== '', retryAfterMs) };
    });
    call.on('participant-added', (record) => this.participants.push(new Participant(record)));
    call.on('participant-changed', ({ id, patch }) => this.#participant(id)?.apply(patch));
    call.on('participant-removed', ({ id }) => {
      this.participants = this.participants.filter((p) => p.id !== id);
    });
    call.on(
      'announcement',
      (announcement: Announcement) => (this.announcement = announcementText(announcement)),
    );
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
  }

  #participant(id: PeerId): Participant | undefined {
    return this.participants.find((p) => p.id === id);
  }
}
