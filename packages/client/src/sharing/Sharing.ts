/**
 * Photos and files in a call: the bridge between the call (its peer messages, data
 * channels, direct links and roster) and the feature modules in files/ and photo/. It keeps
 * the list of transfers and reports every change; a UI renders `transfers` and calls
 * accept / decline / cancel / dismiss by row key.
 */
import type { PeerId, PeerMessage } from '@app/protocol';
import type { Call } from '../call/Call.ts';
import type { Participant } from '../call/Roster.ts';
import { systemClock, type Clock, type TimerHandle } from '../clock.ts';
import { Emitter, type Events } from '../events.ts';
import { offerDownload } from '../files/download.ts';
import { FileReceiver } from '../files/FileReceiver.ts';
import type { FileSender } from '../files/FileSender.ts';
import { FileTransfers, type TransferPeer } from '../files/FileTransfers.ts';
import { defaultTransferStore } from '../files/idb-store.ts';
import type { TransferProgress } from '../files/progress.ts';
import type { TransferStore } from '../files/store.ts';
import type { CancelReason, TransferNote, TransferState } from '../files/transfer.ts';
import { randomMessageId } from '../ids.ts';
import { PhotoReceiver, type PhotoReceiverOptions } from '../photo/PhotoReceiver.ts';
import { takePhoto } from '../photo/takePhoto.ts';

export type TransferDirection = 'outgoing' | 'incoming';

export interface TransferRow {
  /** Unique in a call: direction and transfer id. */
  key: string;
  id: string;
  direction: TransferDirection;
  /** The other side now (a transfer follows a person who comes back under a new PeerId). */
  peerId: PeerId;
  /** Their name as last known: they may not be in the call right now. */
  peerName: string;
  /** The other side left or cannot be reached now: the transfer waits for them. */
  isPeerAway: boolean;
  name: string;
  size: number;
  status: FileSender['status'] | FileReceiver['status'];
  reason: CancelReason | null;
  byPeer: boolean;
  /** Why a sender that reloaded still needs its file chosen again. */
  note: TransferNote | null;
  progress: TransferProgress | null;
}

/** A photo in the chat: someone's (`peerId`) or our own (null). */
export interface SharedPhoto {
  id: string;
  peerId: PeerId | null;
  blob: Blob;
  width: number;
  height: number;
  sentAt: number;
}

export type SharingProblem = 'nobody-here' | 'camera-off' | 'photo-failed';

export type SharingEvents = {
  /** The list of transfers changed (a new array each time). */
  transfers: readonly TransferRow[];
  photo: SharedPhoto;
  problem: SharingProblem;
};

/** What senders and receivers both report. */
type TransferEvents = { status: TransferState<TransferRow['status']>; progress: TransferProgress };

/** What sharing needs of the call. */
export type SharingCall = Pick<Call, 'room' | 'participants' | 'link' | 'broadcast' | 'on'>;

export interface SharingOptions {
  /** Decodes a received photo before it is shown; `createImageBitmap` in browsers. */
  decodeImage?: PhotoReceiverOptions['decode'];
  clock?: Clock;
  /** Where transfers are remembered over a reload (default IndexedDB; null: nowhere). */
  transferStore?: TransferStore | null;
}

/** How long a received file's storage is kept after its download started. */
const RELEASE_AFTER_MS = 60_000;

export class Sharing {
  readonly events = new Emitter<SharingEvents>();
  readonly #call: SharingCall;
  readonly #clock: Clock;
  readonly #files: FileTransfers;
  readonly #photos: PhotoReceiver;
  readonly #controllers = new Map<string, FileSender | FileReceiver>();
  readonly #cleanups: (() => void)[] = [];
  readonly #timers = new Set<TimerHandle>();
  #transfers: TransferRow[] = [];

  constructor(call: SharingCall, options: SharingOptions = {}) {
    this.#call = call;
    this.#clock = options.clock ?? systemClock;
    this.#photos = new PhotoReceiver(options.decodeImage ? { decode: options.decodeImage } : {});
    this.#files = new FileTransfers({
      link: (id) => call.link(id),
      nameOf: (id) => this.#participant(id)?.name ?? '',
      room: call.room,
      store: options.transferStore === undefined ? defaultTransferStore() : options.transferStore,
      clock: this.#clock,
    });
    const files = this.#files;
    this.#cleanups.push(
      call.on('peer-message', ({ peerId, message }) => this.#onPeerMessage(peerId, message)),
      call.on('datachannel', ({ peerId, channel }) => void files.handleChannel(peerId, channel)),
      call.on('participant-added', ({ id }) => this.#peerChanged(id, true)),
      call.on('participant-changed', ({ id, patch }) => {
        if (patch.connectionState) this.#peerChanged(id, patch.connectionState === 'connected');
      }),
      call.on('participant-removed', ({ id }) => {
        files.peerLeft(id);
        this.#photos.peerLeft(id);
        this.#peerChanged(id, false);
      }),
      // Hanging up ends the transfers too (the others are told while the connections last); a
      // reload or a closed tab does not, so that they resume.
      call.on('phase', (phase) => phase === 'ended' && files.cancelAll()),
      files.events.on('outgoing', ({ sender }) => this.#trackOutgoing(sender)),
      files.events.on('incoming', ({ receiver }) => this.#trackIncoming(receiver)),
      this.#photos.events.on('photo', (photo) => this.events.emit('photo', photo)),
    );
    void files.restore();
  }

  get transfers(): readonly TransferRow[] {
    return this.#transfers;
  }

  /** Offers files to `recipients` (null: everyone in the call). */
  sendFiles(files: Iterable<File>, recipients: PeerId[] | null = null): void {
    const ids = recipients ?? this.#call.participants.map((p) => p.id);
    const peers = ids
      .map((id) => this.#participant(id))
      .filter((p): p is Readonly<Participant> => p !== undefined && this.#call.link(p.id) !== null)
      .map((p): TransferPeer => ({ id: p.id, name: p.name }));
    if (peers.length === 0) {
      this.events.emit('problem', 'nobody-here');
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

  /** After a reload: the person chose the file of an outgoing transfer again. */
  chooseFileAgain(key: string, file: File): void {
    const sender = this.#controllers.get(key);
    if (sender && !(sender instanceof FileReceiver)) this.#files.chooseFile(sender.id, file);
  }

  /** Removes a finished transfer from the list. */
  dismiss(key: string): void {
    this.#setTransfers(this.#transfers.filter((row) => row.key !== key));
  }

  /** A still of `stream` (the self view, effect included) to everyone, and into our own chat. */
  async takePhoto(stream: MediaStream | null): Promise<void> {
    if (!stream) {
      this.events.emit('problem', 'camera-off');
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
      for (const message of photo.messages) this.#call.broadcast(message);
      const { id, blob, width, height, sentAt } = photo;
      this.events.emit('photo', { id, peerId: null, blob, width, height, sentAt });
    } catch {
      this.events.emit('problem', 'photo-failed');
    } finally {
      video.pause();
      video.srcObject = null;
    }
  }

  close(): void {
    for (const cleanup of this.#cleanups.splice(0)) cleanup();
    for (const timer of this.#timers) this.#clock.clearTimeout(timer);
    this.#timers.clear();
    this.#files.close();
    this.#photos.close();
    this.#controllers.clear();
    this.events.clear();
  }

  #onPeerMessage(peerId: PeerId, message: PeerMessage): void {
    if (this.#photos.handleMessage(peerId, message)) return;
    this.#files.handleMessage(peerId, message);
  }

  #participant(peerId: PeerId): Readonly<Participant> | undefined {
    return this.#call.participants.find((p) => p.id === peerId);
  }

  /** Someone came, went, or their connection changed: paused transfers go on, rows say who is away. */
  #peerChanged(peerId: PeerId, isReachable: boolean): void {
    if (isReachable) this.#files.peerBack(peerId);
    for (const row of this.#transfers) {
      const controller = this.#controllers.get(row.key);
      if (controller?.peerId === peerId) this.#update(row.key, this.#peerFields(controller));
    }
  }

  #peerFields(
    controller: FileSender | FileReceiver,
  ): Pick<TransferRow, 'peerId' | 'peerName' | 'isPeerAway'> {
    const peerId = controller.peerId;
    const participant = this.#participant(peerId);
    const peerName = participant?.name || controller.peerName;
    return { peerId, peerName, isPeerAway: participant?.connectionState !== 'connected' };
  }

  #trackOutgoing(sender: FileSender): void {
    this.#track(`outgoing\n${sender.id}`, sender, 'outgoing');
  }

  #trackIncoming(receiver: FileReceiver): void {
    const key = `incoming\n${receiver.id}`;
    this.#track(key, receiver, 'incoming');
    receiver.events.on('complete', ({ file, name }) => {
      // Only here, after the SHA-256 matched, is the file offered to the person.
      const revoke = offerDownload(file, name);
      const timer = this.#clock.setTimeout(() => {
        this.#timers.delete(timer);
        revoke();
        void receiver.release();
      }, RELEASE_AFTER_MS);
      this.#timers.add(timer);
      this.#cleanups.push(revoke);
    });
  }

  #track(key: string, controller: FileSender | FileReceiver, direction: TransferDirection): void {
    this.#controllers.set(key, controller);
    const { id, name, size, status, lastProgress: progress } = controller;
    const row: TransferRow = {
      ...{ key, id, direction, name, size, status, reason: null, byPeer: false, note: null, progress },
      ...this.#peerFields(controller),
    };
    this.#setTransfers([...this.#transfers, row]);
    const events: Events<TransferEvents> = controller.events;
    events.on('status', ({ status, reason, byPeer, note }) =>
      this.#update(key, {
        ...{ status, reason: reason ?? null, byPeer: byPeer ?? false, note: note ?? null },
        ...this.#peerFields(controller),
      }),
    );
    events.on('progress', (progress) => this.#update(key, { progress }));
  }

  #update(key: string, change: Partial<TransferRow>): void {
    if (!this.#transfers.some((row) => row.key === key)) return;
    this.#setTransfers(this.#transfers.map((row) => (row.key === key ? { ...row, ...change } : row)));
  }

  #setTransfers(rows: TransferRow[]): void {
    this.#transfers = rows;
    this.events.emit('transfers', rows);
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
