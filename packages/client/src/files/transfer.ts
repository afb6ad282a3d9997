/** What the sending and the receiving side of a file transfer share. */
import type { FileCancelMessage, PeerMessage } from '@app/protocol';
import { systemClock, type Clock, type TimerHandle } from '../clock.ts';
import { releaseChannel, type TransferChannel } from './channel.ts';
import { ProgressMeter, type TransferProgress } from './progress.ts';
import { RESUME_WINDOW_MS, type StoredTransfer, type TransferRecord } from './store.ts';

export type CancelReason = FileCancelMessage['reason'];

/**
 * Why a sender that reloaded still waits for its file: the person chose one whose name or
 * size differs (`wrong-file`), or whose first blocks differ from what the receiver already
 * holds (`different-file`).
 */
export type TransferNote = 'wrong-file' | 'different-file';

/** How a transfer can end, on either side (besides its own word for success). */
export type Ended = 'declined' | 'cancelled' | 'failed';
export const ENDED: readonly Ended[] = ['declined', 'cancelled', 'failed'];

export type TransferState<S> = { status: S; reason?: CancelReason; byPeer?: boolean; note?: TransferNote };

/** What a transfer needs from the connection to one peer. */
export interface SenderLink {
  /** Sends a control message on the peer's `chat` channel. */
  sendControl(message: PeerMessage): void;
  /** Opens an ordered data channel on the peer's connection. */
  openChannel(label: string): TransferChannel;
  /** `pc.sctp?.maxMessageSize`, read when the transfer starts. */
  maxMessageSize(): number | null | undefined;
}

/**
 * The connection to a peer as it is now (null: not in the call). A transfer outlives
 * connections (an ICE failure that ends in a new one, a peer that reloaded under a new
 * PeerId), so it asks for the current one each time and never keeps one.
 */
export type LinkTo = (peerId: string) => SenderLink | null;

/** What both sides take in besides their own parts. */
export interface TransferOptions {
  link: LinkTo;
  /** The other side, and their name then (for the record). */
  peerId: string;
  peerName?: string;
  /** Where this transfer is remembered over a reload (none: it is not), and its room. */
  record?: TransferRecord | null;
  room?: string;
  /** Time for progress and for the resume window; real time by default. */
  clock?: Clock;
  /** Progress events are throttled to this interval; the last one always goes out. */
  progressIntervalMs?: number;
}

/**
 * Resumes a sender grants one transfer: each re-reads and re-sends from the requested block,
 * so a receiver asking again and again could keep the sender's disk and uplink busy forever.
 */
export const MAX_RESUMES = 50;

/**
 * The bookkeeping both sides share: status, the other side (who may come back under a new
 * PeerId), progress, the window a paused transfer waits in, and the channel left open for
 * the other side to close.
 */
export abstract class TransferBase<S extends string> {
  abstract readonly id: string;
  abstract readonly key: string | null;
  abstract readonly name: string;
  abstract readonly size: number;
  abstract readonly mime: string;
  /** The latest progress reported (a transfer taken back after a reload starts with one). */
  lastProgress: TransferProgress | null = null;
  protected state: S;
  protected peer: { id: string; name: string };
  protected readonly room: string;
  protected readonly link: LinkTo;
  protected readonly record: TransferRecord | null;
  protected readonly clock: Clock;
  protected meter: ProgressMeter;
  /** Closes a channel left open for the other side to close (see CANCEL_LINGER_MS). */
  protected closeLingering: () => void = () => undefined;
  readonly #final: ReadonlySet<S>;
  readonly #progressIntervalMs: number;
  #lastProgressAt = -Infinity;
  #expiry: TimerHandle | null = null;

  constructor(options: TransferOptions, size: number, initial: S, final: readonly S[]) {
    this.state = initial;
    this.#final = new Set(final);
    this.peer = { id: options.peerId, name: options.peerName ?? '' };
    this.room = options.room ?? '';
    this.link = options.link;
    this.record = options.record ?? null;
    this.clock = options.clock ?? systemClock;
    this.#progressIntervalMs = options.progressIntervalMs ?? 100;
    this.meter = new ProgressMeter(size, () => this.clock.now());
  }

  get status(): S {
    return this.state;
  }

  get isFinished(): boolean {
    return this.#final.has(this.state);
  }

  get peerId(): string {
    return this.peer.id;
  }

  get peerName(): string {
    return this.peer.name;
  }

  protected abstract emitState(state: TransferState<S>): void;
  protected abstract emitProgressEvent(progress: TransferProgress): void;

  protected sendTo(peerId: string, message: PeerMessage): void {
    this.link(peerId)?.sendControl(message);
  }

  protected setStatus(status: S, details: Omit<TransferState<S>, 'status'> = {}): void {
    this.state = status;
    this.emitState({ status, ...details });
  }

  /** Progress from `bytes` (throttled, except at the end or when `force`d). */
  protected emitProgress(bytes: number, force = false): void {
    const at = this.clock.now();
    const isEnd = bytes >= this.meter.total;
    if (!force && !isEnd && at - this.#lastProgressAt < this.#progressIntervalMs) return;
    this.#lastProgressAt = at;
    this.lastProgress = this.meter.update(Math.max(0, bytes));
    this.emitProgressEvent(this.lastProgress);
  }

  /** Speed counts from here on (after a pause, the bytes already there do not count). */
  protected restartMeter(bytes: number): void {
    this.meter = new ProgressMeter(this.meter.total, () => this.clock.now(), bytes);
  }

  /** A paused transfer waits RESUME_WINDOW_MS at most for the other side. */
  protected startExpiry(onExpired: () => void): void {
    this.stopExpiry();
    this.#expiry = this.clock.setTimeout(onExpired, RESUME_WINDOW_MS);
  }

  protected stopExpiry(): void {
    this.clock.clearTimeout(this.#expiry);
    this.#expiry = null;
  }

  /** Writes this transfer's record (when it is remembered at all) with what this side holds. */
  protected putRecord(
    held: Pick<StoredTransfer, 'blocks' | 'digests' | 'storage' | 'attempt'>,
  ): Promise<void> {
    const { record, key, room, name, size, mime } = this;
    if (!record || !key) return Promise.resolve();
    const peer = { peerId: this.peer.id, peerName: this.peer.name };
    return record.put({ key, room, name, size, mime, ...peer, ...held });
  }

  /** Drops a channel's handlers and closes it, or (`lingerMs`) leaves it for the other side to close. */
  protected dropChannel(channel: TransferChannel | null, lingerMs = 0): void {
    if (channel) this.closeLingering = releaseChannel(channel, lingerMs);
  }
}
