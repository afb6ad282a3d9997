import type { FileOfferMessage, FileRejoinMessage, FileResumeMessage, PeerMessage } from '@app/protocol';
import { parseTransferLabel, type TransferChannel } from './channel.ts';
import { Emitter, type Events } from '../events.ts';
import { randomBase64Url } from '../ids.ts';
import { FileReceiver } from './FileReceiver.ts';
import { FileSender } from './FileSender.ts';
import { openSink, restoreSink, sweepParts, type OpenSink, type RestoreSink } from './sink.ts';
import { RESUME_WINDOW_MS, TransferRecord, type TransferDirection, type TransferStore } from './store.ts';
import type { LinkTo, TransferOptions } from './transfer.ts';

/** Someone in the call, as file transfer sees them. */
export interface TransferPeer {
  id: string;
  name: string;
}

export type FileTransfersEvents = {
  /** A transfer this side started (one per recipient), or one it takes back after a reload. */
  outgoing: { peerId: string; sender: FileSender };
  /** A peer offers a file (the person accepts or declines), or one accepted before a reload. */
  incoming: { peerId: string; receiver: FileReceiver };
  /** A message from a peer was malformed or made no sense here. */
  dropped: { peerId: string; reason: string };
};

export interface FileTransfersOptions extends Pick<TransferOptions, 'clock' | 'progressIntervalMs'> {
  /** The connection to a peer as it is now (null: not in the call). */
  link: LinkTo;
  /** A peer's display name now ('' if unknown). */
  nameOf?: (peerId: string) => string;
  /** The room: transfers are remembered per room, and only taken back in it. */
  room?: string;
  /** Where transfers are remembered over a reload; none: they are not. */
  store?: TransferStore | null;
  createId?: () => string;
  /** The transfer key: 22 base64url characters, 132 random bits. */
  createKey?: () => string;
  openSink?: OpenSink;
  restoreSink?: RestoreSink;
  /** Removes stored parts of transfers but those `keep` names (see sweepParts). */
  sweepParts?: (keep: (transferId: string) => boolean) => Promise<void>;
  /** Wall-clock time for records and their expiry. */
  wallClock?: () => number;
}

/** Offers a peer may leave unanswered at once; more are declined so a peer cannot flood the UI. */
export const MAX_PENDING_OFFERS_PER_PEER = 8;

/**
 * All file transfers of one call: routes file control messages from the chat channels and
 * `file:<id>` channels to the right sender or receiver, checks that each comes from that
 * transfer's other side (its PeerId, or after a reload its key), remembers transfers over a
 * reload and takes them back, and closes them all when the call ends.
 */
export class FileTransfers {
  readonly events = new Emitter<FileTransfersEvents>();
  readonly #senders = new Map<string, FileSender>();
  readonly #receivers = new Map<string, FileReceiver>();
  readonly #options: FileTransfersOptions;
  readonly #wallClock: () => number;
  /** Resumes wait until the transfers of an earlier page are taken back. */
  #restored: Promise<void> = Promise.resolve();

  constructor(options: FileTransfersOptions) {
    this.#options = options;
    this.#wallClock = options.wallClock ?? (() => Date.now());
  }

  /** Offers `file` to each of `peers`: one transfer per peer. */
  send(file: File, peers: readonly TransferPeer[]): FileSender[] {
    const { createId = () => crypto.randomUUID(), createKey = () => randomBase64Url(22) } = this.#options;
    return peers.map((peer) => {
      const id = createId();
      const options = { ...this.#common('outgoing', id), peerId: peer.id, peerName: peer.name };
      const sender = new FileSender({ ...options, id, key: createKey(), file });
      this.#track(this.#senders, sender);
      this.events.emit('outgoing', { peerId: peer.id, sender });
      sender.start();
      return sender;
    });
  }

  /**
   * A parsed message from `peerId`'s chat channel. Returns false when it is not about file
   * transfer, so the caller hands it to chat, photos, etc.
   */
  handleMessage(peerId: string, message: PeerMessage): boolean {
    switch (message.type) {
      case 'file-offer':
        this.#onOffer(peerId, message);
        return true;
      case 'file-accept':
      case 'file-decline':
      case 'file-result': {
        const sender = this.#of(this.#senders, peerId, message.id);
        if (sender) sender.handleControl(message);
        else this.#drop(peerId, `${message.type} for no transfer`);
        return true;
      }
      case 'file-cancel':
        this.#of(this.#senders, peerId, message.id)?.handleControl(message);
        this.#of(this.#receivers, peerId, message.id)?.handleCancel(message.reason);
        return true;
      case 'file-resume':
      case 'file-rejoin':
        void this.#restored.then(() => this.#onReturn(peerId, message));
        return true;
      case 'file-end':
        // Only valid on the transfer's own channel.
        this.#drop(peerId, 'file-end on the chat channel');
        return true;
      default:
        return false;
    }
  }

  /**
   * A data channel `peerId` opened (`ondatachannel`). Returns false when it is not a file
   * channel. A file channel for no transfer of that peer is closed.
   */
  handleChannel(peerId: string, channel: TransferChannel): boolean {
    const label = parseTransferLabel(channel.label);
    if (!label) {
      if (!channel.label.startsWith('file:')) return false;
      channel.close();
      return true;
    }
    const receiver = this.#of(this.#receivers, peerId, label.id);
    if (receiver) receiver.attachChannel(channel, label.attempt);
    else channel.close();
    return true;
  }

  /** The peer left the call: its transfers pause (it may come back, under a new PeerId after a reload). */
  peerLeft(peerId: string): void {
    for (const transfer of this.#all()) if (transfer.peerId === peerId) transfer.peerAway();
  }

  /** The peer can be reached again (it joined, or its connection is up again): paused transfers go on. */
  peerBack(peerId: string): void {
    for (const transfer of this.#all()) if (transfer.peerId === peerId) transfer.peerBack();
  }

  /** After a reload: the person chose the file of outgoing transfer `id` again. */
  chooseFile(id: string, file: File): void {
    this.#senders.get(id)?.chooseFile(file);
  }

  /**
   * Takes back what an earlier page of this browser left: transfers of this room as paused
   * ones, and removes what is past RESUME_WINDOW_MS (records and stored parts alike).
   */
  restore(): Promise<void> {
    this.#restored = this.#restore().catch(() => undefined);
    return this.#restored;
  }

  /** Hanging up: every transfer under way is cancelled, and the others are told. */
  cancelAll(): void {
    for (const transfer of this.#all()) transfer.cancel();
  }

  close(): void {
    for (const transfer of this.#all()) transfer.close();
    this.#senders.clear();
    this.#receivers.clear();
    this.events.clear();
  }

  async #restore(): Promise<void> {
    const { store, room, restoreSink: restore = restoreSink, sweepParts: sweep = sweepParts } = this.#options;
    if (!store) return;
    const now = this.#wallClock();
    const records = await store.list();
    const fresh = records.filter((record) => now - record.updatedAt <= RESUME_WINDOW_MS);
    await Promise.all(
      records.filter((record) => !fresh.includes(record)).map((r) => store.delete(r.direction, r.id)),
    );
    const kept = new Set(fresh.filter((r) => r.direction === 'incoming').map((r) => r.id));
    await sweep((name) => kept.has(name) || this.#receivers.has(name));
    for (const record of fresh) {
      if (record.room !== room || this.#senders.has(record.id) || this.#receivers.has(record.id)) continue;
      const common = this.#common(record.direction, record.id);
      if (record.direction === 'outgoing') {
        const sender = FileSender.restore(record, common);
        this.#track(this.#senders, sender);
        this.events.emit('outgoing', { peerId: record.peerId, sender });
        continue;
      }
      const stored = record.storage === 'disk' ? await restore(record.size, record.id, record.blocks) : null;
      const receiver = FileReceiver.restore(record, stored, { ...common, openSink: this.#openSink() });
      this.#track(this.#receivers, receiver);
      this.events.emit('incoming', { peerId: record.peerId, receiver });
      if (this.#options.link(record.peerId)) receiver.peerBack();
    }
  }

  /** `file-resume` (for a sender of ours) or `file-rejoin` (for a receiver), from anyone knowing the key. */
  #onReturn(peerId: string, message: FileResumeMessage | FileRejoinMessage): void {
    const name = this.#options.nameOf?.(peerId) ?? '';
    const transfer =
      message.type === 'file-resume' ? this.#senders.get(message.id) : this.#receivers.get(message.id);
    if (!transfer) {
      // Cancelled (or never known) here: the other side may stop waiting and free its storage.
      this.#options.link(peerId)?.sendControl({ type: 'file-cancel', id: message.id, reason: 'cancelled' });
      return;
    }
    const isOurs =
      transfer instanceof FileSender && message.type === 'file-resume'
        ? transfer.handleResume(peerId, message, name)
        : transfer instanceof FileReceiver && message.type === 'file-rejoin'
          ? transfer.handleRejoin(peerId, message, name)
          : false;
    void Promise.resolve(isOurs).then((ok) => ok || this.#drop(peerId, `${message.type} with a wrong key`));
  }

  #onOffer(peerId: string, message: FileOfferMessage): void {
    if (this.#receivers.has(message.id)) {
      this.#drop(peerId, 'repeated offer');
      return;
    }
    const pending = [...this.#receivers.values()].filter(
      (receiver) => receiver.peerId === peerId && receiver.status === 'offered',
    ).length;
    if (pending >= MAX_PENDING_OFFERS_PER_PEER) {
      this.#options.link(peerId)?.sendControl({ type: 'file-decline', id: message.id });
      this.#drop(peerId, 'too many pending offers');
      return;
    }
    let receiver: FileReceiver;
    try {
      const common = this.#common('incoming', message.id);
      const peerName = this.#options.nameOf?.(peerId) ?? '';
      receiver = new FileReceiver({
        ...common,
        offer: message,
        peerId,
        peerName,
        openSink: this.#openSink(),
      });
    } catch {
      this.#drop(peerId, 'invalid offer');
      return;
    }
    this.#track(this.#receivers, receiver);
    this.events.emit('incoming', { peerId, receiver });
  }

  #common(direction: TransferDirection, id: string) {
    const { link, room, store, clock, progressIntervalMs } = this.#options;
    const record = store ? new TransferRecord(store, direction, id, this.#wallClock) : null;
    return { link, room, record, clock, progressIntervalMs };
  }

  #openSink(): OpenSink {
    return this.#options.openSink ?? openSink;
  }

  /** Keeps a transfer until it ends; a completed receiver stays until close() (it may hold its OPFS file). */
  #track<T extends FileSender | FileReceiver>(map: Map<string, T>, transfer: T): void {
    map.set(transfer.id, transfer);
    const events: Events<{ status: unknown }> = transfer.events;
    events.on('status', () => {
      if (transfer.isFinished && transfer.status !== 'complete') map.delete(transfer.id);
    });
  }

  /** The transfer `id` if `peerId` is its other side: nobody touches someone else's transfer. */
  #of<T extends FileSender | FileReceiver>(map: Map<string, T>, peerId: string, id: string): T | null {
    const transfer = map.get(id);
    return transfer?.peerId === peerId ? transfer : null;
  }

  #all(): (FileSender | FileReceiver)[] {
    return [...this.#senders.values(), ...this.#receivers.values()];
  }

  #drop(peerId: string, reason: string): void {
    this.events.emit('dropped', { peerId, reason });
  }
}
