/**
 * Raised hands and reactions as the call page shows them: our own hand (the toggle), the
 * queue of raised hands in order of raising, what to announce when someone else's hand goes
 * up or down, and the reactions floating over tiles for a moment. A view over `call.hands`.
 */
import type { Call, HandChange } from '@app/client';
import type { PeerId, Reaction } from '@app/protocol';
import { i18n } from '../i18n/locale.svelte.ts';

/** How long a reaction floats over a tile: long enough to notice, short enough not to pile up. */
export const REACTION_MS = 4000;

/** A reaction over a tile; `from` is 'self' for our own (the self view has no PeerId). */
export interface FloatingReaction {
  key: number;
  from: PeerId | 'self';
  name: string;
  emoji: Reaction;
}

let nextKey = 1;

export class CallGestures {
  isHandRaised = $state(false);
  /** Who has a hand up, first raised first; 'self' stands for us. */
  queue: (PeerId | 'self')[] = $state([]);
  floating: FloatingReaction[] = $state([]);
  /** Someone else's hand went up or down: said politely to screen readers. */
  lastChange: HandChange | null = $state.raw(null);
  announcement = $derived(this.lastChange === null ? '' : handText(this.lastChange));

  readonly #call: Call;
  /** Not shown state: only so that close() can stop them. */
  #timers: ReturnType<typeof setTimeout>[] = [];
  readonly #unsubscribe: (() => void)[];

  constructor(call: Call) {
    this.#call = call;
    this.#unsubscribe = [
      call.on('hand', (change) => {
        this.#sync();
        if (!change.isSelf) this.lastChange = change;
      }),
      call.on('reaction', ({ from, name, emoji, isSelf }) =>
        this.#float(isSelf ? 'self' : from, name, emoji),
      ),
      call.on('hand-queue', () => this.#sync()),
    ];
  }

  toggleHand(): void {
    this.#call.hands.toggle();
    this.#sync();
  }

  react(emoji: Reaction): void {
    this.#call.hands.react(emoji);
  }

  /** Where `who` stands in the queue (1 = first), or null when their hand is down. */
  positionOf(who: PeerId | 'self'): number | null {
    const index = this.queue.indexOf(who);
    return index === -1 ? null : index + 1;
  }

  reactionsOn(who: PeerId | 'self'): FloatingReaction[] {
    return this.floating.filter((reaction) => reaction.from === who);
  }

  close(): void {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    for (const timer of this.#timers.splice(0)) clearTimeout(timer);
  }

  #sync(): void {
    const hands = this.#call.hands;
    const self = this.#call.selfId;
    this.isHandRaised = hands.isRaised;
    this.queue = hands.queue.map((id) => (id === self ? 'self' : id));
  }

  #float(from: PeerId | 'self', name: string, emoji: Reaction): void {
    const reaction: FloatingReaction = { key: nextKey++, from, name, emoji };
    this.floating = [...this.floating, reaction];
    const timer = setTimeout(() => {
      this.#timers = this.#timers.filter((pending) => pending !== timer);
      // By key: the array holds $state proxies of the records, never the records themselves.
      this.floating = this.floating.filter((shown) => shown.key !== reaction.key);
    }, REACTION_MS);
    this.#timers.push(timer);
  }
}

function handText({ name, isRaised }: HandChange): string {
  return isRaised ? i18n.t.hands.raised(name) : i18n.t.hands.lowered(name);
}
