/**
 * Raised hands and reactions as a call sees them: our own hand (what the toggle shows), the
 * queue of raised hands in the order they went up (ours included), the `hand` of each
 * participant in the roster, and reactions as they come. The server keeps a hand with its
 * seat; after a seat was recreated (a server restart) we raise ours again.
 */
import type { JoinedMessage, PeerId, Reaction, ReactionMessage } from '@app/protocol';
import type { Emitter } from '../events.ts';
import type { SignalClient } from '../signaling/SignalClient.ts';
import type { Roster } from './Roster.ts';

export interface HandChange {
  id: PeerId;
  /** Their display name (ours for our own hand). */
  name: string;
  isRaised: boolean;
  isSelf: boolean;
}

export interface ReactionEvent {
  from: PeerId;
  name: string;
  emoji: Reaction;
  isSelf: boolean;
}

/** The part of the signaling client hands need: room events in, gestures out (false: not sent). */
export type GestureLink = Pick<SignalClient, 'on' | 'sendGesture'>;

export type HandEvents = {
  hand: HandChange;
  reaction: ReactionEvent;
  /** The queue of raised hands changed (a joined list, a hand up or down, someone gone). */
  'hand-queue': readonly PeerId[];
};

export interface HandsOptions {
  roster: Roster;
  selfName: () => string;
  events: Pick<Emitter<HandEvents>, 'emit'>;
}

export class Hands {
  readonly #options: HandsOptions;
  readonly #queue: PeerId[] = [];
  #link: GestureLink | null = null;
  #selfId: PeerId | null = null;
  #isRaised = false;
  #unlink: (() => void)[] = [];

  constructor(options: HandsOptions) {
    this.#options = options;
    options.roster.events.on('removed', ({ id }) => this.#dequeue(id));
  }

  /** Our own hand, as the toggle shows it: set at once, confirmed by the server's `hand`. */
  get isRaised(): boolean {
    return this.#isRaised;
  }

  /** Who has a hand up, first raised first (our own PeerId among them). */
  get queue(): readonly PeerId[] {
    return this.#queue;
  }

  raise(): void {
    this.#setOwn(true);
  }

  lower(): void {
    this.#setOwn(false);
  }

  toggle(): void {
    this.#setOwn(!this.#isRaised);
  }

  /** Sends a reaction; false when it could not be sent (not in the room right now). */
  react(emoji: Reaction): boolean {
    return this.#link?.sendGesture({ type: 'react', emoji }) ?? false;
  }

  /** Listens to a (new) signaling client. */
  attach(link: GestureLink): void {
    this.detach();
    this.#link = link;
    this.#unlink = [
      link.on('joined', (message) => this.#onJoined(message)),
      link.on('peer-joined', (peer) => peer.hand === true && this.#enqueue(peer.id)),
      // Leaving lowers a hand on the server, even when the tile stays a while (a lost peer).
      link.on('peer-left', ({ id }) => this.#dequeue(id)),
      link.on('gesture', (message) =>
        message.type === 'hand' ? this.#onHand(message.id, message.raised) : this.#onReaction(message),
      ),
    ];
  }

  detach(): void {
    for (const unlink of this.#unlink.splice(0)) unlink();
    this.#link = null;
  }

  /** The call ended: our hand goes down with it. */
  reset(): void {
    this.detach();
    this.#isRaised = false;
    this.#selfId = null;
    if (this.#queue.length === 0) return;
    this.#queue.length = 0;
    this.#options.events.emit('hand-queue', []);
  }

  #setOwn(isRaised: boolean): void {
    if (this.#isRaised === isRaised) return;
    this.#isRaised = isRaised;
    this.#link?.sendGesture({ type: 'hand', raised: isRaised });
    if (this.#selfId !== null) this.#onHand(this.#selfId, isRaised);
  }

  #onJoined(message: JoinedMessage): void {
    const previousSelf = this.#selfId;
    this.#selfId = message.self;
    if (previousSelf !== null && previousSelf !== message.self) this.#dequeue(previousSelf);
    // The list is what the server knows now: hands lowered while we were away are gone.
    const raised = new Set(message.peers.filter((peer) => peer.hand === true).map((peer) => peer.id));
    for (const id of [...this.#queue]) if (id !== message.self && !raised.has(id)) this.#dequeue(id);
    for (const peer of message.peers) {
      this.#options.roster.update(peer.id, { hand: raised.has(peer.id) });
      if (raised.has(peer.id)) this.#enqueue(peer.id);
    }
    // A recreated seat starts with its hand down; idempotent on a resumed one.
    if (this.#isRaised) {
      this.#link?.sendGesture({ type: 'hand', raised: true });
      this.#enqueue(message.self);
    }
  }

  #onHand(id: PeerId, isRaised: boolean): void {
    const isSelf = id === this.#selfId;
    if (isSelf) this.#isRaised = isRaised;
    const wasQueued = this.#queue.includes(id);
    if (isRaised) this.#enqueue(id);
    else this.#dequeue(id);
    if (wasQueued === isRaised) return;
    const name = isSelf ? this.#options.selfName() : (this.#options.roster.name(id) ?? '');
    this.#options.events.emit('hand', { id, name, isRaised, isSelf });
  }

  #onReaction({ from, emoji }: ReactionMessage): void {
    const isSelf = from === this.#selfId;
    const name = isSelf ? this.#options.selfName() : this.#options.roster.name(from);
    if (name === null) return;
    this.#options.events.emit('reaction', { from, name, emoji, isSelf });
  }

  #enqueue(id: PeerId): void {
    this.#options.roster.update(id, { hand: true });
    if (this.#queue.includes(id)) return;
    this.#queue.push(id);
    this.#options.events.emit('hand-queue', [...this.#queue]);
  }

  #dequeue(id: PeerId): void {
    this.#options.roster.update(id, { hand: false });
    const index = this.#queue.indexOf(id);
    if (index === -1) return;
    this.#queue.splice(index, 1);
    this.#options.events.emit('hand-queue', [...this.#queue]);
  }
}
