import type {
  FileAcceptMessage,
  FileCancelMessage,
  FileDeclineMessage,
  FileOfferMessage,
  FileResultMessage,
  PeerMessage,
} from '@app/protocol';
import {
  CANCEL_LINGER_MS,
  chunkSizeFor,
  releaseChannel,
  LOW_WATER_BYTES,
  MAX_QUEUED_BYTES,
  transferLabel,
  type TransferChannel,
} from './channel.ts';
import { Emitter } from '../events.ts';
import { createFileDigest } from './hash.ts';
import { ProgressMeter, type TransferProgress } from './progress.ts';

export type CancelReason = FileCancelMessage['reason'];

export type SenderStatus = 'offered' | 'sending' | 'verifying' | 'done' | 'declined' | 'cancelled' | 'failed';

export type TransferState<S> = { status: S; reason?: CancelReason; byPeer?: boolean };

export type FileSenderEvents = {
  status: TransferState<SenderStatus>;
  progress: TransferProgress;
};

/** What the sender needs from the call: the chat channel and a way to open channels. */
export interface SenderLink {
  /** Sends a control message on the peer's `chat` channel. */
  sendControl(message: PeerMessage): void;
  /** Opens an ordered data channel on the peer's connection. */
  openChannel(label: string): TransferChannel;
  /** `pc.sctp?.maxMessageSize`, read when the transfer starts. */
  maxMessageSize(): number | null | undefined;
}

export interface FileSenderOptions {
  id: string;
  file: File;
  link: SenderLink;
  now?: () => number;
  /** Progress events are throttled to this interval; the last one always goes out. */
  progressIntervalMs?: number;
  /** See CHANNEL_LOST_GRACE_MS. */
  channelLostGraceMs?: number;
}

/**
 * A transfer channel closing mid-transfer is usually the peer cancelling: its `file-cancel`
 * travels on the chat channel, and SCTP does not order the two, so the close may arrive
 * first. Wait this long for the explanation before calling it a failure.
 */
export const CHANNEL_LOST_GRACE_MS = 2000;

/** Bytes read from the file at once (rounded down to whole chunks). */
export const READ_BLOCK_BYTES = 2 * 1024 * 1024;

const FINAL: ReadonlySet<SenderStatus> = new Set(['done', 'declined', 'cancelled', 'failed']);

/**
 * Sends one file to one peer: offer on the chat channel, and once accepted, the bytes on a
 * dedicated ordered channel `file:<id>` followed by `file-end` with the SHA-256 of the
 * whole file. A channel per transfer keeps chunk framing trivial (one message = one chunk),
 * lets SCTP interleave several transfers and the chat fairly, and makes cancel a channel
 * close instead of a drain of everything queued behind it.
 */
export class FileSender {
  readonly id: string;
  readonly file: File;
  readonly events = new Emitter<FileSenderEvents>();
  #status: SenderStatus = 'offered';
  #link: SenderLink;
  #channel: TransferChannel | null = null;
  #meter: ProgressMeter;
  #bytesSent = 0;
  #lastProgressAt = -Infinity;
  #progressIntervalMs: number;
  #now: () => number;
  #wake: (() => void) | null = null;
  #channelLostGraceMs: number;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** The channel closed under a running transfer; the reason may still come on the chat channel. */
  #isChannelLost = false;
  /** Closes a channel left open for the peer to close (see CANCEL_LINGER_MS). */
  #closeChannel: () => void = () => undefined;
  /** Highest `bufferedAmount` seen right after a send: the queue bound tests and the benchmark check. */
  peakBufferedAmount = 0;
  chunkSize = 0;

  constructor(options: FileSenderOptions) {
    this.id = options.id;
    this.file = options.file;
    this.#link = options.link;
    this.#now = options.now ?? (() => performance.now());
    this.#progressIntervalMs = options.progressIntervalMs ?? 100;
    this.#channelLostGraceMs = options.channelLostGraceMs ?? CHANNEL_LOST_GRACE_MS;
    this.#meter = new ProgressMeter(options.file.size, this.#now);
  }

  get status(): SenderStatus {
    return this.#status;
  }

  get isFinished(): boolean {
    return FINAL.has(this.#status);
  }

  /** Sends the offer; nothing else happens until the peer answers. */
  start(): void {
    const offer: FileOfferMessage = {
      type: 'file-offer',
      id: this.id,
      name: this.file.name.slice(0, 255) || 'file',
      size: this.file.size,
      mime: this.file.type.slice(0, 255),
      sentAt: Date.now(),
    };
    this.#link.sendControl(offer);
    this.events.emit('status', { status: 'offered' });
  }

  /** A control message from the peer about this transfer (routed by id). */
  handleControl(
    message: FileAcceptMessage | FileDeclineMessage | FileCancelMessage | FileResultMessage,
  ): void {
    if (this.isFinished) return;
    switch (message.type) {
      case 'file-accept':
        if (this.#status === 'offered') this.#beginSending();
        return;
      case 'file-decline':
        if (this.#status === 'offered') this.#finish('declined', undefined, true);
        return;
      case 'file-cancel':
        this.#finish(message.reason === 'cancelled' ? 'cancelled' : 'failed', message.reason, true);
        return;
      case 'file-result':
        if (this.#status !== 'verifying') return;
        if (message.ok) {
          this.#emitProgress(this.file.size, true);
          this.#finish('done');
        } else {
          this.#finish('failed', 'corrupt', true);
        }
        return;
    }
  }

  /** Cancels from this side; the peer is told and stops too. */
  cancel(): void {
    if (this.isFinished) return;
    this.#link.sendControl({ type: 'file-cancel', id: this.id, reason: 'cancelled' });
    this.#finish('cancelled', undefined, false, true);
  }

  /** The peer left or the call ended: stop without telling anyone. */
  close(): void {
    if (!this.isFinished) this.#finish('failed', 'failed');
    this.#closeChannel();
    this.events.clear();
  }

  #beginSending(): void {
    this.#setStatus('sending');
    let channel: TransferChannel;
    try {
      channel = this.#link.openChannel(transferLabel(this.id));
    } catch {
      this.#fail();
      return;
    }
    this.#channel = channel;
    this.chunkSize = chunkSizeFor(this.#link.maxMessageSize());
    channel.binaryType = 'arraybuffer';
    channel.bufferedAmountLowThreshold = LOW_WATER_BYTES;
    channel.onbufferedamountlow = () => {
      this.#emitProgress(this.#bytesSent - channel.bufferedAmount);
      this.#wakeUp();
    };
    // The receiver closes the channel once it has read `file-end`; its verdict comes on the
    // chat channel and may arrive after the close, so only a close mid-send is a failure.
    const onLost = () => {
      if (this.#status === 'sending') this.#onChannelLost();
    };
    channel.onclose = onLost;
    channel.onerror = onLost;
    // Only the receiver speaks first on the chat channel; nothing is expected here.
    channel.onmessage = null;
    const pump = () =>
      void this.#pump(channel).catch(() => {
        if (!this.isFinished) this.#fail();
      });
    if (channel.readyState === 'open') pump();
    else channel.onopen = pump;
  }

  async #pump(channel: TransferChannel): Promise<void> {
    const hash = createFileDigest();
    const size = this.file.size;
    const chunkSize = this.chunkSize;
    // Reads are whole blocks, one block ahead: each Blob read is a round trip to the
    // browser's blob store, and refilling the queue must not wait for one per chunk.
    const blockSize = Math.max(1, Math.floor(READ_BLOCK_BYTES / chunkSize)) * chunkSize;
    let next: Promise<ArrayBuffer> | null = size > 0 ? this.#read(0, blockSize) : null;
    let offset = 0;
    while (next) {
      const block = await next;
      if (this.#status !== 'sending' || this.#isChannelLost) return;
      if (block.byteLength === 0) throw new Error('file shrank while it was being sent');
      const blockEnd = offset + block.byteLength;
      next = blockEnd < size ? this.#read(blockEnd, blockSize) : null;
      hash.update(new Uint8Array(block));
      for (let at = 0; at < block.byteLength; at += chunkSize) {
        const chunk = block.slice(at, Math.min(block.byteLength, at + chunkSize));
        if (!(await this.#hasRoomFor(channel, chunk.byteLength))) return;
        channel.send(chunk);
        this.peakBufferedAmount = Math.max(this.peakBufferedAmount, channel.bufferedAmount);
        offset += chunk.byteLength;
        this.#bytesSent = offset;
        this.#emitProgress(offset - channel.bufferedAmount);
      }
    }
    const sha256 = await hash.digestHex();
    if (this.#status !== 'sending' || this.#isChannelLost) return;
    const end = JSON.stringify({ type: 'file-end', id: this.id, sha256 });
    if (!(await this.#hasRoomFor(channel, end.length))) return;
    channel.send(end);
    this.#setStatus('verifying');
  }

  /** Waits until `bytes` more fit under the queue bound; false if the transfer ended meanwhile. */
  async #hasRoomFor(channel: TransferChannel, bytes: number): Promise<boolean> {
    while (channel.bufferedAmount + bytes > MAX_QUEUED_BYTES) {
      await this.#waitForDrain();
      if (this.#status !== 'sending' || this.#isChannelLost) return false;
    }
    return true;
  }

  #read(offset: number, length: number): Promise<ArrayBuffer> {
    return this.file.slice(offset, Math.min(this.file.size, offset + length)).arrayBuffer();
  }

  #waitForDrain(): Promise<void> {
    return new Promise((resolve) => {
      this.#wake = resolve;
    });
  }

  #wakeUp(): void {
    const wake = this.#wake;
    this.#wake = null;
    wake?.();
  }

  #emitProgress(bytes: number, force = false): void {
    const at = this.#now();
    if (!force && at - this.#lastProgressAt < this.#progressIntervalMs) return;
    this.#lastProgressAt = at;
    this.events.emit('progress', this.#meter.update(Math.max(0, bytes)));
  }

  #onChannelLost(): void {
    this.#isChannelLost = true;
    this.#wakeUp();
    this.#graceTimer = setTimeout(() => this.#fail(), this.#channelLostGraceMs);
  }

  #fail(): void {
    this.#link.sendControl({ type: 'file-cancel', id: this.id, reason: 'failed' });
    this.#finish('failed', 'failed', false, true);
  }

  #setStatus(status: SenderStatus): void {
    this.#status = status;
    this.events.emit('status', { status });
  }

  /** `hasToldPeer`: we sent `file-cancel`, so the peer will close the channel (CANCEL_LINGER_MS). */
  #finish(status: SenderStatus, reason?: CancelReason, byPeer = false, hasToldPeer = false): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#status = status;
    const channel = this.#channel;
    this.#channel = null;
    if (channel) this.#closeChannel = releaseChannel(channel, hasToldPeer ? CANCEL_LINGER_MS : 0);
    this.#wakeUp();
    this.events.emit('status', { status, ...(reason ? { reason } : {}), ...(byPeer ? { byPeer } : {}) });
  }
}
