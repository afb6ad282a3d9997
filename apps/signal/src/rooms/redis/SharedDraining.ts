import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { Bus } from './Bus.ts';
import type { RedisKeys } from './keys.ts';

export interface SharedDrainingOptions {
  commands: Redis;
  keys: RedisKeys;
  bus: Bus;
  processId: string;
  log: FastifyBaseLogger;
  /** How often the set is read again, for a process that missed a message. */
  readEveryMs?: number | undefined;
  /** Told the set after every read; `moveNow` when an operator asked for that move. */
  onChange(servers: readonly number[], moveNow?: number): void;
}

/** As often as each media server's health check: a missed drain holds at most that long. */
const READ_EVERY_MS = 2000;
/** More media servers than any deployment lists: a larger member is not ours. */
const MAX_SERVER_INDEX = 1000;

const parseServers = (members: readonly string[]): number[] =>
  members
    .map(Number)
    .filter((index) => Number.isInteger(index) && index >= 0 && index <= MAX_SERVER_INDEX)
    .sort((a, b) => a - b);

/**
 * The media servers an operator drains, kept in one Redis set so that a drain asked of any
 * process holds for all of them. A change is published to every process, which reads the set
 * again (a read issued after the message reflects the change, whichever process made it);
 * each process also reads it at start and every `readEveryMs`, so one that missed a message
 * (its subscriber reconnecting) converges within that time.
 */
export class SharedDraining {
  readonly #options: SharedDrainingOptions;
  #timer: NodeJS.Timeout | undefined;
  /**
   * Servers whose rooms an operator asked to move now, not yet handed on: the request stays
   * until a read succeeds (Redis may be reconnecting when the message comes in).
   */
  readonly #movesAsked = new Set<number>();

  constructor(options: SharedDrainingOptions) {
    this.#options = options;
  }

  /** Reads the set now (a failure waits for the next read) and then every `readEveryMs`. */
  async start(): Promise<void> {
    this.#timer = setInterval(() => void this.#refresh(), this.#options.readEveryMs ?? READ_EVERY_MS);
    await this.#refresh();
  }

  stop(): void {
    clearInterval(this.#timer);
  }

  async list(): Promise<number[]> {
    return parseServers(await this.#options.commands.smembers(this.#options.keys.draining));
  }

  /** Stores the change, applies it here, then tells every other process. */
  async set(index: number, isDraining: boolean, moveNow: boolean): Promise<void> {
    const { commands, keys, bus, processId, onChange } = this.#options;
    if (isDraining) await commands.sadd(keys.draining, String(index));
    else await commands.srem(keys.draining, String(index));
    onChange(await this.list());
    await bus.publishToAll({ kind: 'draining', from: processId, ...(moveNow ? { moveNow: index } : {}) });
  }

  /** Another process changed the set: read it, then move rooms if it was asked. */
  async changed(from: string, moveNow: number | undefined): Promise<void> {
    if (from === this.#options.processId) return;
    await this.#refresh(moveNow);
  }

  async #refresh(moveNow?: number): Promise<void> {
    const { commands, log, onChange } = this.#options;
    if (moveNow !== undefined) this.#movesAsked.add(moveNow);
    if (commands.status !== 'ready') return;
    try {
      const servers = await this.list();
      // A move asked for a server that is no longer draining is moot.
      const moves = [...this.#movesAsked].filter((index) => servers.includes(index));
      this.#movesAsked.clear();
      if (moves.length === 0) onChange(servers);
      for (const index of moves) onChange(servers, index);
    } catch (error) {
      log.warn(
        { event: 'draining-read-failed', err: String(error) },
        'could not read the draining media servers',
      );
    }
  }
}
