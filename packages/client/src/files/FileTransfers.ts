import { FileOfferMessage, type PeerMessage } from '@app/protocol';
import { transferIdOf, type TransferChannel } from './channel.ts';
import { Emitter } from '../events.ts';
import { FileReceiver } from './FileReceiver.ts';
import { FileSender, type SenderLink } from './FileSender.ts';
import type { ReceiveSink } from './sink.ts';

/** One peer of the call as file transfer sees it. */
export interface TransferPeer extends SenderLink {
  id: string;
  name: string;
}

export type FileTransfersEvents = {
  /** A transfer this side started (one per recipient). */
  outgoing: { peerId: string; sender: FileSender };
  /** A peer offers a file; the person accepts or declines. */
  incoming: { peerId: string; receiver: FileReceiver };
  /** A message from a peer was malformed or made no sense here. */
  dropped: { peerId: string; reason: string };
};

export interface FileTransfersOptions {
  createId?: () => string;
  openSink?: (size: number, transferId: string) => Promise<ReceiveSink>;
  now?: () => number;
  channelLostGraceMs?: number;
}

/** Offers a peer may leave unanswered at once; more are dropped so a peer cannot flood the UI. */
export const MAX_PENDING_OFFERS_PER_PEER = 8;

/**
 * All file transfers of one call: routes file control messages from the chat channels and
 * `file:<id>` channels to the right sender or receiver, keyed by peer so one peer can never
 * touch another's transfers, and closes them all when the call ends.
 */
export class FileTransfers {
  readonly events = new Emitter<FileTransfersEvents>();
  #senders = new Map<string, FileSender>();
  #receivers = new Map<string, FileReceiver>();
  #createId: () => string;
  #options: FileTransfersOptions;

  constructor(options: FileTransfersOptions = {}) {
    this.#options = options;
    this.#createId = options.createId ?? (() => crypto.randomUUID());
  }

  /** Offers `file` to each of `peers`: one transfer per peer. */
  send(file: File, peers: readonly TransferPeer[]): FileSender[] {
    return peers.map((peer) => {
      const sender = new FileSender({
        id: this.#createId(),
        file,
        link: peer,
        now: this.#options.now,
        channelLostGraceMs: this.#options.channelLostGraceMs,
      });
      const key = keyOf(peer.id, sender.id);
      this.#senders.set(key, sender);
      sender.events.on('status', () => {
        if (sender.isFinished) this.#senders.delete(key);
      });
      this.events.emit('outgoing', { peerId: peer.id, sender });
      sender.start();
      return sender;
    });
  }

  /**
   * A parsed message from `peer`'s chat channel. Returns false when it is not about file
   * transfer, so the caller hands it to chat, photos, etc.
   */
  handleMessage(peer: Pick<TransferPeer, 'id' | 'sendControl'>, message: PeerMessage): boolean {
    switch (message.type) {
      case 'file-offer':
        this.#onOffer(peer, message);
        return true;
      case 'file-accept':
      case 'file-decline':
      case 'file-result': {
        const sender = this.#senders.get(keyOf(peer.id, message.id));
        if (sender) sender.handleControl(message);
        else this.events.emit('dropped', { peerId: peer.id, reason: `${message.type} for no transfer` });
        return true;
      }
      case 'file-cancel': {
        const key = keyOf(peer.id, message.id);
        const sender = this.#senders.get(key);
        const receiver = this.#receivers.get(key);
        sender?.handleControl(message);
        receiver?.handleCancel(message.reason);
        return true;
      }
      case 'file-end':
        // Only valid on the transfer's own channel.
        this.events.emit('dropped', { peerId: peer.id, reason: 'file-end on the chat channel' });
        return true;
      default:
        return false;
    }
  }

  /**
   * A data channel `peer` opened (`ondatachannel`). Returns false when it is not a file
   * channel. A file channel for no accepted transfer is closed.
   */
  handleChannel(peerId: string, channel: TransferChannel): boolean {
    const id = transferIdOf(channel.label);
    if (id === null) {
      if (!channel.label.startsWith('file:')) return false;
      channel.close();
      return true;
    }
    const receiver = this.#receivers.get(keyOf(peerId, id));
    if (receiver) receiver.attachChannel(channel);
    else channel.close();
    return true;
  }

  /** The peer left: its transfers end on both sides of this page. */
  peerLeft(peerId: string): void {
    for (const [key, transfer] of [...this.#senders, ...this.#receivers]) {
      if (key.startsWith(`${peerId}\n`)) transfer.close();
    }
  }

  close(): void {
    for (const transfer of [...this.#senders.values(), ...this.#receivers.values()]) transfer.close();
    this.#senders.clear();
    this.#receivers.clear();
    this.events.clear();
  }

  #onOffer(peer: Pick<TransferPeer, 'id' | 'sendControl'>, message: FileOfferMessage): void {
    const key = keyOf(peer.id, message.id);
    if (this.#receivers.has(key)) {
      this.events.emit('dropped', { peerId: peer.id, reason: 'repeated offer' });
      return;
    }
    const pending = [...this.#receivers].filter(
      ([k, r]) => k.startsWith(`${peer.id}\n`) && r.status === 'offered',
    ).length;
    if (pending >= MAX_PENDING_OFFERS_PER_PEER) {
      peer.sendControl({ type: 'file-decline', id: message.id });
      this.events.emit('dropped', { peerId: peer.id, reason: 'too many pending offers' });
      return;
    }
    let receiver: FileReceiver;
    try {
      receiver = new FileReceiver({
        offer: message,
        sendControl: (m) => peer.sendControl(m),
        openSink: this.#options.openSink,
        now: this.#options.now,
        channelLostGraceMs: this.#options.channelLostGraceMs,
      });
    } catch {
      this.events.emit('dropped', { peerId: peer.id, reason: 'invalid offer' });
      return;
    }
    this.#receivers.set(key, receiver);
    receiver.events.on('status', () => {
      // Finished receivers stay until close(): a completed one may still hold its OPFS file.
      if (receiver.isFinished && receiver.status !== 'complete') this.#receivers.delete(key);
    });
    this.events.emit('incoming', { peerId: peer.id, receiver });
  }
}

const keyOf = (peerId: string, transferId: string): string => `${peerId}\n${transferId}`;
