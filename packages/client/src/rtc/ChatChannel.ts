/**
 * The chat channel of one connection: a negotiated data channel (id 0, label `chat`, ordered)
 * that carries every JSON peer message (chat, status, photos, file control). Messages sent
 * before it opens wait in a bounded outbox. A peer is never trusted: every inbound message is
 * parsed with the protocol schemas, and a bad one is dropped and counted.
 */
import { parsePeerMessage, type PeerMessage } from '@app/protocol';
import { Emitter } from '../events.ts';

export const CHAT_CHANNEL_ID = 0;
export const CHAT_LABEL = 'chat';
/** Messages kept for the channel until it opens. */
const OUTBOX_MAX = 200;
/** A data-channel message larger than this is not a valid peer message (photo chunks are ~48 KiB). */
const MAX_INBOUND_CHARS = 256 * 1024;

/** One inbound data-channel message as a peer message; null when it is not a valid one. */
export function readPeerMessage(data: unknown): PeerMessage | null {
  const parsed = typeof data === 'string' && data.length <= MAX_INBOUND_CHARS ? parsePeerMessage(data) : null;
  return parsed?.ok ? parsed.value : null;
}

export type ChatChannelEvents = {
  message: PeerMessage;
  /** How many invalid messages this peer sent so far. */
  'bad-message': number;
  open: undefined;
};

export class ChatChannel {
  readonly events = new Emitter<ChatChannelEvents>();
  #channel: RTCDataChannel | null = null;
  #outbox: string[] = [];
  #badMessages = 0;

  get badMessages(): number {
    return this.#badMessages;
  }

  get isOpen(): boolean {
    return this.#channel?.readyState === 'open';
  }

  /** Creates the channel on `pc`; both sides do, and the same id pairs them. */
  open(pc: RTCPeerConnection): void {
    this.adopt(pc.createDataChannel(CHAT_LABEL, { negotiated: true, id: CHAT_CHANNEL_ID, ordered: true }));
  }

  /** Carries the messages on a channel made elsewhere (a media server's, opened in-band). */
  adopt(channel: RTCDataChannel): void {
    this.#channel = channel;
    channel.onopen = () => {
      for (const text of this.#outbox) channel.send(text);
      this.#outbox = [];
      this.events.emit('open', undefined);
    };
    channel.onmessage = (event: MessageEvent) => this.#receive(event.data);
  }

  send(message: PeerMessage): void {
    const text = JSON.stringify(message);
    if (this.#channel?.readyState === 'open') {
      this.#channel.send(text);
      return;
    }
    this.#outbox.push(text);
    if (this.#outbox.length > OUTBOX_MAX) this.#outbox.shift();
  }

  close(): void {
    const channel = this.#channel;
    if (channel) {
      channel.onopen = null;
      channel.onmessage = null;
      channel.close();
    }
    this.#outbox = [];
    this.events.clear();
  }

  #receive(data: unknown): void {
    const message = readPeerMessage(data);
    if (!message) {
      this.#badMessages += 1;
      this.events.emit('bad-message', this.#badMessages);
      return;
    }
    this.events.emit('message', message);
  }
}
