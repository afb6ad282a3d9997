import type { ChatMessage, PeerMessage } from '@app/protocol';
import type { Clock, TimerHandle } from '../clock.ts';

/** Chat said this long before a move to another media server is said again after it. */
const RECENT_MS = 15_000;
/**
 * When chat is said again after such a move: once the new path carries everyone's media, and
 * twice more, for people whose own subscription to us comes up later.
 */
const REPLAY_AFTER_MS = [0, 1500, 4000];

/**
 * A room moving from one media server to another (its own went down) loses the chat said
 * around the move: the old server may be dead with our data channel still open on our side,
 * and the new one relays a message only to those already subscribed to its sender. So our
 * recent chat is said again on the new path; each message keeps its id, and receivers pass
 * a message with an id already seen on to nobody (see TopologySwitch).
 */
export class ChatReplay {
  #recent: { at: number; message: ChatMessage }[] = [];
  readonly #timers = new Set<TimerHandle>();

  constructor(
    private readonly clock: Clock,
    private readonly send: (message: PeerMessage) => void,
  ) {}

  /** We said something to the room. */
  sent(message: PeerMessage): void {
    // While both paths run, a message goes out on each: one entry for both.
    if (message.type !== 'chat' || this.#recent.some((entry) => entry.message.id === message.id)) return;
    this.#prune();
    this.#recent.push({ at: this.clock.now(), message });
  }

  /** The new path carries everyone: say recent chat again on it, now and a little later. */
  replay(): void {
    for (const ms of REPLAY_AFTER_MS) {
      const timer = this.clock.setTimeout(() => {
        this.#timers.delete(timer);
        this.#prune();
        for (const { message } of this.#recent) this.send(message);
      }, ms);
      this.#timers.add(timer);
    }
  }

  close(): void {
    for (const timer of this.#timers) this.clock.clearTimeout(timer);
    this.#timers.clear();
    this.#recent = [];
  }

  #prune(): void {
    const since = this.clock.now() - RECENT_MS;
    this.#recent = this.#recent.filter(({ at }) => at >= since);
  }
}
