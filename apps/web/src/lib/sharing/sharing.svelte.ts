/**
 * Photos, files and screen sharing in a call: the bridge between the call (sessions, chat
 * channel, chat log) and the feature modules in files/, photo/ and screen/. The page
 * renders `transfers` and `isSharingScreen`; the call's buttons call in through
 * `registerFeatures`.
 */
import type { PeerId, PeerMessage } from '@app/protocol';
import { offerDownload } from '../files/download.ts';
import type { FileReceiver } from '../files/FileReceiver.ts';
import type { CancelReason, FileSender } from '../files/FileSender.ts';
import { FileTransfers, type TransferPeer } from '../files/FileTransfers.ts';
import type { TransferProgress } from '../files/progress.ts';
import { sweepLeftoverParts } from '../files/sink.ts';
import { randomMessageId } from '../ids.ts';
import { PhotoReceiver, type PhotoReceiverOptions } from '../photo/PhotoReceiver.ts';
import { takePhoto } from '../photo/takePhoto.ts';
import type { PeerSession } from '../rtc/PeerSession.ts';
import { ScreenShare } from '../screen/ScreenShare.ts';
import type { CallController } from '../state/call.svelte.ts';

export type TransferDirection = 'outgoing' | 'incoming';

export interface TransferRow {
  /** Unique on this page: direction, peer and transfer id. */
  key: string;
  id: string;
  direction: TransferDirection;
  peerId: PeerId;
  peerName: string;
  name: string;
  size: number;
  status: FileSender['status'] | FileReceiver['status'];
  reason: CancelReason | null;
  byPeer: boolean;
  progress: TransferProgress | null;
}

/** What sharing needs from the call. */
export type SharingCall = Pick<
  CallController,
  | 'name'
  | 'participants'
  | 'sessions'
  | 'chat'
  | 'media'
  | 'on'
  | 'registerFeatures'
  | 'setSharingScreen'
  | 'participantName'
  | 'broadcast'
>;

export interface CallSharingOptions {
  /** Decodes a received photo before it is shown; `createImageBitmap` in browsers. */
  decodeImage?: PhotoReceiverOptions['decode'];
  getDisplayMedia?: (options: DisplayMediaStreamOptions) => Promise<MediaStream>;
}

/** How long a received file's storage is kept after its download started. */
const RELEASE_AFTER_MS = 60_000;

export class CallSharing {
  transfers: TransferRow[] = $state([]);
  isSharingScreen = $state(false);
  /** The person picks recipients for the next file (more than one other person in the call). */
  isChoosingRecipient = $state(false);
  /** Plain-words problems with sharing (a photo that failed, a refused screen). */
  problem: string | null = $state(null);

  readonly #call: SharingCall;
  readonly #files = new FileTransfers();
  readonly #photos: PhotoReceiver;
  readonly #screen: ScreenShare;
  // Bookkeeping, not shown: the rows in `transfers` are the reactive view of it.
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #controllers = new Map<string, FileSender | FileReceiver>();
  readonly #cleanups: (() => void)[] = [];
  // eslint-disable-next-line svelte/prefer-svelte-reactivity
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();
  /** Who the next chosen files go to; null = everyone. */
  #recipients: PeerId[] | null = null;
  #chooseFiles: (() => void) | null = null;

  constructor(call: SharingCall, options: CallSharingOptions = {}) {
    this.#call = call;
    this.#photos = new PhotoReceiver(options.decodeImage ? { decode: options.decodeImage } : {});
    this.#screen = new ScreenShare({
      sendVideo: (track) => call.setSharingScreen(track !== null, track),
      ...(options.getDisplayMedia ? { getDisplayMedia: options.getDisplayMedia } : {}),
    });
    this.#cleanups.push(
      call.on('peer-message', (peerId, message) => this.#onPeerMessage(peerId, message)),
      call.on('datachannel', (peerId, channel) => void this.#files.handleChannel(peerId, channel)),
      call.on('session-removed', (peerId) => {
        this.#files.peerLeft(peerId);
        this.#photos.peerLeft(peerId);
      }),
      this.#files.events.on('outgoing', ({ peerId, sender }) => this.#trackOutgoing(peerId, sender)),
      this.#files.events.on('incoming', ({ peerId, receiver }) => this.#trackIncoming(peerId, receiver)),
      this.#photos.events.on('photo', (photo) => {
        const senderName = call.participantName(photo.peerId);
        call.chat.add({
          kind: 'photo',
          id: photo.id,
          senderName,
          isOwn: false,
          sentAt: photo.sentAt,
          src: URL.createObjectURL(photo.blob),
          alt: `Photo from ${senderName}`,
          width: photo.width,
          height: photo.height,
        });
      }),
      this.#screen.events.on('change', ({ isSharing }) => (this.isSharingScreen = isSharing)),
      this.#screen.events.on('error', ({ message }) => (this.problem = message)),
    );
    call.registerFeatures({
      shareScreen: () => this.#screen.toggle(),
      takePhoto: () => this.takePhoto(),
      sendFile: () => this.startSendFile(),
    });
    void sweepLeftoverParts();
  }

  /** The element that opens the file chooser (a hidden `<input type=file>`), set by the view. */
  setFileChooser(open: (() => void) | null): void {
    this.#chooseFiles = open;
  }

  /** `Send file`: straight to the chooser with one other person, else first ask whom to send to. */
  startSendFile(): void {
    this.problem = null;
    if (this.#call.participants.length === 0) {
      this.problem = 'Nobody else is in the call yet. Share the link, then send your file.';
      return;
    }
    if (this.#call.participants.length === 1) {
      this.chooseFilesFor(null);
      return;
    }
    this.isChoosingRecipient = true;
  }

  /** A recipient was picked (null = everyone): open the chooser. */
  chooseFilesFor(peerId: PeerId | null): void {
    this.isChoosingRecipient = false;
    this.#recipients = peerId === null ? null : [peerId];
    this.#chooseFiles?.();
  }

  /** Files chosen in the chooser, or dropped on the call (then to everyone). */
  sendFiles(files: Iterable<File>, recipients: PeerId[] | null = this.#recipients): void {
    this.#recipients = null;
    const peers = this.#peers(recipients);
    if (peers.length === 0) {
      this.problem = 'Nobody else is in the call yet. Share the link, then send your file.';
      return;
    }
    for (const file of files) this.#files.send(file, peers);
  }

  accept(key: string): void {
    const receiver = this.#controllers.get(key);
    if (receiver && 'accept' in receiver) void receiver.accept();
  }

  decline(key: string): void {
    const receiver = this.#controllers.get(key);
    if (receiver && 'decline' in receiver) receiver.decline();
  }

  cancel(key: string): void {
    this.#controllers.get(key)?.cancel();
  }

  /** Removes a finished transfer from the list. */
  dismiss(key: string): void {
    this.transfers = this.transfers.filter((row) => row.key !== key);
  }

  /** `Take photo`: a still of the self view (effect included) to everyone, and into our own log. */
  async takePhoto(): Promise<void> {
    this.problem = null;
    const media = this.#call.media;
    const stream = media.previewStream;
    if (!stream || !media.isCameraOn) {
      this.problem = 'Turn your camera on to take a photo.';
      return;
    }
    const video = document.createElement('video');
    video.muted = true;
    video.playsInline = true;
    video.srcObject = stream;
    try {
      await video.play();
      await nextFrame(video);
      const photo = await takePhoto(video, randomMessageId());
      for (const session of this.#call.sessions.values()) {
        for (const message of photo.messages) session.send(message);
      }
      this.#call.chat.add({
        kind: 'photo',
        id: photo.id,
        senderName: this.#call.name,
        isOwn: true,
        sentAt: photo.sentAt,
        src: URL.createObjectURL(photo.blob),
        alt: 'Your photo',
        width: photo.width,
        height: photo.height,
      });
    } catch {
      this.problem = 'The photo could not be taken. Check that your camera shows a picture, then try again.';
    } finally {
      video.pause();
      video.srcObject = null;
    }
  }

  close(): void {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#files.close();
    this.#photos.close();
    if (this.#screen.isSharing) void this.#screen.stop();
    this.#screen.close();
    this.#controllers.clear();
  }

  #onPeerMessage(peerId: PeerId, message: PeerMessage): void {
    if (this.#photos.handleMessage(peerId, message)) return;
    const peer = this.#peer(peerId);
    if (peer) this.#files.handleMessage(peer, message);
  }

  #peers(ids: PeerId[] | null): TransferPeer[] {
    const wanted = ids ?? this.#call.participants.map((p) => p.id);
    return wanted.map((id) => this.#peer(id)).filter((peer): peer is TransferPeer => peer !== null);
  }

  #peer(peerId: PeerId): TransferPeer | null {
    const session: PeerSession | undefined = this.#call.sessions.get(peerId);
    if (!session) return null;
    return {
      id: peerId,
      name: this.#call.participantName(peerId),
      sendControl: (message) => session.send(message),
      openChannel: (label) => session.createDataChannel(label, { ordered: true }),
      maxMessageSize: () => session.peerConnection.sctp?.maxMessageSize,
    };
  }

  #trackOutgoing(peerId: PeerId, sender: FileSender): void {
    const key = `outgoing\n${peerId}\n${sender.id}`;
    this.#controllers.set(key, sender);
    this.#addRow({
      key,
      id: sender.id,
      direction: 'outgoing',
      peerId,
      peerName: this.#call.participantName(peerId),
      name: sender.file.name,
      size: sender.file.size,
      status: sender.status,
      reason: null,
      byPeer: false,
      progress: null,
    });
    sender.events.on('status', (state) => this.#update(key, { ...state }));
    sender.events.on('progress', (progress) => this.#update(key, { progress }));
  }

  #trackIncoming(peerId: PeerId, receiver: FileReceiver): void {
    const key = `incoming\n${peerId}\n${receiver.id}`;
    this.#controllers.set(key, receiver);
    this.#addRow({
      key,
      id: receiver.id,
      direction: 'incoming',
      peerId,
      peerName: this.#call.participantName(peerId),
      name: receiver.name,
      size: receiver.size,
      status: receiver.status,
      reason: null,
      byPeer: false,
      progress: null,
    });
    receiver.events.on('status', (state) => this.#update(key, { ...state }));
    receiver.events.on('progress', (progress) => this.#update(key, { progress }));
    receiver.events.on('complete', ({ file, name }) => {
      // Only here, after the SHA-256 matched, is the file offered to the person.
      const revoke = offerDownload(file, name);
      const timer = setTimeout(() => {
        this.#timers.delete(timer);
        revoke();
        void receiver.release();
      }, RELEASE_AFTER_MS);
      this.#timers.add(timer);
      this.#cleanups.push(revoke);
    });
  }

  #addRow(row: TransferRow): void {
    this.transfers.push(row);
  }

  #update(
    key: string,
    change: Partial<Pick<TransferRow, 'status' | 'progress'>> & { reason?: CancelReason; byPeer?: boolean },
  ): void {
    const row = this.transfers.find((r) => r.key === key);
    if (!row) return;
    if (change.status) {
      row.status = change.status;
      row.reason = change.reason ?? null;
      row.byPeer = change.byPeer ?? false;
    }
    if (change.progress) row.progress = change.progress;
  }
}

/** Resolves once the video element has a frame to draw. */
function nextFrame(video: HTMLVideoElement): Promise<void> {
  if (video.readyState >= HTMLMediaElement.HAVE_CURRENT_DATA && video.videoWidth > 0)
    return Promise.resolve();
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('no frame')), 5000);
    video.addEventListener(
      'loadeddata',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
