/**
 * Photos and files in a call: the bridge between the call (its peer messages, data
 * channels, direct links and roster) and the feature modules in files/ and photo/. It keeps
 * the list of transfers and reports every change; a UI renders `transfers` and calls
 * accept / decline / cancel / dismiss by row key.
 */
import type { PeerId, PeerMessage } from '@app/protocol';
import type { Call } from '../call/Call.ts';
import { systemClock, type Clock, type TimerHandle } from '../clock.ts';
import { Emitter, type Events } from '../events.ts';
import { offerDownload } from '../files/download.ts';
import type { FileReceiver } from '../files/FileReceiver.ts';
import type { CancelReason, FileSender, TransferState } from '../files/FileSender.ts';
import { FileTransfers, type TransferPeer } from '../files/FileTransfers.ts';
import type { TransferProgress } from '../files/progress.ts';
import { sweepLeftoverParts } from '../files/sink.ts';
import { randomMessageId } from '../ids.ts';
import { PhotoReceiver, type PhotoReceiverOptions } from '../photo/PhotoReceiver.ts';
import { takePhoto } from '../photo/takePhoto.ts';

export type TransferDirection = 'outgoing' | 'incoming';

export interface TransferRow {
  /** Unique in a call: direction, peer and transfer id. */
  key: string;
  id: string;
  direction: TransferDirection;
  peerId: PeerId;
  name: string;
  size: number;
  status: FileSender['status'] | FileReceiver['status'];
  reason: CancelReason | null;
  byPeer: boolean;
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
export type SharingCall = Pick<Call, 'participants' | 'link' | 'broadcast' | 'on'>;

export interface SharingOptions {
  /** Decodes a received photo before it is shown; `createImageBitmap` in browsers. */
  decodeImage?: PhotoReceiverOptions['decode'];
  clock?: Clock;
}

/** How long a received file's storage is kept after its download started. */
const RELEASE_AFTER_MS = 60_000;

export class Sharing {
  readonly events = new Emitter<SharingEvents>();
  readonly #call: SharingCall;
  readonly #clock: Clock;
  readonly #files = new FileTransfers();
  readonly #photos: PhotoReceiver;
  readonly #controllers = new Map<string, FileSender | FileReceiver>();
  readonly #cleanups: (() => void)[] = [];
  readonly #timers = new Set<TimerHandle>();
  #transfers: TransferRow[] = [];

  constructor(call: SharingCall, options: SharingOptions = {}) {
    this.#call = call;
    this.#clock = options.clock ?? systemClock;
    this.#photos = new PhotoReceiver(options.decodeImage ? { decode: options.decodeImage } : {});
    this.#cleanups.push(
      call.on('peer-message', ({ peerId, message }) => this.#onPeerMessage(peerId, message)),
      call.on('datachannel', ({ peerId, channel }) => void this.#files.handleChannel(peerId, channel)),
      call.on('participant-removed', ({ id }) => {
        this.#files.peerLeft(id);
        this.#photos.peerLeft(id);
      }),
      this.#files.events.on('outgoing', ({ peerId, sender }) => this.#trackOutgoing(peerId, sender)),
      this.#files.events.on('incoming', ({ peerId, receiver }) => this.#trackIncoming(peerId, receiver)),
      this.#photos.events.on('photo', (photo) => this.events.emit('photo', photo)),
    );
    void sweepLeftoverParts();
  }

  get transfers(): readonly TransferRow[] {
    return this.#transfers;
  }

  /** Offers files to `recipients` (null: everyone in the call). */
  sendFiles(files: Iterable<File>, recipients: PeerId[] | null = null): void {
    const ids = recipients ?? this.#call.participants.map((p) => p.id);
    const peers = ids.map((id) => this.#peer(id)).filter((peer): peer is TransferPeer => peer !== null);
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
    const peer = this.#peer(peerId);
    if (peer) this.#files.handleMessage(peer, message);
  }

  #peer(peerId: PeerId): TransferPeer | null {
    const link = this.#call.link(peerId);
    const participant = this.#call.participants.find((p) => p.id === peerId);
    if (!link || !participant) return null;
    return { id: peerId, name: participant.name, ...link };
  }

  #trackOutgoing(peerId: PeerId, sender: FileSender): void {
    const key = `outgoing\n${peerId}\n${sender.id}`;
    this.#track(key, sender, {
      direction: 'outgoing',
      peerId,
      name: sender.file.name,
      size: sender.file.size,
    });
  }

  #trackIncoming(peerId: PeerId, receiver: FileReceiver): void {
    const key = `incoming\n${peerId}\n${receiver.id}`;
    this.#track(key, receiver, { direction: 'incoming', peerId, name: receiver.name, size: receiver.size });
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

  #track(
    key: string,
    controller: FileSender | FileReceiver,
    row: Pick<TransferRow, 'direction' | 'peerId' | 'name' | 'size'>,
  ): void {
    this.#controllers.set(key, controller);
    const base = {
      key,
      id: controller.id,
      status: controller.status,
      reason: null,
      byPeer: false,
      progress: null,
    };
    this.#setTransfers([...this.#transfers, { ...base, ...row }]);
    const events: Events<TransferEvents> = controller.events;
    events.on('status', ({ status, reason, byPeer }) =>
      this.#update(key, { status, reason: reason ?? null, byPeer: byPeer ?? false }),
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
