import type { PeerId, RoomId } from '@app/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import type { RedisKeys } from './keys.ts';
import type { LocalSeats } from './LocalSeats.ts';
import { parseSeatEntry } from './records.ts';
import type { SeatScripts } from './scripts.ts';

export interface PresenceOptions {
  commands: Redis;
  keys: RedisKeys;
  scripts: SeatScripts;
  processId: string;
  /** A process whose presence key is older than this is dead, and its seats are swept. */
  ttlMs?: number | undefined;
  localSeats: LocalSeats;
  /** Frees a seat and tells its room (the same path as a leave). */
  freeSeat(room: RoomId, peerId: PeerId, owner: string): Promise<void>;
  log: FastifyBaseLogger;
}

const DEFAULT_TTL_MS = 6000;

/**
 * Keeps this process's seats honest in Redis: a presence key refreshed every third of its
 * TTL; a sweep that frees the seats of processes whose key expired (they crashed, or lost
 * Redis for good); and, on every reconnect, a restore that puts back the seats Redis lost
 * (a restart without persistence) and frees the ones it kept that this process let go of
 * meanwhile.
 */
export class Presence {
  readonly #options: PresenceOptions;
  readonly #ttlMs: number;
  #timer: NodeJS.Timeout | undefined;
  #hasBeenReady = false;
  #isStopped = false;

  constructor(options: PresenceOptions) {
    this.#options = options;
    this.#ttlMs = options.ttlMs ?? DEFAULT_TTL_MS;
  }

  start(): void {
    this.#timer = setInterval(() => void this.#tick(), Math.max(50, this.#ttlMs / 3));
  }

  stop(): void {
    this.#isStopped = true;
    clearInterval(this.#timer);
  }

  /** The command connection is (again) ready: announce this process, and restore after an outage. */
  async onReady(): Promise<void> {
    const { commands, keys, scripts, processId, localSeats, log } = this.#options;
    const isReconnect = this.#hasBeenReady;
    this.#hasBeenReady = true;
    try {
      await this.#refresh();
      if (!isReconnect) return;
      for (const [peerId, seat] of localSeats.entries()) {
        const password = localSeats.roomPassword(seat.room) ?? '';
        await scripts.restore(seat.room, { id: peerId, name: seat.name }, password);
      }
      for (const entry of await commands.smembers(keys.seats(processId))) {
        const seat = parseSeatEntry(entry);
        if (seat !== undefined && !localSeats.has(seat.peerId)) {
          await this.#options.freeSeat(seat.room, seat.peerId, processId);
        }
      }
      log.info({ event: 'redis-restored', seats: localSeats.size }, 'redis reconnected');
    } catch (error) {
      log.warn({ event: 'redis-restore-failed', err: String(error) }, 'redis restore failed');
    }
  }

  async #tick(): Promise<void> {
    if (this.#isStopped || this.#options.commands.status !== 'ready') return;
    try {
      await this.#refresh();
      await this.#sweep();
    } catch (error) {
      this.#options.log.warn(
        { event: 'redis-presence-failed', err: String(error) },
        'presence refresh failed',
      );
    }
  }

  async #refresh(): Promise<void> {
    const { commands, keys, processId } = this.#options;
    await commands
      .multi()
      .set(keys.presence(processId), '1', 'PX', this.#ttlMs)
      .sadd(keys.processes, processId)
      .exec();
  }

  /** Frees the seats of processes that stopped refreshing their presence. */
  async #sweep(): Promise<void> {
    const { commands, keys, processId, log } = this.#options;
    for (const process of await commands.smembers(keys.processes)) {
      if (process === processId) continue;
      if ((await commands.exists(keys.presence(process))) === 1) continue;
      const entries = await commands.smembers(keys.seats(process));
      for (const entry of entries) {
        const seat = parseSeatEntry(entry);
        if (seat !== undefined) await this.#options.freeSeat(seat.room, seat.peerId, process);
      }
      if ((await commands.scard(keys.seats(process))) === 0) await commands.srem(keys.processes, process);
      log.info({ event: 'process-swept', process, seats: entries.length }, 'freed a dead process');
    }
  }
}
