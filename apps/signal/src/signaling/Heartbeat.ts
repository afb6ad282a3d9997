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
  /** Members pinged per turn of the event loop. */
  sliceSize?: number;
  scheduler?: Scheduler;
}

/**
 * Pinging 2,000 sockets in one turn stalled the relay for 75-95 ms every interval (each
 * ping is a socket write), so a round goes `sliceSize` members at a time with the event
 * loop free in between.
 */
const DEFAULT_SLICE_SIZE = 200;

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
  }

  #round(): void {
    const members = [...this.#members];
    let index = 0;
    const slice = (): void => {
      if (this.#isStopped) return;
      const end = Math.min(index + this.#sliceSize, members.length);
      for (; index < end; index++) {
        const member = members[index];
        if (member !== undefined && this.#members.has(member)) this.#beat(member);
      }
      if (index < members.length) this.#scheduler.soon(slice);
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
