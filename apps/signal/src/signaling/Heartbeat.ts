import { systemScheduler, type Scheduler, type Timer } from './scheduler.ts';

/** What the heartbeat watches: one socket, told apart by whether it answered the last ping. */
export interface Beating {
  /** Set by the pong; cleared by each ping. */
  isAlive: boolean;
  ping(): void;
}

export interface HeartbeatOptions<M extends Beating> {
  intervalMs: number;
  /** Called for a member that did not answer the previous ping; it is not pinged again. */
  onMissed(member: M): void;
  /** Members pinged at a time; a round's slices are spread out (see #round). */
  sliceSize?: number;
  scheduler?: Scheduler;
}

/**
 * Pinging 2,000 sockets in one turn stalled the relay for 75-95 ms every interval (each
 * ping is a socket write, and each pong a read), so a round goes `sliceSize` members at a
 * time, the slices `MAX_SLICE_GAP_MS` apart: a round of 2,000 takes about a second, and the
 * messages relayed meanwhile never queue behind a burst of pings and pongs.
 */
const DEFAULT_SLICE_SIZE = 50;
const MAX_SLICE_GAP_MS = 25;

/**
 * Every `intervalMs`, pings each member of a live set; one that has not answered since the
 * previous round is reported to `onMissed` instead (the policy of what to do with it, and
 * the pong that marks it alive, belong to the owner). Members that leave the set during a
 * round are skipped.
 */
export class Heartbeat<M extends Beating> {
  readonly #members: ReadonlySet<M>;
  readonly #intervalMs: number;
  readonly #sliceSize: number;
  readonly #scheduler: Scheduler;
  readonly #onMissed: (member: M) => void;
  #timer: Timer | undefined;
  #sliceTimer: Timer | undefined;
  #isStopped = false;

  constructor(members: ReadonlySet<M>, options: HeartbeatOptions<M>) {
    this.#members = members;
    this.#intervalMs = options.intervalMs;
    this.#sliceSize = options.sliceSize ?? DEFAULT_SLICE_SIZE;
    this.#scheduler = options.scheduler ?? systemScheduler;
    this.#onMissed = options.onMissed;
  }

  start(): void {
    if (this.#isStopped) return;
    this.#timer ??= this.#scheduler.every(this.#intervalMs, () => this.#round());
  }

  /** For good: a round in progress pings no one else. */
  stop(): void {
    this.#isStopped = true;
    this.#timer?.cancel();
    this.#timer = undefined;
    this.#sliceTimer?.cancel();
    this.#sliceTimer = undefined;
  }

  #round(): void {
    const members = [...this.#members];
    const slices = Math.ceil(members.length / this.#sliceSize);
    // Within the first half of the interval, so a round is over well before the next one.
    const gapMs = Math.min(MAX_SLICE_GAP_MS, Math.floor(this.#intervalMs / 2 / Math.max(1, slices)));
    let index = 0;
    const slice = (): void => {
      this.#sliceTimer = undefined;
      if (this.#isStopped) return;
      const end = Math.min(index + this.#sliceSize, members.length);
      for (; index < end; index++) {
        const member = members[index];
        if (member !== undefined && this.#members.has(member)) this.#beat(member);
      }
      if (index >= members.length) return;
      if (gapMs > 0) this.#sliceTimer = this.#scheduler.after(gapMs, slice);
      else this.#scheduler.soon(slice);
    };
    slice();
  }

  #beat(member: M): void {
    if (!member.isAlive) {
      this.#onMissed(member);
      return;
    }
    member.isAlive = false;
    member.ping();
  }
}
