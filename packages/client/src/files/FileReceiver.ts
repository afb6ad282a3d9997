import { FileOfferMessage, parsePeerMessage, type PeerMessage } from '@app/protocol';
import { CANCEL_LINGER_MS, releaseChannel, type TransferChannel } from './channel.ts';
import { Emitter } from '../events.ts';
import { CHANNEL_LOST_GRACE_MS, type CancelReason, type TransferState } from './FileSender.ts';
import { createFileDigest, type FileDigest } from './hash.ts';
import { ProgressMeter, type TransferProgress } from './progress.ts';
import { sanitizeFileName } from './sanitize.ts';
import { openSink, type ReceiveSink } from './sink.ts';

export type ReceiverStatus =
  'offered' | 'accepted' | 'receiving' | 'verifying' | 'complete' | 'declined' | 'cancelled' | 'failed';

export type FileReceiverEvents = {
  status: TransferState<ReceiverStatus>;
  progress: TransferProgress;
  /** The file arrived whole and its SHA-256 matched: only now may it be offered to the person. */
  complete: { file: Blob; name: string };
};

export interface FileReceiverOptions {
  /** The offer as it came off the wire; it is parsed again here, never trusted. */
  offer: unknown;
  /** Sends a control message on the sender's `chat` channel. */
  sendControl(message: PeerMessage): void;
  openSink?: (size: number, transferId: string) => Promise<ReceiveSink>;
  now?: () => number;
  progressIntervalMs?: number;
  /** See CHANNEL_LOST_GRACE_MS. */
  channelLostGraceMs?: number;
}

const FINAL: ReadonlySet<ReceiverStatus> = new Set(['complete', 'declined', 'cancelled', 'failed']);

/** MIME types are only kept when they look like one; anything else becomes a plain byte stream. */
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

/**
 * Receives one file offered by one peer. Everything from the peer is checked: the offer by
 * the schema, the name sanitised, the byte count against the offered size (a sender going
 * past it is cut off with `too-large`), and the SHA-256 of what arrived against `file-end`.
 * The finished file is handed out (`complete`) only after the digest matched.
 */
export class FileReceiver {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly mime: string;
  readonly events = new Emitter<FileReceiverEvents>();
  #status: ReceiverStatus = 'offered';
  #sendControl: (message: PeerMessage) => void;
  #openSink: (size: number, transferId: string) => Promise<ReceiveSink>;
  #sink: ReceiveSink | null = null;
  #channel: TransferChannel | null = null;
  #hash: FileDigest = createFileDigest();
  #meter: ProgressMeter;
  #received = 0;
  #lastProgressAt = -Infinity;
  #progressIntervalMs: number;
  #now: () => number;
  /** Sink writes are chained so a slow disk never reorders chunks. */
  #writes: Promise<void> = Promise.resolve();
  #channelLostGraceMs: number;
  #graceTimer: ReturnType<typeof setTimeout> | undefined;
  /** Closes a channel left open for the sender to close (see CANCEL_LINGER_MS). */
  #closeChannel: () => void = () => undefined;

  /** Throws if the offer does not match the schema: the caller drops it. */
  constructor(options: FileReceiverOptions) {
    const offer = FileOfferMessage.parse(options.offer);
    this.id = offer.id;
    this.name = sanitizeFileName(offer.name);
    this.size = offer.size;
    this.mime = MIME.test(offer.mime) ? offer.mime.toLowerCase() : 'application/octet-stream';
    this.#sendControl = options.sendControl;
    this.#openSink = options.openSink ?? openSink;
    this.#now = options.now ?? (() => performance.now());
    this.#progressIntervalMs = options.progressIntervalMs ?? 100;
    this.#channelLostGraceMs = options.channelLostGraceMs ?? CHANNEL_LOST_GRACE_MS;
    this.#meter = new ProgressMeter(offer.size, this.#now);
  }

  get status(): ReceiverStatus {
    return this.#status;
  }

  get isFinished(): boolean {
    return FINAL.has(this.#status);
  }

  get bytesReceived(): number {
    return this.#received;
  }

  /** Prepares storage, then tells the sender to start. */
  async accept(): Promise<void> {
    if (this.#status !== 'offered') return;
    this.#status = 'accepted';
    try {
      this.#sink = await this.#openSink(this.size, this.id);
    } catch {
      this.#cancelWith('failed');
      return;
    }
    if (this.#status !== 'accepted') {
      // Cancelled while storage was being prepared.
      await this.#sink.discard();
      return;
    }
    this.#sendControl({ type: 'file-accept', id: this.id });
    this.events.emit('status', { status: 'accepted' });
  }

  decline(): void {
    if (this.#status !== 'offered') return;
    this.#sendControl({ type: 'file-decline', id: this.id });
    this.#finish('declined');
  }

  /** Cancels from this side; the sender is told and stops too. */
  cancel(): void {
    if (this.isFinished) return;
    this.#cancelWith('cancelled');
  }

  /** The sender cancelled (`file-cancel` on the chat channel). */
  handleCancel(reason: CancelReason): void {
    if (this.isFinished) return;
    this.#finish(reason === 'cancelled' ? 'cancelled' : 'failed', reason, true);
  }

  /**
   * The `file:<id>` channel the sender opened. Only an accepted transfer takes one; any
   * other is closed at once so a peer cannot push bytes nobody asked for.
   */
  attachChannel(channel: TransferChannel): void {
    if (this.#status !== 'accepted' || this.#channel) {
      channel.close();
      return;
    }
    this.#channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.onmessage = (event) => this.#onMessage(event.data);
    const onLost = () => {
      if (this.#status !== 'accepted' && this.#status !== 'receiving') return;
      // Usually the sender cancelling: its `file-cancel` may still be on its way.
      channel.onmessage = null;
      this.#graceTimer ??= setTimeout(() => this.#cancelWith('failed'), this.#channelLostGraceMs);
    };
    channel.onclose = onLost;
    channel.onerror = onLost;
  }

  /** The peer left or the call ended: stop and drop what arrived, without telling anyone. */
  close(): void {
    if (this.#status === 'complete') void this.release();
    else if (!this.isFinished) this.#finish('failed', 'failed');
    this.#closeChannel();
    this.events.clear();
  }

  #onMessage(data: unknown): void {
    if (this.#status !== 'accepted' && this.#status !== 'receiving') return;
    if (data instanceof ArrayBuffer) {
      this.#onChunk(data);
    } else if (typeof data === 'string') {
      this.#onText(data);
    } else {
      this.#cancelWith('failed');
    }
  }

  #onChunk(chunk: ArrayBuffer): void {
    if (this.#received + chunk.byteLength > this.size) {
      // The sender promised fewer bytes: stop it before it fills the disk.
      this.#cancelWith('too-large');
      return;
    }
    if (this.#status === 'accepted') this.#setStatus('receiving');
    this.#received += chunk.byteLength;
    this.#hash.update(new Uint8Array(chunk));
    const sink = this.#sink!;
    this.#writes = this.#writes.then(() => sink.write(chunk));
    this.#writes.catch(() => this.#cancelWith('failed'));
    this.#emitProgress();
  }

  #onText(text: string): void {
    const parsed = parsePeerMessage(text);
    if (!parsed.ok || parsed.value.type !== 'file-end' || parsed.value.id !== this.id) {
      this.#cancelWith('failed');
      return;
    }
    void this.#verify(parsed.value.sha256);
  }

  async #verify(expected: string): Promise<void> {
    this.#setStatus('verifying');
    this.#channel?.close();
    const digest = await this.#hash.digestHex();
    if (this.isFinished) return;
    if (this.#received !== this.size || digest !== expected) {
      this.#sendControl({ type: 'file-result', id: this.id, ok: false });
      this.#finish('failed', 'corrupt');
      return;
    }
    let file: Blob;
    try {
      await this.#writes;
      file = await this.#sink!.finish(this.mime);
    } catch {
      if (this.isFinished) return;
      this.#cancelWith('failed');
      return;
    }
    if (this.isFinished) return;
    this.#emitProgress(true);
    this.#sendControl({ type: 'file-result', id: this.id, ok: true });
    this.#status = 'complete';
    this.#detachChannel();
    this.events.emit('status', { status: 'complete' });
    this.events.emit('complete', { file, name: this.name });
  }

  /** Frees the storage of a completed file once its download has started. */
  release(): Promise<void> {
    return this.#sink?.release() ?? Promise.resolve();
  }

  #emitProgress(force = false): void {
    const at = this.#now();
    if (!force && this.#received < this.size && at - this.#lastProgressAt < this.#progressIntervalMs) return;
    this.#lastProgressAt = at;
    this.events.emit('progress', this.#meter.update(this.#received));
  }

  #cancelWith(reason: CancelReason): void {
    if (this.isFinished) return;
    this.#sendControl({ type: 'file-cancel', id: this.id, reason });
    // A sender that broke the rules is cut off at once; an honest one closes on our message.
    const isHonest = reason === 'cancelled' || reason === 'failed';
    this.#finish(reason === 'cancelled' ? 'cancelled' : 'failed', reason, false, isHonest);
  }

  #setStatus(status: ReceiverStatus): void {
    this.#status = status;
    this.events.emit('status', { status });
  }

  /** `lingerMs`: leave the channel for the sender to close after our `file-cancel`. */
  #detachChannel(lingerMs = 0): void {
    const channel = this.#channel;
    this.#channel = null;
    if (channel) this.#closeChannel = releaseChannel(channel, lingerMs);
  }

  #finish(status: ReceiverStatus, reason?: CancelReason, byPeer = false, hasToldPeer = false): void {
    clearTimeout(this.#graceTimer);
    this.#graceTimer = undefined;
    this.#status = status;
    this.#detachChannel(hasToldPeer ? CANCEL_LINGER_MS : 0);
    const sink = this.#sink;
    if (sink) void this.#writes.finally(() => sink.discard()).catch(() => undefined);
    this.events.emit('status', { status, ...(reason ? { reason } : {}), ...(byPeer ? { byPeer } : {}) });
  }
}
