import type {
  FileAcceptMessage,
  FileCancelMessage,
  FileDeclineMessage,
  FileOfferMessage,
  FileResultMessage,
  FileResumeMessage,
} from '@app/protocol';
import { CANCEL_LINGER_MS, chunkSizeFor, transferLabel, type TransferChannel } from './channel.ts';
import { Emitter } from '../events.ts';
import { BlockDigests, blockCount, blockEnd } from './hash.ts';
import type { TransferProgress } from './progress.ts';
import { prefixDigest, SendPump } from './SendPump.ts';
import type { StoredTransfer } from './store.ts';
import {
  ENDED,
  MAX_RESUMES,
  TransferBase,
  type CancelReason,
  type Ended,
  type TransferNote,
  type TransferOptions,
  type TransferState,
} from './transfer.ts';

export type { CancelReason, SenderLink, TransferState } from './transfer.ts';

export type SenderStatus =
  'offered' | 'sending' | 'paused' | 'needs-file' | 'checking' | 'verifying' | 'done' | Ended;

export type FileSenderEvents = {
  status: TransferState<SenderStatus>;
  progress: TransferProgress;
};

export interface FileSenderOptions extends TransferOptions {
  id: string;
  /** The transfer's secret, sent in the offer only (see TransferKey). */
  key: string;
  /** The file, or (restored after a reload) what is known of it until it is chosen again. */
  file: File | FileFacts;
}

export interface FileFacts {
  name: string;
  size: number;
  type: string;
}

/**
 * Sends one file to one peer: offer on the chat channel, and once accepted, the bytes on a
 * dedicated ordered channel `file:<id>` followed by `file-end` with the file digest. A channel
 * per transfer keeps chunk framing trivial (one message = one chunk), lets SCTP interleave
 * several transfers and the chat fairly, and makes cancel a channel close instead of a drain
 * of everything queued behind it.
 *
 * When the channel or the receiver goes away, the sender pauses and waits for the receiver's
 * `file-resume`: it checks the key and the digest of the blocks the receiver holds, then
 * sends the rest on a new channel. After a reload of this page the person chooses the file
 * again (`needs-file`); its name and size must match, and its first blocks what the receiver
 * holds.
 */
export class FileSender extends TransferBase<SenderStatus> {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly size: number;
  readonly mime: string;
  readonly events = new Emitter<FileSenderEvents>();
  #file: File | null;
  #digests = new BlockDigests();
  #pump: SendPump | null = null;
  #channel: TransferChannel | null = null;
  /** The file was chosen again after a reload, and the receiver must be told we are back. */
  #wasChosenAgain = false;
  #mustRejoin = false;
  #lastAttempt = 0;
  #resumes = 0;
  /** The pump's peak queue, kept over resumes. */
  #peakBufferedAmount = 0;
  chunkSize = 0;

  constructor(options: FileSenderOptions) {
    super(options, options.file.size, 'offered', ['done', ...ENDED]);
    this.id = options.id;
    this.key = options.key;
    this.#file = options.file instanceof Blob ? options.file : null;
    this.name = options.file.name.slice(0, 255) || 'file';
    this.size = options.file.size;
    this.mime = options.file.type.slice(0, 255);
  }

  /** A transfer this page was sending before it reloaded: the person must choose the file again. */
  static restore(
    stored: StoredTransfer,
    options: Omit<FileSenderOptions, 'file' | 'key' | 'id' | 'peerId' | 'peerName' | 'room'>,
  ): FileSender {
    const { id, key, name, size, mime, peerId, peerName, room } = stored;
    const file = { name, size, type: mime };
    const sender = new FileSender({ ...options, id, key, file, peerId, peerName, room });
    sender.#lastAttempt = stored.attempt;
    sender.state = 'needs-file';
    sender.startExpiry(() => sender.#finish('failed', 'failed'));
    return sender;
  }

  get peakBufferedAmount(): number {
    return Math.max(this.#peakBufferedAmount, this.#pump?.peakBufferedAmount ?? 0);
  }

  /** Sends the offer; nothing else happens until the peer answers. */
  start(): void {
    const { id, name, size, mime, key } = this;
    const offer: FileOfferMessage = { type: 'file-offer', id, name, size, mime, sentAt: Date.now(), key };
    this.sendTo(this.peer.id, offer);
    this.setStatus('offered');
  }

  /** A control message from the receiver about this transfer (routed by id and PeerId). */
  handleControl(
    message: FileAcceptMessage | FileDeclineMessage | FileCancelMessage | FileResultMessage,
  ): void {
    if (this.isFinished) return;
    switch (message.type) {
      case 'file-accept':
        if (this.state === 'offered') this.#send(0, 0);
        return;
      case 'file-decline':
        if (this.state === 'offered') this.#finish('declined', undefined, true);
        return;
      case 'file-cancel':
        this.#finish(message.reason === 'cancelled' ? 'cancelled' : 'failed', message.reason, true);
        return;
      case 'file-result':
        if (this.state !== 'verifying') return;
        if (message.ok) {
          this.emitProgress(this.size, true);
          this.#finish('done');
        } else {
          this.#finish('failed', 'corrupt', true);
        }
        return;
    }
  }

  /**
   * The receiver, under `from` (a new PeerId if it reloaded), asks to go on from block
   * `message.from`. Returns false when the key is wrong: the message is not for us.
   * A valid request in `offered` stands for an accept lost with a broken connection.
   */
  async handleResume(from: string, message: FileResumeMessage, peerName: string): Promise<boolean> {
    if (message.key !== this.key) return false;
    if (this.isFinished || this.state === 'needs-file' || message.attempt <= this.#lastAttempt) return true;
    this.#lastAttempt = message.attempt;
    this.peer = { id: from, name: peerName };
    this.#mustRejoin = false;
    this.#resumes += 1;
    if (this.#resumes > MAX_RESUMES || message.from > blockCount(this.size)) {
      // Past the end of the file, or asking for ever: not an honest receiver.
      this.#cancelWith('failed');
      return true;
    }
    this.#stopSending();
    const file = this.#file!;
    if (message.from > 0 && !this.#digests.has(message.from - 1)) this.setStatus('checking');
    let prefix: string;
    try {
      prefix = await prefixDigest(file, this.#digests, message.from);
    } catch {
      if (this.#isCurrent(message.attempt)) this.#cancelWith('failed');
      return true;
    }
    if (!this.#isCurrent(message.attempt)) return true;
    if (prefix === message.prefix) this.#send(message.from, message.attempt);
    else if (this.#wasChosenAgain) this.#askForFile('different-file');
    else this.#cancelWith('corrupt');
    return true;
  }

  /** Still the latest request, and nothing ended or reset the transfer while its digest was read. */
  #isCurrent(attempt: number): boolean {
    return this.#lastAttempt === attempt && !this.isFinished && this.state !== 'needs-file';
  }

  /** The receiver left the call (it may come back, under a new PeerId after a reload). */
  peerAway(): void {
    if (this.state === 'offered') this.#finish('failed', 'failed', true);
    else if (['sending', 'checking', 'verifying'].includes(this.state)) this.#pause();
  }

  /** The receiver can be reached again: after a reload of this page, say we are back. */
  peerBack(): void {
    if (this.state === 'paused' && this.#mustRejoin) {
      this.sendTo(this.peer.id, { type: 'file-rejoin', id: this.id, key: this.key });
    }
  }

  /** The person chose the file again after a reload; it must be the same name and size. */
  chooseFile(file: File): void {
    if (this.state !== 'needs-file') return;
    if (file.name.slice(0, 255) !== this.name || file.size !== this.size) {
      this.setStatus('needs-file', { note: 'wrong-file' });
      return;
    }
    this.#file = file;
    this.#digests = new BlockDigests();
    this.#wasChosenAgain = true;
    this.#mustRejoin = true;
    this.setStatus('paused');
    this.peerBack();
  }

  /** Cancels from this side; the peer is told and stops too. */
  cancel(): void {
    if (this.isFinished) return;
    this.#cancelWith('cancelled');
  }

  /** The call ended or the page goes: stop without telling anyone (a later page may resume). */
  close(): void {
    this.stopExpiry();
    this.#stopSending();
    this.closeLingering();
    this.events.clear();
  }

  /** Sends from block `from` on a new channel (`attempt` 0: the first one, after the accept). */
  #send(from: number, attempt: number): void {
    const link = this.link(this.peer.id);
    let channel: TransferChannel;
    try {
      if (!link) throw new Error('the receiver is not in the call');
      channel = link.openChannel(transferLabel(this.id, attempt));
    } catch {
      this.#pause();
      return;
    }
    this.stopExpiry();
    this.chunkSize = chunkSizeFor(link.maxMessageSize());
    this.#channel = channel;
    const pump = new SendPump({
      id: this.id,
      file: this.#file!,
      channel,
      chunkSize: this.chunkSize,
      from,
      digests: this.#digests,
      onProgress: (bytes) => this.emitProgress(bytes),
    });
    this.#pump = pump;
    this.restartMeter(blockEnd(from, this.size));
    this.setStatus('sending');
    void this.#remember();
    // The receiver closes the channel once it has read `file-end`; its verdict comes on the
    // chat channel and may arrive after the close, so only a close mid-send is a pause.
    const onLost = () => {
      if (this.#pump === pump && this.state === 'sending') this.#pause();
    };
    channel.onclose = onLost;
    channel.onerror = onLost;
    const run = () =>
      pump.run().then(
        (isEnded) => {
          if (isEnded && this.#pump === pump && this.state === 'sending') this.setStatus('verifying');
        },
        () => {
          if (this.#pump === pump && !this.isFinished) this.#cancelWith('failed');
        },
      );
    if (channel.readyState === 'open') void run();
    else channel.onopen = () => void run();
  }

  /** Stops the current run and waits for a `file-resume` (RESUME_WINDOW_MS at most). */
  #pause(): void {
    this.#stopSending();
    this.setStatus('paused');
    this.startExpiry(() => this.#finish('failed', 'failed'));
  }

  #askForFile(note: TransferNote): void {
    this.#stopSending();
    this.#file = null;
    this.#digests = new BlockDigests();
    this.setStatus('needs-file', { note });
    this.startExpiry(() => this.#finish('failed', 'failed'));
  }

  #stopSending(): void {
    this.#stopPump();
    this.dropChannel(this.#takeChannel());
  }

  /** Stops the pump, keeping its peak queue. */
  #stopPump(): void {
    const pump = this.#pump;
    this.#pump = null;
    if (pump) {
      this.#peakBufferedAmount = Math.max(this.#peakBufferedAmount, pump.peakBufferedAmount);
      pump.stop();
    }
  }

  #takeChannel(): TransferChannel | null {
    const channel = this.#channel;
    this.#channel = null;
    return channel;
  }

  #remember(): Promise<void> {
    return this.putRecord({ blocks: 0, digests: '', storage: 'memory', attempt: this.#lastAttempt });
  }

  #cancelWith(reason: CancelReason): void {
    this.sendTo(this.peer.id, { type: 'file-cancel', id: this.id, reason });
    this.#finish(reason === 'cancelled' ? 'cancelled' : 'failed', reason, false, true);
  }

  protected emitState(state: TransferState<SenderStatus>): void {
    this.events.emit('status', state);
  }

  protected emitProgressEvent(progress: TransferProgress): void {
    this.events.emit('progress', progress);
  }

  /** `hasToldPeer`: we sent `file-cancel`, so the peer will close the channel (CANCEL_LINGER_MS). */
  #finish(status: SenderStatus, reason?: CancelReason, byPeer = false, hasToldPeer = false): void {
    this.stopExpiry();
    this.#stopPump();
    this.dropChannel(this.#takeChannel(), hasToldPeer ? CANCEL_LINGER_MS : 0);
    void this.record?.forget();
    this.setStatus(status, { ...(reason ? { reason } : {}), ...(byPeer ? { byPeer } : {}) });
  }
}
