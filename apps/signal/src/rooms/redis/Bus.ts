import {
  PeerHandMessage,
  PeerId,
  PeerJoinedMessage,
  PeerLeftMessage,
  ReactionMessage,
  RelayedSignalMessage,
  TopologyMessage,
} from '@app/protocol';
import type { FastifyBaseLogger } from 'fastify';
import type { Redis } from 'ioredis';
import * as z from 'zod';
import type { RedisKeys } from './keys.ts';

/** What travels between processes over pub/sub; parsed like any other boundary. */
const BusMessage = z.discriminatedUnion('kind', [
  // A room event for a peer whose socket is on the receiving process.
  z.object({
    kind: z.literal('event'),
    to: PeerId,
    event: z.discriminatedUnion('type', [
      PeerJoinedMessage,
      PeerLeftMessage,
      RelayedSignalMessage,
      TopologyMessage,
      PeerHandMessage,
      ReactionMessage,
    ]),
  }),
  // The receiving process held this seat; another one resumed it.
  z.object({ kind: z.literal('release'), peer: PeerId }),
  // A seat now belongs to another process (a cross-process resume): forget its cached owner.
  z.object({ kind: z.literal('moved'), peer: PeerId }),
  // To every process: the draining media servers changed (read them again); with `moveNow`,
  // move the rooms off that one at once. `from` skips the sender, which applied it already.
  z.object({
    kind: z.literal('draining'),
    from: z.string().max(64),
    moveNow: z.number().int().min(0).max(1000).optional(),
  }),
]);
export type BusMessage = z.infer<typeof BusMessage>;

/** Compiled once, on first use: every relayed signal between processes goes through it. */
let compiledBusMessage: typeof BusMessage | undefined;
const checkBusMessage = (item: unknown): z.ZodSafeParseResult<BusMessage> =>
  (compiledBusMessage ??= z.compile(BusMessage)).safeParse(item);

export interface BusOptions {
  /** Publishes. */
  commands: Redis;
  /** Only subscribes (a subscribed connection can do nothing else). */
  subscriber: Redis;
  keys: RedisKeys;
  processId: string;
  log: FastifyBaseLogger;
  onMessage(message: BusMessage): void;
}

/** What is queued for one process during this turn, and who waits for it to be published. */
interface Batch {
  messages: BusMessage[];
  published?: { promise: Promise<void>; resolve(): void; reject(error: unknown): void } | undefined;
}

/**
 * Messages between processes: one channel per process. What is sent to one process during
 * one turn of the event loop goes out as one PUBLISH of a JSON array, in the order it was
 * sent (a call's candidates come in bursts, and a PUBLISH per signal cost more than the
 * signal itself). Redis keeps the order of one publisher's messages on a channel, so the
 * A-to-B order promise holds across batches too.
 */
export class Bus {
  readonly #commands: Redis;
  readonly #subscriber: Redis;
  readonly #keys: RedisKeys;
  readonly #processId: string;
  readonly #log: FastifyBaseLogger;
  readonly #onMessage: (message: BusMessage) => void;
  #batches = new Map<string, Batch>();
  #isFlushScheduled = false;

  constructor(options: BusOptions) {
    this.#commands = options.commands;
    this.#subscriber = options.subscriber;
    this.#keys = options.keys;
    this.#processId = options.processId;
    this.#log = options.log;
    this.#onMessage = options.onMessage;
    this.#subscriber.on('messageBuffer', (_channel: Buffer, payload: Buffer) => this.#receive(payload));
  }

  /** Connects the subscriber and listens on this process's channel and on everyone's. */
  async listen(): Promise<void> {
    await this.#subscriber.connect();
    await this.#subscriber.subscribe(this.#keys.channel(this.#processId), this.#keys.everyone);
  }

  /**
   * Queues `message` for process `to`, published with the rest of this turn's. Throws at
   * once while Redis is unreachable, like a command would, so the sender's socket closes
   * (1011) and its client resumes instead of losing the message unseen.
   */
  send(to: string, message: BusMessage): void {
    this.#batchFor(to).messages.push(message);
  }

  /** Like `send`; settles once the batch it went out in was published. */
  publish(to: string, message: BusMessage): Promise<void> {
    const batch = this.#batchFor(to);
    batch.messages.push(message);
    if (batch.published === undefined) {
      let resolve!: () => void;
      let reject!: (error: unknown) => void;
      const promise = new Promise<void>((yes, no) => {
        resolve = yes;
        reject = no;
      });
      batch.published = { promise, resolve, reject };
    }
    return batch.published.promise;
  }

  /** Publishes `message` to every process listening, this one included, at once (rare: no batch). */
  async publishToAll(message: BusMessage): Promise<void> {
    await this.#commands.publish(this.#keys.everyone, JSON.stringify([message]));
  }

  /** Publishes what is queued now (also before disconnecting). */
  flush(): void {
    this.#isFlushScheduled = false;
    // A new map each turn rather than `clear()`: V8 links a cleared map's old table to its
    // new one. Once a young collection had moved one table to the old generation, that dead
    // table kept the next turn's table alive, and so on: every batch, with every message in
    // it, was copied to the old generation until the next full collection.
    const batches = this.#batches;
    this.#batches = new Map();
    for (const [to, batch] of batches) {
      const published = this.#commands.publish(this.#keys.channel(to), JSON.stringify(batch.messages));
      published.then(
        () => batch.published?.resolve(),
        (error: unknown) => {
          this.#log.warn(
            { event: 'bus-publish-failed', messages: batch.messages.length, err: String(error) },
            'bus messages lost',
          );
          batch.published?.reject(error);
        },
      );
    }
  }

  #batchFor(to: string): Batch {
    if (this.#commands.status !== 'ready') throw new Error(`redis is ${this.#commands.status}`);
    let batch = this.#batches.get(to);
    if (batch === undefined) {
      batch = { messages: [] };
      this.#batches.set(to, batch);
      if (!this.#isFlushScheduled) {
        this.#isFlushScheduled = true;
        // After the poll phase: every socket read in this turn adds to the same batches.
        setImmediate(() => this.flush());
      }
    }
    return batch;
  }

  /** One JSON parse per batch; each message is checked once, an invalid one skipped alone. */
  #receive(payload: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(payload.toString('utf8'));
    } catch {
      json = undefined;
    }
    if (!Array.isArray(json)) {
      this.#log.warn({ event: 'bus-invalid' }, 'ignored an invalid bus message');
      return;
    }
    for (const item of json) {
      const parsed = checkBusMessage(item);
      if (parsed.success) this.#onMessage(parsed.data);
      else this.#log.warn({ event: 'bus-invalid' }, 'ignored an invalid bus message');
    }
  }
}
