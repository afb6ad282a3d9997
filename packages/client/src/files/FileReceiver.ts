import { FileOfferMessage, parsePeerMessage, type FileRejoinMessage } from '@app/protocol';
import { CANCEL_LINGER_MS, type TransferChannel } from './channel.ts';
import { Emitter } from '../events.ts';
import { IncomingBlocks } from './IncomingBlocks.ts';
import type { TransferProgress } from './progress.ts';
import { sanitizeFileName } from './sanitize.ts';
import { openSink, type OpenSink, type ReceiveSink } from './sink.ts';
import type { StoredTransfer } from './store.ts';
import {
  ENDED,
  TransferBase,
  type CancelReason,
  type Ended,
  type TransferOptions,
  type TransferState,
} from './transfer.ts';

export type ReceiverStatus =
  'offered' | 'accepted' | 'receiving' | 'paused' | 'verifying' | 'complete' | Ended;

export type FileReceiverEvents = {
  status: TransferState<ReceiverStatus>;
  progress: TransferProgress;
  /** The file arrived whole and its SHA-256 matched: only now may it be offered to the person. */
  complete: { file: Blob; name: string };
};

export interface FileReceiverOptions extends TransferOptions {
  /** The offer as it came off the wire; it is parsed again here, never trusted. */
  offer: unknown;
  openSink?: OpenSink;
}

/** MIME types are only kept when they look like one; anything else becomes a plain byte stream. */
const MIME = /^[a-z0-9][a-z0-9!#$&^_.+-]{0,126}\/[a-z0-9][a-z0-9!#$&^_.+-]{0,126}$/i;

/**
 * Receives one file offered by one peer. Everything from the peer is checked: the offer by
 * the schema, the name sanitised, the byte count against the offered size (a sender going
 * past it is cut off with `too-large`), and the file digest of what arrived against
 * `file-end`. The finished file is handed out (`complete`) only after the digest matched.
 *
 * When the channel or the sender goes away mid-transfer, the receiver keeps the whole blocks
 * it stored, drops the partial one, and asks the sender (`file-resume`) to go on right after
 * them once it can reach it again: the same PeerId back, or the sender proving with the
 * transfer's key (`file-rejoin`) that it came back under a new one.
 */
export class FileReceiver extends TransferBase<ReceiverStatus> {
  readonly id: string;
  readonly name: string;
  readonly size: number;
  readonly mime: string;
  /** The transfer's secret from the offer; null when the sender cannot resume. */
  readonly key: string | null;
  readonly events = new Emitter<FileReceiverEvents>();
  readonly #openSink: OpenSink;
  #channel: TransferChannel | null = null;
  #blocks: IncomingBlocks;
  /** The last `file-resume` attempt asked for: only its channel is taken. */
  #attempt = 0;

  /** Throws if the offer does not match the schema: the caller drops it. */
  constructor(options: FileReceiverOptions) {
    const offer = FileOfferMessage.parse(options.offer);
    const record = offer.key ? options.record : null;
    super({ ...options, record }, offer.size, 'offered', ['complete', ...ENDED]);
    this.id = offer.id;
    this.name = sanitizeFileName(offer.name);
    this.size = offer.size;
    this.mime = MIME.test(offer.mime) ? offer.mime.toLowerCase() : 'application/octet-stream';
    this.key = offer.key ?? null;
    this.#openSink = options.openSink ?? openSink;
    this.#blocks = new IncomingBlocks(offer.size, this.#blockEvents());
  }

  /**
   * A transfer this browser accepted before the page reloaded: paused until the sender is
   * back, holding the blocks `kept` says are still stored (none when they were only in the
   * old page's memory: the transfer then starts over, still without a second accept).
   */
  static restore(
    stored: StoredTransfer,
    kept: { sink: ReceiveSink; blocks: number } | null,
    options: Omit<FileReceiverOptions, 'offer' | 'peerId' | 'peerName' | 'room'>,
  ): FileReceiver {
    const { id, name, size, mime, key, peerId, peerName, room } = stored;
    const offer = { type: 'file-offer', id, name, size, mime, key, sentAt: 0 };
    const receiver = new FileReceiver({ ...options, offer, peerId, peerName, room });
    receiver.#attempt = stored.attempt;
    receiver.state = 'paused';
    if (kept) {
      const blocks = Math.min(kept.blocks, stored.blocks);
      const events = receiver.#blockEvents();
      receiver.#blocks = new IncomingBlocks(size, events, kept.sink, blocks, stored.digests);
    }
    receiver.restartMeter(receiver.bytesReceived);
    receiver.emitProgress(receiver.bytesReceived, true);
    receiver.startExpiry(() => receiver.#finish('failed', 'failed'));
    return receiver;
  }

  get bytesReceived(): number {
    return this.#blocks.bytes;
  }

  /** Prepares storage, then tells the sender to start. */
  async accept(): Promise<void> {
    if (this.state !== 'offered') return;
    this.state = 'accepted';
    let sink: ReceiveSink;
    try {
      sink = await this.#openSink(this.size, this.id);
    } catch {
      this.#cancelWith('failed');
      return;
    }
    if (this.state !== 'accepted') {
      // Cancelled while storage was being prepared.
      await sink.discard();
      return;
    }
    this.#blocks.useSink(sink);
    void this.#remember();
    this.sendTo(this.peer.id, { type: 'file-accept', id: this.id });
    this.setStatus('accepted');
  }

  decline(): void {
    if (this.state !== 'offered') return;
    this.sendTo(this.peer.id, { type: 'file-decline', id: this.id });
    this.#finish('declined');
  }

  /** Cancels from this side; the sender is told and stops too. */
  cancel(): void {
    if (!this.isFinished) this.#cancelWith('cancelled');
  }

  /** The sender cancelled (`file-cancel` on the chat channel). */
  handleCancel(reason: CancelReason): void {
    if (!this.isFinished) this.#finish(reason === 'cancelled' ? 'cancelled' : 'failed', reason, true);
  }

  /**
   * The `file:<id>` (attempt 0) or `file:<id>:<attempt>` channel the sender opened. Only an
   * accepted transfer takes its first channel, and only a paused one the channel of the
   * attempt it asked for last; any other is closed at once, so a peer can never push bytes
   * nobody asked for.
   */
  attachChannel(channel: TransferChannel, attempt: number): void {
    const isFirst = this.state === 'accepted' && attempt === 0 && this.#attempt === 0;
    const isAskedFor = this.state === 'paused' && attempt > 0 && attempt === this.#attempt;
    if ((!isFirst && !isAskedFor) || this.#channel) {
      channel.close();
      return;
    }
    this.#channel = channel;
    channel.binaryType = 'arraybuffer';
    channel.onmessage = (event) => this.#onMessage(channel, event.data);
    channel.onclose = channel.onerror = () => this.#onChannelLost(channel);
    if (isAskedFor) {
      this.stopExpiry();
      this.restartMeter(this.bytesReceived);
      this.setStatus('receiving');
    }
  }

  /** The sender left the call: keep what is stored and wait for it to come back. */
  peerAway(): void {
    if (this.state === 'offered') this.#finish('failed', 'failed', true);
    else if (this.state === 'accepted' || this.state === 'receiving') this.#pause();
  }

  /**
   * The sender can be reached again: ask it to go on. An accepted transfer whose first
   * channel never came asks too: that channel died with the old connection.
   */
  peerBack(): void {
    if (this.state === 'accepted' && !this.#channel) this.#pause();
    if (this.state === 'paused') void this.#requestResume();
  }

  /**
   * The sender is back under `from` (a reload gave it a new PeerId) and proves it with the
   * transfer's key. Returns false when the key is wrong: the message is not for us.
   */
  handleRejoin(from: string, message: FileRejoinMessage, peerName: string): boolean {
    if (!this.key || message.key !== this.key) return false;
    if (this.state === 'complete') {
      this.sendTo(from, { type: 'file-result', id: this.id, ok: true });
      return true;
    }
    if (this.state !== 'accepted' && this.state !== 'receiving' && this.state !== 'paused') return true;
    this.peer = { id: from, name: peerName };
    if (this.state !== 'paused') this.#pause();
    void this.#requestResume();
    return true;
  }

  /** The call ended or the page goes: stop without telling anyone, keeping what can be resumed. */
  close(): void {
    this.stopExpiry();
    if (this.state === 'complete') void this.release();
    else if (!this.isFinished) {
      this.dropChannel(this.#takeChannel());
      this.#blocks.end(this.record !== null);
    }
    this.closeLingering();
    this.events.clear();
  }

  /** Frees the storage of a completed file once its download has started. */
  release(): Promise<void> {
    return this.#blocks.sink?.release() ?? Promise.resolve();
  }

  protected emitState(state: TransferState<ReceiverStatus>): void {
    this.events.emit('status', state);
  }

  protected emitProgressEvent(progress: TransferProgress): void {
    this.events.emit('progress', progress);
  }

  #onMessage(channel: TransferChannel, data: unknown): void {
    if (channel !== this.#channel) return;
    if (data instanceof ArrayBuffer) this.#onChunk(new Uint8Array(data));
    else if (typeof data === 'string') this.#onText(data);
    else this.#cancelWith('failed');
  }

  #onChunk(chunk: Uint8Array<ArrayBuffer>): void {
    if (!this.#blocks.add(chunk)) {
      // The sender promised fewer bytes: stop it before it fills the disk.
      this.#cancelWith('too-large');
      return;
    }
    if (this.state === 'accepted') this.setStatus('receiving');
    this.emitProgress(this.bytesReceived);
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
    this.setStatus('verifying');
    this.dropChannel(this.#takeChannel());
    const blocks = this.#blocks;
    const digest = blocks.isWhole ? await blocks.digests.prefixHex(blocks.stored) : null;
    if (this.isFinished) return;
    if (digest !== expected) {
      this.sendTo(this.peer.id, { type: 'file-result', id: this.id, ok: false });
      this.#finish('failed', 'corrupt');
      return;
    }
    let file: Blob;
    try {
      file = await blocks.finish(this.mime);
    } catch {
      if (!this.isFinished) this.#cancelWith('failed');
      return;
    }
    if (this.isFinished) return;
    this.emitProgress(this.bytesReceived, true);
    this.sendTo(this.peer.id, { type: 'file-result', id: this.id, ok: true });
    void this.record?.forget();
    this.setStatus('complete');
    this.events.emit('complete', { file, name: this.name });
  }

  /** Keeps the stored blocks, drops the partial one, and waits (RESUME_WINDOW_MS at most). */
  #pause(): void {
    if (!this.key) {
      this.#cancelWith('failed');
      return;
    }
    this.dropChannel(this.#takeChannel());
    this.#blocks.dropPartial();
    this.setStatus('paused');
    this.startExpiry(() => this.#finish('failed', 'failed'));
    void this.#blocks.flush().catch(() => undefined);
  }

  async #requestResume(): Promise<void> {
    const key = this.key;
    const blocks = this.#blocks;
    if (!key) return;
    try {
      if (!blocks.sink) blocks.useSink(await this.#openSink(this.size, this.id));
      await blocks.settled();
    } catch {
      if (!this.isFinished) this.#cancelWith('failed');
      return;
    }
    const from = blocks.stored;
    const prefix = await blocks.digests.prefixHex(from);
    if (this.state !== 'paused' || blocks.stored !== from) return;
    const attempt = ++this.#attempt;
    void this.#remember();
    this.sendTo(this.peer.id, { type: 'file-resume', id: this.id, key, from, prefix, attempt });
  }

  #blockEvents() {
    return { onFailure: () => this.#cancelWith('failed'), onDurable: () => void this.#remember() };
  }

  /** Writes the record: the blocks stored for good, their digests, and whom to ask for the rest. */
  async #remember(): Promise<void> {
    if (this.isFinished) return;
    await this.putRecord({ ...(await this.#blocks.held()), attempt: this.#attempt });
  }

  #onChannelLost(channel: TransferChannel): void {
    if (channel !== this.#channel) return;
    if (this.state !== 'accepted' && this.state !== 'receiving') return;
    this.#pause();
    void this.#requestResume();
  }

  #takeChannel(): TransferChannel | null {
    const channel = this.#channel;
    this.#channel = null;
    return channel;
  }

  #cancelWith(reason: CancelReason): void {
    if (this.isFinished) return;
    this.sendTo(this.peer.id, { type: 'file-cancel', id: this.id, reason });
    // A sender that broke the rules is cut off at once; an honest one closes on our message.
    const isHonest = reason === 'cancelled' || reason === 'failed';
    this.#finish(reason === 'cancelled' ? 'cancelled' : 'failed', reason, false, isHonest);
  }

  #finish(status: ReceiverStatus, reason?: CancelReason, byPeer = false, hasToldPeer = false): void {
    this.stopExpiry();
    this.dropChannel(this.#takeChannel(), hasToldPeer ? CANCEL_LINGER_MS : 0);
    this.#blocks.end(false);
    void this.record?.forget();
    this.setStatus(status, { ...(reason ? { reason } : {}), ...(byPeer ? { byPeer } : {}) });
  }
}
